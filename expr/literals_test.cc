// Literals, field access, truthiness (Test()) and the Expr object itself.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "datablox/expr.h"
#include "expr/expr_test_util.h"

namespace datablox {
namespace {

using expr_testing::AssignmentsFailure;
using expr_testing::CompileFailure;
using expr_testing::ExprTest;
using expr_testing::SampleLog;

// --- literals --------------------------------------------------------------

TEST_F(ExprTest, IntegerLiteralsAre64Bit) {
  ExpectInt("42", 42);
  ExpectInt("9223372036854775807", std::numeric_limits<int64_t>::max());
  ExpectInt("-9223372036854775808", std::numeric_limits<int64_t>::min());
}

TEST_F(ExprTest, FloatLiteralsWithFractionAndExponent) {
  ExpectFloat("1.5", 1.5);
  ExpectFloat("2e3", 2000.0);
  ExpectFloat("2.5E-1", 0.25);
  ExpectFloat("-0.5", -0.5);
}

TEST_F(ExprTest, StringLiteralsInEitherQuote) {
  ExpectString("'single'", "single");
  ExpectString("\"double\"", "double");
  ExpectString("''", "");
}

TEST_F(ExprTest, StringEscapesAreDecoded) {
  ExpectString(R"("a\\b")", "a\\b");
  ExpectString(R"("say \"hi\"")", "say \"hi\"");
  ExpectString(R"('it\'s')", "it's");
  ExpectString(R"("l1\nl2\tx")", "l1\nl2\tx");
  ExpectString(R"('mixed "quotes"')", "mixed \"quotes\"");
}

TEST_F(ExprTest, BoolAndNilLiterals) {
  ExpectBool("true", true);
  ExpectBool("false", false);
  ExpectNil("nil");
}

// --- fields ----------------------------------------------------------------

TEST_F(ExprTest, FieldsReadEveryScalarKind) {
  ExpectInt("seq", 3);
  ExpectString("word", "hi");
  ExpectFloat("ratio", 2.5);
  ExpectBool("flag", true);
  ExpectNil("nothing");
  ExpectString("blob", "xyz");  // bytes read as a string
}

TEST_F(ExprTest, NestedFieldsFollowMaps) {
  ExpectString("user.name", "ann");
  ExpectString("user.address.city", "Oslo");
  ExpectInt("user.age + 1", 42);
}

TEST_F(ExprTest, MissingFieldsAreNilNotErrors) {
  ExpectNil("no_such_field");
  ExpectNil("user.no_such_key");
  ExpectNil("user.name.deeper");  // a string has no keys
  ExpectNil("missing.a.b");
  ExpectBool("no_such_field == nil", true);
}

TEST_F(ExprTest, ArrayOrMapResultIsAnEvaluationErrorButStrGivesJson) {
  ExprValue v = Eval("tags");
  EXPECT_TRUE(v.is_error());
  EXPECT_NE(v.s.find("array"), std::string::npos) << v.s;
  ExpectString("str(tags)", R"(["a","b","c"])");
}

// --- Test() truthiness --------------------------------------------------------

TEST_F(ExprTest, TestUsesTruthiness) {
  struct Case {
    const char* source;
    bool want;
  };
  const Case cases[] = {
      {"false", false},
      {"nil", false},
      {"0", false},
      {"0.0", false},
      {"''", false},
      {"nothing", false},
      {"no_such_field", false},
      {"zero", false},
      {"fzero", false},
      {"empty", false},
      {"true", true},
      {"1", true},
      {"-1", true},
      {"0.5", true},
      {"'0'", true},
      {"word", true},
      {"tags", true},
      {"user", true},
      {"seq % 2 == 1", true},
      {"seq % 2 == 0", false},
  };
  for (const Case& c : cases) {
    Expr expr;
    ASSERT_TRUE(Expr::Compile(c.source, &expr).ok()) << c.source;
    std::string error;
    EXPECT_EQ(expr.Test(log_.log(), &error), c.want) << c.source;
    EXPECT_EQ(error, "") << c.source;
  }
}

TEST_F(ExprTest, TestReportsEvaluationErrorsAndIsFalse) {
  Expr expr;
  ASSERT_TRUE(Expr::Compile("seq / zero > 1", &expr).ok());
  std::string error;
  EXPECT_FALSE(expr.Test(log_.log(), &error));
  EXPECT_EQ(error, "division by zero");
  EXPECT_FALSE(expr.Test(log_.log()));  // no error out-parameter is fine too
}

TEST_F(ExprTest, DefaultConstructedExprIsFalseAndNil) {
  Expr expr;
  EXPECT_FALSE(expr.Test(log_.log()));
  EXPECT_EQ(expr.Eval(log_.log()).kind, ExprValue::Kind::kNil);
  EXPECT_EQ(expr.source(), "");
}

TEST_F(ExprTest, SourceIsKeptAndSurvivesMoves) {
  Expr expr;
  ASSERT_TRUE(Expr::Compile("word + 'suffix that is longer than sso'", &expr).ok());
  EXPECT_EQ(expr.source(), "word + 'suffix that is longer than sso'");
  Expr moved = std::move(expr);
  std::vector<Expr> many;
  many.push_back(std::move(moved));
  many.emplace_back();  // may reallocate
  ExprValue v = many[0].Eval(log_.log());
  EXPECT_EQ(v.s, "hisuffix that is longer than sso");
}

TEST_F(ExprTest, EvaluatesTheSameExprOverManyLogs) {
  Expr expr;
  ASSERT_TRUE(Expr::Compile("seq % 2 == 0", &expr).ok());
  int kept = 0;
  LogBuilder b;
  for (int i = 0; i < 10; ++i) {
    b.clear().add("seq", i);
    OwnedLog log(std::string(b.bytes()));
    kept += expr.Test(log.log()) ? 1 : 0;
  }
  EXPECT_EQ(kept, 5);
}

TEST_F(ExprTest, WhitespaceIsIgnored) { ExpectInt(" \t1\n+\r\n2 ", 3); }

}  // namespace
}  // namespace datablox
