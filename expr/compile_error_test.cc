// Compile errors: each message and the column it points at.
#include <gtest/gtest.h>

#include <string>

#include "datablox/expr.h"
#include "expr/expr_test_util.h"

namespace datablox {
namespace {

using expr_testing::AssignmentsFailure;
using expr_testing::CompileFailure;
using expr_testing::ExprTest;
using expr_testing::SampleLog;

// --- compile errors -----------------------------------------------------------

TEST(ExprCompileErrorTest, EmptyExpression) {
  ExprError e = CompileFailure("");
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "expected an expression, found end of expression");
  EXPECT_EQ(CompileFailure("   ").column, 4);
}

TEST(ExprCompileErrorTest, MissingClosingParenthesis) {
  ExprError e = CompileFailure("(1 + 2");
  EXPECT_EQ(e.column, 7);
  EXPECT_EQ(e.message, "expected ')', found end of expression");
}

TEST(ExprCompileErrorTest, MissingClosingParenthesisBeforeAnotherToken) {
  ExprError e = CompileFailure("(seq 2)");
  EXPECT_EQ(e.column, 6);
  EXPECT_EQ(e.message, "expected ')', found number 2");
}

TEST(ExprCompileErrorTest, ExtraClosingParenthesis) {
  ExprError e = CompileFailure("(1 + 2))");
  EXPECT_EQ(e.column, 8);
  EXPECT_EQ(e.message, "expected an operator or end of expression, found ')'");
}

TEST(ExprCompileErrorTest, TrailingOperator) {
  ExprError e = CompileFailure("seq +");
  EXPECT_EQ(e.column, 6);
  EXPECT_EQ(e.message, "expected an expression, found end of expression");
}

TEST(ExprCompileErrorTest, TwoOperatorsInARow) {
  ExprError e = CompileFailure("seq * / 2");
  EXPECT_EQ(e.column, 7);
  EXPECT_EQ(e.message, "expected an expression, found '/'");
}

TEST(ExprCompileErrorTest, MissingOperatorBetweenOperands) {
  ExprError e = CompileFailure("seq word");
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "expected an operator or end of expression, found name 'word'");
}

TEST(ExprCompileErrorTest, UnknownFunctionPointsAtItsName) {
  ExprError e = CompileFailure("1 + frobnicate(seq)");
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message.rfind("unknown function 'frobnicate'", 0), 0u) << e.message;
}

TEST(ExprCompileErrorTest, WrongArgumentCountPointsAtTheFunctionName) {
  ExprError e = CompileFailure("seq == 1 && upper(word, 'x')");
  EXPECT_EQ(e.column, 13);
  EXPECT_EQ(e.message, "upper() takes 1 argument, found 2");

  e = CompileFailure("contains('a')");
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "contains() takes 2 arguments, found 1");

  e = CompileFailure("  if(true, 1)");
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.message, "if() takes 3 arguments, found 2");

  e = CompileFailure("concat()");
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "concat() takes at least 1 argument, found 0");
}

TEST(ExprCompileErrorTest, UnclosedCallArguments) {
  ExprError e = CompileFailure("upper(word");
  EXPECT_EQ(e.column, 11);
  EXPECT_EQ(e.message, "expected ',' or ')', found end of expression");
}

TEST(ExprCompileErrorTest, EmptyCallArgument) {
  ExprError e = CompileFailure("concat(word, )");
  EXPECT_EQ(e.column, 14);
  EXPECT_EQ(e.message, "expected an expression, found ')'");
}

TEST(ExprCompileErrorTest, UnterminatedStringPointsAtItsOpeningQuote) {
  ExprError e = CompileFailure("word == 'abc");
  EXPECT_EQ(e.column, 9);
  EXPECT_EQ(e.message, "unterminated string: expected a closing '");
}

TEST(ExprCompileErrorTest, BackslashAtTheEndLeavesTheStringUnterminated) {
  ExprError e = CompileFailure(R"(word == "abc\)");
  EXPECT_EQ(e.column, 9);
  EXPECT_EQ(e.message, R"(unterminated string: expected a closing ")");
}

TEST(ExprCompileErrorTest, LineBreaksBelongToAnExpressionsString) {
  Expr expr;
  ASSERT_TRUE(Expr::Compile("word == 'two\nlines' || word == 'two\nlines'", &expr).ok());
  ExprError e = CompileFailure("word == 'two\nlines");
  EXPECT_EQ(e.column, 9);
  EXPECT_EQ(e.message, "unterminated string: expected a closing '");
}

TEST(ExprCompileErrorTest, BadStringEscapePointsAtTheBackslash) {
  ExprError e = CompileFailure(R"(word == "a\qb")");
  EXPECT_EQ(e.column, 11);
  EXPECT_EQ(e.message, R"(unknown escape '\q' in string (known: \" \' \\ \n \t))");
}

TEST(ExprCompileErrorTest, SingleAmpersandOrBar) {
  ExprError e = CompileFailure("a & b");
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.message, "expected '&&', found '&'");
  e = CompileFailure("a || b | c");
  EXPECT_EQ(e.column, 8);
  EXPECT_EQ(e.message, "expected '||', found '|'");
}

TEST(ExprCompileErrorTest, SingleEqualsInAnExpression) {
  ExprError e = CompileFailure("seq = 3");
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "expected an operator or end of expression, found '='");
}

TEST(ExprCompileErrorTest, UnexpectedCharacter) {
  ExprError e = CompileFailure("seq # 2");
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "expected an expression or an operator, found '#'");
}

TEST(ExprCompileErrorTest, BadNumbers) {
  ExprError e = CompileFailure("1. + 2");
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "invalid number '1.'");

  e = CompileFailure("2e+");
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "invalid number '2e+'");

  e = CompileFailure("1 + 12abc");
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "invalid number '12abc'");

  e = CompileFailure("1 + 9223372036854775808");
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "number '9223372036854775808' is out of range (an int has 64 bits)");

  e = CompileFailure("99999999999999999999");
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "number '99999999999999999999' is out of range (an int has 64 bits)");

  e = CompileFailure("1e999");
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "number '1e999' is out of range");
}

TEST(ExprCompileErrorTest, DanglingDotInFieldName) {
  ExprError e = CompileFailure("user. == 1");
  EXPECT_EQ(e.column, 6);
  EXPECT_EQ(e.message, "expected a field name after '.', found ' '");
}

TEST(ExprCompileErrorTest, DeepNestingIsRejectedNotACrash) {
  std::string deep(100000, '(');
  ExprError e = CompileFailure(deep);
  EXPECT_NE(e.message.find("nested too deeply"), std::string::npos) << e.message;
  std::string ok = std::string(50, '(') + "1" + std::string(50, ')');
  Expr expr;
  EXPECT_TRUE(Expr::Compile(ok, &expr).ok());
}

TEST(ExprCompileErrorTest, ErrorOutParameterIsOptional) {
  Expr expr;
  Status status = Expr::Compile("(", &expr);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "column 2: expected an expression, found end of expression");
}

}  // namespace
}  // namespace datablox
