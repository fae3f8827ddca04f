#include "cell/query/census.h"

#include <gtest/gtest.h>

#include "cell/query/query_test_util.h"

namespace datablox::eql {
namespace {

using testing::MustCompile;
using testing::Press;
using testing::SampleUsers;
using testing::Scan;

// What the census answers is what a scan finds, counts and rows alike.
void ExpectSameAsScan(std::string_view query, const std::string& users = SampleUsers()) {
  SCOPED_TRACE(std::string(query));
  const auto region = Press(users);
  const Plan plan = MustCompile(query);
  ASSERT_TRUE(Census::Answers(plan));
  const PartialResult scanned = Scan(plan, *region);
  PartialResult counted(PartialShape::Of(plan));
  Census::Take(region->view, region->layout).AnswerInto(plan, &counted);
  ASSERT_EQ(counted.group_count(), scanned.group_count());
  for (size_t a = 0; a < plan.aggregates.size(); ++a) EXPECT_EQ(counted.states(0)[a].count, scanned.states(0)[a].count);
  EXPECT_EQ(counted.rows_scanned, scanned.rows_scanned);
  EXPECT_EQ(counted.blobs_scanned, scanned.blobs_scanned);
}

TEST(CensusTest, CountsOfWholeLevelsAreWhatAScanFinds) {
  ExpectSameAsScan("select count(user.sessions.events) from schema unity");
  ExpectSameAsScan("select count(user), count(user.sessions), count(user.sessions.events) from schema unity");
  ExpectSameAsScan("select count(user.sessions) as s, count(user) as u from schema unity limit 1");
  ExpectSameAsScan("select count(user) from schema unity", "");
}

TEST(CensusTest, ALevelCountedTwiceIsCountedOnceInTheRows) {
  ExpectSameAsScan("select count(user.sessions), count(user.sessions) from schema unity");
}

TEST(CensusTest, AnythingButABareCountIsScanned) {
  for (const char* query : {
           "select count(user) from schema unity where user.country = 'FR'",
           "select count(user.sessions.events) from schema unity where user.sessions.events.type = 'buy'",
           "select user.country, count(user) from schema unity group by user.country",
           "select count(user.os) from schema unity",
           "select count(distinct user.country) from schema unity",
           "select sum(user.sessions.events.value) from schema unity",
           "select count(user), sum(user.sessions.events.value) from schema unity",
       }) {
    SCOPED_TRACE(query);
    EXPECT_FALSE(Census::Answers(MustCompile(query)));
  }
}

TEST(CensusTest, CensusesOfRegionsAdd) {
  const auto region = Press(SampleUsers());
  Census total = Census::Take(region->view, region->layout);
  total.Add(Census::Take(region->view, region->layout));
  EXPECT_EQ(total.blobs(), 6u);
  EXPECT_EQ(total.InstancesAt({}), 6u);
  EXPECT_EQ(total.InstancesAt({3}), 6u);     // user.sessions
  EXPECT_EQ(total.InstancesAt({3, 2}), 12u);  // user.sessions.events
  EXPECT_EQ(total.InstancesAt({7}), 0u);
}

}  // namespace
}  // namespace datablox::eql
