// A scan allocates nothing per blob or per event: global operator new is
// counted in this test program (cell/brio/counting_new.h).
#include <gtest/gtest.h>

#include "cell/brio/counting_new.h"
#include "cell/query/query_test_util.h"
#include "cell/query/scanner.h"

namespace datablox::eql {
namespace {

using brio::AllocationCount;

// 200 users, 3 sessions each, 4 events a session: 2,400 events.
std::string ManyUsers() {
  std::string text;
  for (int u = 0; u < 200; ++u) {
    text +=
        R"({"id":"u)" + std::to_string(u) + R"(","country":")" + (u % 3 ? "FR" : "DE") + R"(","os":"ios","sessions":[)";
    for (int s = 0; s < 3; ++s) {
      text += std::string(s ? "," : "") + R"({"id":)" + std::to_string(u * 10 + s) + R"(,"start":)" +
              std::to_string(1699900000000 + s * 86400000) + R"(,"events":[)";
      for (int e = 0; e < 4; ++e) {
        text += std::string(e ? "," : "") + R"({"ts":)" + std::to_string(1699900000000 + s * 86400000 + e * 1000) +
                R"(,"type":")" + (e % 2 ? "buy" : "search") + R"(","value":)" + std::to_string(e) + "}";
      }
      text += "]}";
    }
    text += "]}\n";
  }
  return text;
}

uint64_t AllocationsOfScan(const Plan& plan, const testing::PressedRegion& region, PartialResult* partial) {
  Scanner scanner(plan);
  const uint64_t before = AllocationCount();
  const Status st = scanner.ScanRegion(region.view, region.layout, partial);
  const uint64_t allocations = AllocationCount() - before;
  EXPECT_TRUE(st.ok());
  return allocations;
}

TEST(ScanAllocationTest, EveryAggregateAndAFunnelInOnePassAllocateNothing) {
  const Plan plan = testing::MustCompile(
      "select count(user), count(user.sessions), count(user.sessions.events), sum(user.sessions.events.value), "
      "min(user.sessions.events.ts), max(user.sessions.events.value), avg(user.sessions.events.value), "
      "funnel(user within session: user.sessions.events.type = 'search' then user.sessions.events.type = 'buy') "
      "from schema unity where user.sessions.events.type in ('buy', 'search') and user.country != 'JP'");
  auto region = testing::Press(ManyUsers());
  PartialResult partial(PartialShape::Of(plan));
  EXPECT_EQ(AllocationsOfScan(plan, *region, &partial), 0u);
  EXPECT_EQ(testing::RowsText(FinishResult(plan, partial)), "200,600,2400,3600,1699900000000,3,1.5,200");
  // The same over a region checked once, as a worker scans it: no check, no allocation either.
  ASSERT_TRUE(region->view.CheckBlobs(region->layout).ok());
  PartialResult checked(PartialShape::Of(plan));
  Scanner scanner(plan);
  const uint64_t before = AllocationCount();
  scanner.ScanCheckedRegion(region->view, region->layout, &checked);
  EXPECT_EQ(AllocationCount() - before, 0u);
  EXPECT_EQ(testing::RowsText(FinishResult(plan, checked)), "200,600,2400,3600,1699900000000,3,1.5,200");
}

TEST(ScanAllocationTest, GroupsAllocateOnlyWhenNew) {
  const Plan plan = testing::MustCompile(
      "select user.country, day(user.sessions.start), count(user.sessions.events), "
      "count(distinct user.sessions.events.type) from schema unity group by user.country, day(user.sessions.start)");
  auto region = testing::Press(ManyUsers());
  PartialResult partial(PartialShape::Of(plan));
  const uint64_t first = AllocationsOfScan(plan, *region, &partial);
  EXPECT_GT(first, 0u);                                       // six groups, their strings, two distinct values each
  EXPECT_LT(first, 100u);                                     // not one per blob (200) nor per event (2,400)
  EXPECT_EQ(AllocationsOfScan(plan, *region, &partial), 0u);  // every group and value is known now
  EXPECT_EQ(partial.group_count(), 6u);
}

TEST(ScanAllocationTest, CounterSeesAnAllocation) {
  const uint64_t before = AllocationCount();
  auto* p = new std::string(100, 'x');
  EXPECT_GT(AllocationCount(), before);
  delete p;
}

}  // namespace
}  // namespace datablox::eql
