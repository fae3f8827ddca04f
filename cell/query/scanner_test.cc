// One pass over the sample users (query_test_util.cc): u1 (FR, ios) with a
// session on 2023-11-13 (buy 4) and one on 2023-11-14 (search 1.5, view 2,
// buy 10); u2 (DE, android) on 2023-11-14 (buy 3, then search 0.5 a
// minute later); u3 (FR, android) with no session. NOW is 2023-11-14T22:13:20Z.
#include "cell/query/scanner.h"

#include <gtest/gtest.h>

#include "cell/query/query_test_util.h"

namespace datablox::eql {
namespace {

using testing::RunQuery;

TEST(ScannerTest, CountsAtEveryLevelInOnePass) {
  EXPECT_EQ(RunQuery("select count(user), count(user.sessions), count(user.sessions.events) from schema unity"),
            "3,3,6");
}

TEST(ScannerTest, SumMinMaxAvgOfAField) {
  EXPECT_EQ(RunQuery("select sum(user.sessions.events.value), min(user.sessions.events.value), "
                     "max(user.sessions.events.value), avg(user.sessions.events.value) from schema unity"),
            "21,0.5,10,3.5");
  EXPECT_EQ(RunQuery("select min(user.sessions.start), max(user.sessions.id), sum(user.sessions.id) from schema unity"),
            "1699910000000,20,41");
}

TEST(ScannerTest, CountDistinctAndCountOfAField) {
  EXPECT_EQ(RunQuery("select count(distinct user.sessions.events.type), count(distinct user.country), count(user.os) "
                     "from schema unity"),
            "3,2,3");
}

TEST(ScannerTest, GroupByAFieldInKeyOrder) {
  EXPECT_EQ(RunQuery("select user.country, count(user), count(user.sessions.events) from schema unity group by "
                     "user.country"),
            "DE,1,2|FR,2,4");
}

TEST(ScannerTest, TimeDimensions) {
  EXPECT_EQ(RunQuery("select day(user.sessions.start), count(user.sessions) from schema unity"),
            "2023-11-13,1|2023-11-14,2");
  EXPECT_EQ(RunQuery("select hour(user.sessions.events.ts), count(user.sessions.events) from schema unity"), "21,6");
  EXPECT_EQ(RunQuery("select dayofweek(user.sessions.events.ts) as d, count(user.sessions.events) from schema unity"),
            "1,1|2,5");
  EXPECT_EQ(RunQuery("select month(user.sessions.start), count(user.sessions) from schema unity"), "2023-11,3");
}

TEST(ScannerTest, GroupByKeysNotSelectedStillGroup) {
  EXPECT_EQ(RunQuery("select count(user) from schema unity group by user.os, user.country"), "1|1|1");
}

TEST(ScannerTest, FilterOnEachLevel) {
  EXPECT_EQ(RunQuery("select count(user), count(user.sessions.events) from schema unity where user.country = 'FR'"),
            "2,4");
  EXPECT_EQ(RunQuery("select count(user.sessions), count(user.sessions.events) from schema unity where "
                     "user.sessions.start > NOW - HOURS(12)"),
            "2,5");
  EXPECT_EQ(RunQuery("select count(user), count(user.sessions.events) from schema unity where "
                     "user.sessions.events.type in ('buy', 'search')"),
            "3,5");
}

TEST(ScannerTest, OrNotAndNotIn) {
  EXPECT_EQ(RunQuery("select count(user.sessions.events) from schema unity where user.os = 'ios' or "
                     "user.sessions.events.value > 3.5"),
            "4");
  EXPECT_EQ(RunQuery("select count(user) from schema unity where not user.country = 'FR'"), "1");
  EXPECT_EQ(RunQuery("select count(user.sessions.events) from schema unity where user.sessions.events.type not in "
                     "('view', 'search')"),
            "3");
}

TEST(ScannerTest, ACountInAConditionFiltersTheLevelHoldingTheCounted) {
  // u1's sessions hold 1 and 3 events, u2's one 2, u3 has no session.
  EXPECT_EQ(RunQuery("select count(user.sessions), count(user.sessions.events) from schema unity where "
                     "count(user.sessions.events) > 1"),
            "2,5");
  EXPECT_EQ(RunQuery("select user.os, count(user.sessions) from schema unity where count(user.sessions.events) >= 3 "
                     "group by user.os"),
            "android,0|ios,1");
  EXPECT_EQ(RunQuery("select count(user) from schema unity where count(user.sessions) = 0"), "1");
  EXPECT_EQ(RunQuery("select count(user) from schema unity where count(user.sessions) in (0, 2)"), "2");
  EXPECT_EQ(RunQuery("select count(user.sessions) from schema unity where not count(user.sessions.events) < 2.5"),
            "1");
  EXPECT_EQ(RunQuery("select count(user.sessions) from schema unity where count(user.sessions.events) = 1 or "
                     "user.os = 'android'"),
            "2");
}

TEST(ScannerTest, FunnelWithinASession) {
  EXPECT_EQ(RunQuery("select funnel(user within session: user.sessions.events.type = 'search' then "
                     "user.sessions.events.type = 'buy') from schema unity"),
            "1");
  EXPECT_EQ(RunQuery("select funnel(user.sessions: user.sessions.events.type = 'search' then "
                     "user.sessions.events.type = 'buy') from schema unity"),
            "1");
}

TEST(ScannerTest, FunnelAcrossSessionsInTreeOrder) {
  EXPECT_EQ(RunQuery("select funnel(user: user.sessions.events.type = 'buy' then user.sessions.events.type = 'search') "
                     "from schema unity"),
            "2");
}

TEST(ScannerTest, FunnelWithinATimeWindow) {
  const std::string steps = "user.sessions.events.type = 'buy' then user.sessions.events.type = 'search'";
  EXPECT_EQ(RunQuery("select funnel(user within MINUTES(1): " + steps + ") from schema unity"), "1");
  EXPECT_EQ(RunQuery("select funnel(user within DAYS(2): " + steps + ") from schema unity"), "2");
}

TEST(ScannerTest, OneEventNeverTakesTwoSteps) {
  EXPECT_EQ(
      RunQuery("select funnel(user: user.sessions.events.type = 'buy' then user.sessions.events.type = 'buy' then "
               "user.sessions.events.type = 'buy') from schema unity"),
      "0");
  EXPECT_EQ(RunQuery("select funnel(user: user.sessions.events.type = 'buy' then user.sessions.events.type = 'buy') "
                     "from schema unity"),
            "1");
}

TEST(ScannerTest, FunnelGroupedByAUserField) {
  EXPECT_EQ(RunQuery("select user.country, funnel(user: user.sessions.events.type = 'buy' then "
                     "user.sessions.events.type = 'search') from schema unity group by user.country"),
            "DE,1|FR,1");
}

TEST(ScannerTest, LimitAppliesAfterGrouping) {
  EXPECT_EQ(RunQuery("select user.country, count(user) from schema unity group by user.country limit 1"), "DE,1");
  EXPECT_EQ(RunQuery("select user.country, count(user) from schema unity group by user.country limit 0"), "");
}

TEST(ScannerTest, AggregatesOfNothingAreZeroOrNull) {
  EXPECT_EQ(RunQuery("select count(user), sum(user.sessions.events.value), avg(user.sessions.events.value), "
                     "max(user.sessions.id) from schema unity where user.country = 'JP'"),
            "0,0,-,-");
}

TEST(ScannerTest, OneScannerServesManyPartials) {
  // The scanner remembers the group it found last: a partial it has not
  // seen (or one that took another's place) must not get it.
  const Plan plan = testing::MustCompile("select user.country, count(user) from schema unity group by user.country");
  auto region = testing::Press(testing::SampleUsers());
  Scanner scanner(plan);
  for (int round = 0; round < 3; ++round) {
    PartialResult partial(PartialShape::Of(plan));
    ASSERT_TRUE(scanner.ScanRegion(region->view, region->layout, &partial).ok());
    EXPECT_EQ(testing::RowsText(FinishResult(plan, partial)), "DE,1|FR,2") << round;
  }
}

TEST(ScannerTest, ARegionCheckedOnceScansAsTheCheckingScanDoes) {
  const Plan plan = testing::MustCompile(
      "select user.country, count(user.sessions.events), sum(user.sessions.events.value) from schema unity "
      "where user.sessions.events.type != 'search' group by user.country");
  auto region = testing::Press(testing::SampleUsers());
  ASSERT_TRUE(region->view.CheckBlobs(region->layout).ok());
  Scanner scanner(plan);
  PartialResult checked(PartialShape::Of(plan));
  scanner.ScanCheckedRegion(region->view, region->layout, &checked);
  EXPECT_EQ(testing::RowsText(FinishResult(plan, checked)), "DE,1,3|FR,3,16");
  EXPECT_EQ(testing::RowsText(FinishResult(plan, checked)),
            testing::RowsText(FinishResult(plan, testing::Scan(plan, *region))));
}

TEST(ScannerTest, ACorruptBlobFailsTheRegionCheckWithItsIndex) {
  auto region = testing::Press(testing::SampleUsers());
  const std::string_view second = region->view.BlobBytes(1);
  region->bytes[static_cast<size_t>(second.data() - region->bytes.data())] ^= 0x5a;  // its magic
  const Status st = region->view.CheckBlobs(region->layout);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "blob 1: blob byte 0: not a Brio blob (bad magic)");
}

TEST(ScannerTest, StringLiteralsMatchByDictionaryKeyInEveryBlob) {
  // 'search' is in u1's and u2's dictionaries under different keys, 'ad' in none.
  EXPECT_EQ(RunQuery("select count(user.sessions.events) from schema unity where user.sessions.events.type = 'search'"),
            "2");
  EXPECT_EQ(RunQuery("select count(user.sessions.events) from schema unity where user.sessions.events.type != 'ad'"),
            "6");
  EXPECT_EQ(RunQuery("select count(user.sessions.events) from schema unity where user.sessions.events.type = 'ad'"),
            "0");
  EXPECT_EQ(RunQuery("select count(user.sessions.events) from schema unity where user.sessions.events.type not in "
                     "('ad', 'buy') and user.country != 'DE'"),
            "2");
}

TEST(ScannerTest, CountedLevelsAreCountedWithoutWalkingThem) {
  const Plan plan = testing::MustCompile("select count(user.sessions.events) from schema unity");
  auto region = testing::Press(testing::SampleUsers());
  const PartialResult partial = testing::Scan(plan, *region);
  EXPECT_EQ(partial.states(0)[0].count, 6);
  EXPECT_EQ(partial.rows_scanned, 3u + 3u + 6u);  // still counted as scanned
}

TEST(ScannerTest, RowsScannedCountsInstancesWalked) {
  const Plan plan = testing::MustCompile("select count(user.sessions) from schema unity");
  auto region = testing::Press(testing::SampleUsers());
  const PartialResult partial = testing::Scan(plan, *region);
  EXPECT_EQ(partial.blobs_scanned, 3u);
  EXPECT_EQ(partial.rows_scanned, 6u);  // 3 users + 3 sessions: events are not walked
}

}  // namespace
}  // namespace datablox::eql
