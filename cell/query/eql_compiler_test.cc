#include "cell/query/eql_compiler.h"

#include <gtest/gtest.h>

#include "cell/query/query_test_util.h"

namespace datablox::eql {
namespace {

using testing::CompileErrors;
using testing::MustCompile;

TEST(EqlCompilerTest, PathsResolveToLevelsAndFields) {
  const Plan plan = MustCompile(
      "select count(user.sessions.events), sum(user.sessions.events.value), user.country from schema unity "
      "group by user.country");
  ASSERT_EQ(plan.nodes.size(), 3u);  // user, sessions, events
  EXPECT_EQ(plan.nodes[1].parent, 0);
  EXPECT_EQ(plan.nodes[2].parent, 1);
  EXPECT_EQ(plan.aggregates[0].node, 2);
  EXPECT_EQ(plan.aggregates[0].field.field, -1);
  EXPECT_EQ(plan.aggregates[1].field.field, 2);  // Event.value
  EXPECT_FALSE(plan.aggregates[1].integer);
  ASSERT_EQ(plan.dimensions.size(), 1u);
  EXPECT_TRUE(plan.nodes[0].groups_here);
  ASSERT_EQ(plan.columns.size(), 3u);
  EXPECT_TRUE(plan.columns[2].is_dimension);
}

TEST(EqlCompilerTest, WhereSplitsAtAndOntoTheDeepestLevel) {
  const Plan plan = MustCompile(
      "select count(user.sessions.events) from schema unity where user.country = 'FR' and "
      "(user.os = 'ios' or user.sessions.events.type = 'buy') and user.sessions.start > NOW - DAYS(1)");
  EXPECT_EQ(plan.nodes[0].filters.size(), 1u);
  EXPECT_EQ(plan.nodes[1].filters.size(), 1u);
  EXPECT_EQ(plan.nodes[2].filters.size(), 1u);
  EXPECT_EQ(plan.nodes[1].filters[0].values[0].int_value, testing::kTestNow - 86400000);
}

TEST(EqlCompilerTest, UnknownSchemaRootAndField) {
  EXPECT_EQ(CompileErrors("select count(user) from schema games"),
            "1:32: error: the query is for schema 'games', the data's schema is 'unity'\n");
  EXPECT_EQ(CompileErrors("select count(player) from schema unity"),
            "1:14: error: unknown name 'player': paths start at the schema's root, 'user'\n");
  EXPECT_EQ(CompileErrors("select count(user.sessions.evnts) from schema unity"),
            "1:28: error: user.sessions has no field 'evnts' (its fields: id, start, events)\n");
}

TEST(EqlCompilerTest, PathPastAScalarAndUnsupportedRelations) {
  EXPECT_EQ(CompileErrors("select count(user.country.code) from schema unity"),
            "1:27: error: 'country' is a string field: it has no field 'code'\n");
  EXPECT_EQ(CompileErrors("select count(user.traits) from schema unity"),
            "1:19: error: 'traits' is a vector or map of scalars, which queries do not reach yet\n");
}

TEST(EqlCompilerTest, AggregatesOfTheWrongKind) {
  EXPECT_EQ(CompileErrors("select sum(user.country) from schema unity"),
            "1:12: error: sum() takes a numeric field; 'user.country' is a string\n");
  EXPECT_EQ(CompileErrors("select avg(user.sessions) from schema unity"),
            "1:12: error: avg() takes a numeric field; 'user.sessions' is a level\n");
  EXPECT_EQ(CompileErrors("select count(distinct user) from schema unity"),
            "1:23: error: count(distinct ...) takes a field; 'user' is a level (count it)\n");
}

TEST(EqlCompilerTest, DimensionBelowTheAggregatedLevel) {
  EXPECT_EQ(CompileErrors("select count(user), day(user.sessions.start) from schema unity"),
            "1:8: error: 'count(user)' aggregates user, above the dimension 'day(user.sessions.start)' (on "
            "user.sessions): a dimension must be at or above the level it groups\n");
}

TEST(EqlCompilerTest, DimensionErrors) {
  EXPECT_EQ(CompileErrors("select count(user), user.sessions from schema unity"),
            "1:21: error: 'user.sessions' is a level, not a field: a dimension is a field's value\n");
  EXPECT_EQ(CompileErrors("select count(user), day(user.country) from schema unity"),
            "1:25: error: 'user.country' is a string field: time functions take epoch milliseconds (a long)\n");
  EXPECT_EQ(CompileErrors("select count(user), user.os from schema unity group by user.country"),
            "1:21: error: 'user.os' is selected but not in 'group by'\n");
}

TEST(EqlCompilerTest, ComparisonsWithValuesOfAnotherType) {
  EXPECT_EQ(CompileErrors("select count(user) from schema unity where user.country = 5 or user.sessions.start = 'x'"),
            "1:59: error: 'user.country' is a string field, compared with a number\n"
            "1:86: error: 'user.sessions.start' is a long field, compared with a string\n");
  EXPECT_EQ(CompileErrors("select count(user) from schema unity where user.sessions > 1"),
            "1:44: error: 'user.sessions' is a level: a condition compares a field\n");
}

TEST(EqlCompilerTest, ACountInAConditionFiltersTheLevelAbove) {
  const Plan plan = MustCompile(
      "select user.os, count(user.sessions) from schema unity where count(user.sessions.events) > 40 and "
      "count(user.sessions) >= 2 group by user.os");
  ASSERT_EQ(plan.nodes[1].filters.size(), 1u);  // sessions: by their events
  const PlanCondition& events = plan.nodes[1].filters[0];
  EXPECT_TRUE(events.count_of);
  EXPECT_TRUE(events.count_vector);
  EXPECT_EQ(events.field.node, 1);
  EXPECT_EQ(events.field.field, 2);  // Session.events
  EXPECT_EQ(events.values[0].int_value, 40);
  ASSERT_EQ(plan.nodes[0].filters.size(), 1u);  // users: by their sessions
  EXPECT_EQ(plan.nodes[0].filters[0].field.field, 3);  // User.sessions
}

TEST(EqlCompilerTest, ACountInAConditionOfAFieldTheRootOrAString) {
  EXPECT_EQ(CompileErrors("select count(user) from schema unity where count(user.country) > 1"),
            "1:50: error: 'user.country' is a field: count(user.country) in a condition counts a level's instances "
            "(count a level such as user)\n");
  EXPECT_EQ(CompileErrors("select count(user) from schema unity where count(user) > 1"),
            "1:50: error: count(user) is not a test on one instance: 'user' is the root, no level holds it\n");
  EXPECT_EQ(CompileErrors("select count(user) from schema unity where count(user.sessions) in (1, 'two', NOW)"),
            "1:72: error: count(user.sessions) is a number of instances, compared with a string\n"
            "1:79: error: count(user.sessions) is a number of instances, compared with a time\n");
}

TEST(EqlCompilerTest, FunnelChecks) {
  EXPECT_EQ(CompileErrors("select funnel(user.country: user.os = 'ios') from schema unity"),
            "1:15: error: a funnel's subject is a level (user or one under it), not the field 'user.country'\n");
  EXPECT_EQ(CompileErrors("select funnel(user.sessions: user.os = 'ios') from schema unity"),
            "1:30: error: a funnel's steps are conditions on a level under its subject user.sessions\n");
  const Plan plan = MustCompile(
      "select funnel(user within session: user.sessions.events.type = 'a' then user.sessions.events.type = 'b') "
      "from schema unity");
  ASSERT_EQ(plan.funnels.size(), 1u);
  EXPECT_EQ(plan.funnels[0].subject_node, 0);
  EXPECT_EQ(plan.funnels[0].event_node, 2);
  EXPECT_EQ(plan.funnels[0].reset_node, 1);
  EXPECT_EQ(plan.funnels[0].time_field, 0);  // Event.ts, its ordinal
}

TEST(EqlCompilerTest, EveryCheckErrorInOneRun) {
  EXPECT_EQ(CompileErrors("select sum(user.os), count(user.x), min(user.sessions.events.type) from schema u"),
            "1:12: error: sum() takes a numeric field; 'user.os' is a string\n"
            "1:33: error: user has no field 'x' (its fields: id, country, os, sessions, traits, segments)\n"
            "1:41: error: min() takes a numeric field; 'user.sessions.events.type' is a string\n"
            "1:80: error: the query is for schema 'u', the data's schema is 'unity'\n");
}

}  // namespace
}  // namespace datablox::eql
