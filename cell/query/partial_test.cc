#include "cell/query/partial.h"

#include <gtest/gtest.h>

#include "cell/query/query_test_util.h"

namespace datablox::eql {
namespace {

std::string FirstUser() { return testing::SampleUsers().substr(0, testing::SampleUsers().find('\n') + 1); }
std::string OtherUsers() { return testing::SampleUsers().substr(testing::SampleUsers().find('\n') + 1); }

// Scanning the users in two regions and merging gives what one scan gives.
void ExpectMergeMatchesOneScan(const std::string& query) {
  const Plan plan = testing::MustCompile(query);
  auto whole = testing::Press(testing::SampleUsers());
  auto first = testing::Press(FirstUser());
  auto rest = testing::Press(OtherUsers());
  PartialResult merged(PartialShape::Of(plan));
  ASSERT_TRUE(merged.Merge(testing::Scan(plan, *rest)).ok());
  ASSERT_TRUE(merged.Merge(testing::Scan(plan, *first)).ok());
  const PartialResult one = testing::Scan(plan, *whole);
  EXPECT_EQ(testing::RowsText(FinishResult(plan, merged)), testing::RowsText(FinishResult(plan, one))) << query;
  EXPECT_EQ(merged.rows_scanned, one.rows_scanned);
  EXPECT_EQ(merged.blobs_scanned, 3u);
}

TEST(PartialTest, MergedCountsSumsAndExtremesMatchOneScan) {
  ExpectMergeMatchesOneScan(
      "select count(user), count(user.sessions.events), sum(user.sessions.events.value), "
      "min(user.sessions.events.value), max(user.sessions.id), avg(user.sessions.events.value) from schema unity");
}

TEST(PartialTest, MergedGroupsDistinctsAndFunnelsMatchOneScan) {
  ExpectMergeMatchesOneScan(
      "select user.country, count(distinct user.sessions.events.type), count(distinct user.os), "
      "funnel(user: user.sessions.events.type = 'buy' then user.sessions.events.type = 'search') "
      "from schema unity group by user.country");
  ExpectMergeMatchesOneScan("select day(user.sessions.start), count(user.sessions) from schema unity");
}

TEST(PartialTest, AvgMergesAsSumAndCount) {
  const Plan plan = testing::MustCompile("select avg(user.sessions.events.value) from schema unity");
  PartialResult merged(PartialShape::Of(plan));
  ASSERT_TRUE(merged.Merge(testing::Scan(plan, *testing::Press(FirstUser()))).ok());   // 1.5 2 10 4: 4.375
  ASSERT_TRUE(merged.Merge(testing::Scan(plan, *testing::Press(OtherUsers()))).ok());  // 3 0.5
  EXPECT_EQ(testing::RowsText(FinishResult(plan, merged)), "3.5");                     // not (4.375 + 1.75) / 2
}

TEST(PartialTest, PartialsOfDifferentQueriesDoNotMerge) {
  PartialResult counts(PartialShape::Of(testing::MustCompile("select count(user) from schema unity")));
  PartialResult sums(PartialShape::Of(testing::MustCompile("select sum(user.sessions.id) from schema unity")));
  const Status st = counts.Merge(sums);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "partial results of different queries do not merge");
}

TEST(PartialTest, AKeySeenAgainFindsItsGroup) {
  PartialShape shape;
  shape.key_parts = 2;
  PartialResult partial(shape);
  std::string text = "FR";
  KeyPart key[2];
  key[0].kind = KeyPart::Kind::kString;
  key[0].string_value = text;
  key[1].kind = KeyPart::Kind::kInt;
  key[1].int_value = 7;
  EXPECT_EQ(partial.FindOrAdd(key), 0u);
  text = "DE";  // the group's key was copied: changing the source does not change it
  EXPECT_EQ(partial.FindOrAdd(key), 1u);
  text = "FR";
  EXPECT_EQ(partial.FindOrAdd(key), 0u);
  EXPECT_EQ(partial.key(0)[0].string_value, "FR");
  for (int i = 0; i < 1000; ++i) {  // the table grows, groups stay found
    key[1].int_value = i;
    partial.FindOrAdd(key);
  }
  key[1].int_value = 7;
  EXPECT_EQ(partial.FindOrAdd(key), 0u);
  EXPECT_EQ(partial.group_count(), 1001u);
}

}  // namespace
}  // namespace datablox::eql
