#include "cell/query/eql_parser.h"

#include <gtest/gtest.h>

namespace datablox::eql {
namespace {

std::string Errors(std::string_view text) {
  std::vector<QueryError> errors;
  ParseQuery(text, &errors);
  std::string out;
  for (const QueryError& e : errors) out += e.ToString() + "\n";
  return out;
}

Query Parse(std::string_view text) {
  std::vector<QueryError> errors;
  Query q = ParseQuery(text, &errors);
  EXPECT_TRUE(errors.empty()) << Errors(text);
  return q;
}

TEST(EqlParserTest, TheIssuesExampleParses) {
  const Query q =
      Parse(R"(select count(user.sessions) as "sessions", day(user.sessions.start) as "day" from schema unity )"
            R"(where user.sessions.start > NOW - DAYS(90) limit 50)");
  ASSERT_EQ(q.items.size(), 2u);
  EXPECT_EQ(q.items[0].aggregate, AggFunction::kCount);
  EXPECT_EQ(q.items[0].path.Text(), "user.sessions");
  EXPECT_EQ(q.items[0].name, "sessions");
  EXPECT_TRUE(q.items[1].is_dimension);
  EXPECT_EQ(q.items[1].dimension.function, DimFunction::kDay);
  EXPECT_EQ(q.schema, "unity");
  ASSERT_TRUE(q.has_where);
  EXPECT_EQ(q.where.op, CompareOp::kGreater);
  EXPECT_EQ(q.where.values[0].kind, Literal::Kind::kNow);
  EXPECT_EQ(q.where.values[0].int_value, -90LL * 86400000);
  EXPECT_EQ(q.limit, 50);
}

TEST(EqlParserTest, KeywordsAreCaseInsensitiveAndNamesDefaultToTheText) {
  const Query q = Parse("SELECT Count( Distinct user.os ), user.country FROM SCHEMA unity GROUP BY user.country");
  EXPECT_EQ(q.items[0].aggregate, AggFunction::kCountDistinct);
  EXPECT_EQ(q.items[0].name, "Count( Distinct user.os )");
  EXPECT_EQ(q.items[1].name, "user.country");
  ASSERT_EQ(q.group_by.size(), 1u);
}

TEST(EqlParserTest, AndBindsTighterThanOrAndNotNests) {
  const Query q = Parse("select count(user) from schema unity where a.b = 1 or not (a.c = 2 and a.d in (3, 4))");
  ASSERT_EQ(q.where.kind, Condition::Kind::kOr);
  ASSERT_EQ(q.where.children.size(), 2u);
  const Condition& negation = q.where.children[1];
  ASSERT_EQ(negation.kind, Condition::Kind::kNot);
  ASSERT_EQ(negation.children[0].kind, Condition::Kind::kAnd);
  EXPECT_EQ(negation.children[0].children[1].kind, Condition::Kind::kIn);
  EXPECT_EQ(negation.children[0].children[1].values.size(), 2u);
}

TEST(EqlParserTest, LiteralOnTheLeftIsMirrored) {
  const Query q = Parse("select count(user) from schema unity where 5 < user.x and -2.5 >= user.y");
  EXPECT_EQ(q.where.children[0].op, CompareOp::kGreater);
  EXPECT_EQ(q.where.children[1].op, CompareOp::kLessEq);
  EXPECT_DOUBLE_EQ(q.where.children[1].values[0].double_value, -2.5);
}

TEST(EqlParserTest, ACountOfALevelIsAnOperandOfATest) {
  const Query q = Parse(
      "select count(user.sessions) from schema unity where count(user.sessions.events) > 40 and 2 <= "
      "count(user.sessions) or count(user.sessions) not in (0, 1)");
  ASSERT_EQ(q.where.kind, Condition::Kind::kOr);
  const Condition& both = q.where.children[0];
  ASSERT_EQ(both.children.size(), 2u);
  EXPECT_TRUE(both.children[0].count_of);
  EXPECT_EQ(both.children[0].path.Text(), "user.sessions.events");
  EXPECT_EQ(both.children[0].op, CompareOp::kGreater);
  EXPECT_TRUE(both.children[1].count_of);
  EXPECT_EQ(both.children[1].op, CompareOp::kGreaterEq);  // mirrored
  EXPECT_TRUE(q.where.children[1].count_of);
  EXPECT_EQ(q.where.children[1].kind, Condition::Kind::kIn);
  EXPECT_TRUE(q.where.children[1].negated);
  // A field named like the function is still a field.
  EXPECT_FALSE(Parse("select count(user) from schema unity where user.count > 1").where.count_of);
}

TEST(EqlParserTest, ACountInATestThatIsNotClosedOrNotCompared) {
  EXPECT_EQ(Errors("select count(user) from schema unity where count(user.sessions > 1"),
            "1:64: error: expected ')' to close 'count(', found '>'\n");
  EXPECT_EQ(Errors("select count(user) from schema unity where count(user.sessions) limit 1"),
            "1:65: error: expected a comparison (=, !=, <, <=, >, >=) or 'in' after 'count(user.sessions)', found "
            "'limit'\n");
}

TEST(EqlParserTest, NotInAndNowArithmetic) {
  const Query q = Parse(
      "select count(user) from schema unity where user.os not in ('ios') and user.t < NOW + HOURS(2) - MINUTES(5)");
  EXPECT_TRUE(q.where.children[0].negated);
  EXPECT_EQ(q.where.children[1].values[0].int_value, 2 * 3600000 - 5 * 60000);
}

TEST(EqlParserTest, FunnelWithinSessionAndWithinATime) {
  const Query q = Parse(
      "select funnel(user within session: user.sessions.events.type = 'search' then "
      "user.sessions.events.type = 'buy') as \"f\", funnel(user.sessions within MINUTES(10): a.b = 1 then a.b = 2 then "
      "a.b = 3) from schema unity");
  ASSERT_EQ(q.items.size(), 2u);
  EXPECT_EQ(q.items[0].aggregate, AggFunction::kFunnel);
  EXPECT_EQ(q.items[0].funnel.within, Funnel::Within::kSession);
  EXPECT_EQ(q.items[0].funnel.steps.size(), 2u);
  EXPECT_EQ(q.items[0].name, "f");
  EXPECT_EQ(q.items[1].funnel.within, Funnel::Within::kDuration);
  EXPECT_EQ(q.items[1].funnel.window_ms, 600000);
  EXPECT_EQ(q.items[1].funnel.steps.size(), 3u);
}

TEST(EqlParserTest, MissingSelectIsReportedAtItsPlace) {
  EXPECT_EQ(Errors("count(user) from schema unity"), "1:1: error: expected 'select', found 'count'\n");
}

TEST(EqlParserTest, MissingFromIsReported) {
  EXPECT_EQ(Errors("select count(user)"), "1:19: error: expected 'from schema NAME'\n");
  EXPECT_EQ(Errors("select count(user) from unity"), "1:25: error: expected 'schema' after 'from', found 'unity'\n");
  EXPECT_EQ(Errors("select count(user) from schema 5"), "1:32: error: expected the schema's name, found '5'\n");
}

TEST(EqlParserTest, UnknownFunctionNamesTheKnownOnes) {
  EXPECT_EQ(Errors("select median(user.x) from schema unity"),
            "1:8: error: unknown function 'median' (aggregates: count, sum, min, max, avg, funnel; dimensions: day, "
            "hour, dayofweek, month)\n");
}

TEST(EqlParserTest, EveryBadItemIsReportedInOneRun) {
  EXPECT_EQ(Errors("select count(), sum(user.x y), avg(5) from schema unity where user.x = limit x"),
            "1:14: error: expected a field path as the aggregate's argument, found ')'\n"
            "1:28: error: expected ')' to close the aggregate, found 'y'\n"
            "1:36: error: expected a field path as the aggregate's argument, found '5'\n"
            "1:72: error: expected a value (a number, a string, true, false or NOW), found 'limit'\n"
            "1:78: error: expected the number of rows after 'limit', found 'x'\n");
}

TEST(EqlParserTest, ClauseErrorsAfterRecovery) {
  EXPECT_EQ(Errors("select count(user) from schema unity where user.x group user.y limit 'ten'"),
            "1:51: error: expected a comparison (=, !=, <, <=, >, >=) or 'in' after 'user.x', found 'group'\n"
            "1:57: error: expected 'by' after 'group', found 'user'\n"
            "1:70: error: expected the number of rows after 'limit', found a string\n");
}

TEST(EqlParserTest, BadColumnNameAndTrailingText) {
  EXPECT_EQ(Errors("select count(user) as 5 from schema unity extra"),
            "1:23: error: expected a column name after 'as', found '5'\n"
            "1:43: error: unexpected 'extra' after the query\n");
}

TEST(EqlParserTest, InListAndDurationErrors) {
  EXPECT_EQ(Errors("select count(user) from schema unity where user.x in 1"),
            "1:54: error: expected '(' after 'in', found '1'\n");
  EXPECT_EQ(Errors("select count(user) from schema unity where user.x > NOW - WEEKS(1)"),
            "1:59: error: expected DAYS(n), HOURS(n) or MINUTES(n), found 'WEEKS'\n");
  EXPECT_EQ(Errors("select count(user) from schema unity where user.x > NOW - DAYS(1.5)"),
            "1:64: error: expected a whole number of days, found '1.5'\n");
}

TEST(EqlParserTest, UnknownEscapeAndOverlongDuration) {
  EXPECT_EQ(Errors(R"(select count(user) from schema unity where user.os = "a\qb")"),
            "1:56: error: unknown escape '\\q' in a string\n");
  EXPECT_EQ(Errors("select count(user) from schema unity where user.t > NOW - DAYS(9999999999999)"),
            "1:64: error: DAYS(9999999999999) is too long a time\n");
}

TEST(EqlParserTest, FunnelErrors) {
  EXPECT_EQ(Errors("select funnel(user a.b = 1) from schema unity"),
            "1:20: error: expected ':' before the funnel's steps, found 'a'\n");
  EXPECT_EQ(Errors("select funnel(user: a.b = 1, a.b = 2) from schema unity"),
            "1:28: error: expected ')' to close the funnel (steps are joined by 'then'), found ','\n");
}

TEST(EqlParserTest, NestingDeeperThanTheLimitIsAnErrorNotACrash) {
  std::string deep = "select count(user) from schema unity where ";
  for (int i = 0; i < 200; ++i) deep += "(";
  deep += "a.b = 1";
  for (int i = 0; i < 200; ++i) deep += ")";
  const std::string errors = Errors(deep);
  EXPECT_NE(errors.find("conditions nest deeper than 32 levels"), std::string::npos) << errors;
  std::string nots = "select count(user) from schema unity where ";
  for (int i = 0; i < 1000; ++i) nots += "not ";
  nots += "a.b = 1";
  EXPECT_NE(Errors(nots).find("conditions nest deeper than 32 levels"), std::string::npos);
}

TEST(EqlParserTest, OverlongQueryIsRejected) {
  EXPECT_EQ(Errors(std::string(kMaxQueryBytes + 1, ' ')), "1:1: error: the query is 65537 bytes, more than 65536\n");
}

}  // namespace
}  // namespace datablox::eql
