// Operators: arithmetic, precedence, comparisons and logic.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "datablox/expr.h"
#include "expr/expr_test_util.h"

namespace datablox {
namespace {

using expr_testing::AssignmentsFailure;
using expr_testing::CompileFailure;
using expr_testing::ExprTest;
using expr_testing::SampleLog;

// --- arithmetic ------------------------------------------------------------

TEST_F(ExprTest, IntegerArithmeticStaysInteger) {
  ExpectInt("seq + 4", 7);
  ExpectInt("seq - 10", -7);
  ExpectInt("seq * 5", 15);
  ExpectInt("7 / 2", 3);
  ExpectInt("-7 / 2", -3);  // truncates toward zero
  ExpectInt("7 % 3", 1);
  ExpectInt("-7 % 3", -1);  // the sign of the dividend
}

TEST_F(ExprTest, MixingIntAndFloatGivesFloat) {
  ExpectFloat("seq + 0.5", 3.5);
  ExpectFloat("ratio * 2", 5.0);
  ExpectFloat("7 / 2.0", 3.5);
  ExpectFloat("1.5 - 1", 0.5);
  ExpectFloat("7.5 % 2", 1.5);
}

TEST_F(ExprTest, IntegerDivisionByZeroIsAnError) {
  ExpectEvalError("seq / 0", "division by zero");
  ExpectEvalError("seq % zero", "division by zero");
}

TEST_F(ExprTest, FloatDivisionByZeroIsAnError) {
  ExpectEvalError("ratio / 0.0", "division by zero");
  ExpectEvalError("1 / fzero", "division by zero");
}

TEST_F(ExprTest, IntegerOverflowIsAnError) {
  ExpectEvalError("9223372036854775807 + 1", "integer overflow");
  ExpectEvalError("-9223372036854775808 - 1", "integer overflow");
  ExpectEvalError("4611686018427387904 * 2", "integer overflow");
  ExpectEvalError("-9223372036854775808 / -1", "integer overflow");
  ExpectInt("-9223372036854775808 % -1", 0);
}

TEST_F(ExprTest, UnaryMinusNegatesNumbers) {
  ExpectInt("-seq", -3);
  ExpectInt("- -seq", 3);
  ExpectFloat("-ratio", -2.5);
  ExpectInt("-(1 + 2)", -3);
  ExpectEvalError("-word", "cannot negate string");
}

TEST_F(ExprTest, PlusConcatenatesStrings) {
  ExpectString("word + ' there'", "hi there");
  ExpectString("'' + ''", "");
}

TEST_F(ExprTest, ArithmeticOnOtherKindsIsAnError) {
  ExpectEvalError("word + 1", "cannot apply '+' to string and int");
  ExpectEvalError("word * 2", "cannot apply '*' to string and int");
  ExpectEvalError("nothing - 1", "cannot apply '-' to nil and int");
  ExpectEvalError("flag + 1", "cannot apply '+' to bool and int");
}

// --- precedence --------------------------------------------------------------

TEST_F(ExprTest, MultiplicationBindsTighterThanAddition) {
  ExpectInt("1 + 2 * 3", 7);
  ExpectInt("10 - 6 / 2", 7);
  ExpectInt("1 + 7 % 4", 4);
  ExpectInt("(1 + 2) * 3", 9);
}

TEST_F(ExprTest, BinaryOperatorsAreLeftAssociative) {
  ExpectInt("10 - 4 - 3", 3);
  ExpectInt("100 / 10 / 5", 2);
  ExpectInt("17 % 10 % 4", 3);
}

TEST_F(ExprTest, UnaryBindsTighterThanBinary) {
  ExpectInt("-2 * 3", -6);
  ExpectBool("!false && false", false);  // (!false) && false
  ExpectInt("-seq + 10", 7);
}

TEST_F(ExprTest, ArithmeticBindsTighterThanComparison) {
  ExpectBool("seq % 2 == 1", true);
  ExpectBool("seq + 1 > 3", true);
  ExpectBool("1 + 1 < 1 + 2", true);
}

TEST_F(ExprTest, ComparisonBindsTighterThanEquality) {
  // (1 < 2) == (3 < 4); were == tighter this would compare bool with int.
  ExpectBool("1 < 2 == 3 < 4", true);
  ExpectBool("2 > 1 != false", true);
}

TEST_F(ExprTest, EqualityBindsTighterThanAnd) {
  ExpectBool("seq == 3 && word == 'hi'", true);
  ExpectBool("1 == 1 && 2 == 3", false);
}

TEST_F(ExprTest, AndBindsTighterThanOr) {
  ExpectBool("true || false && false", true);  // true || (false && false)
  ExpectBool("false && true || true", true);   // (false && true) || true
  ExpectBool("(true || false) && false", false);
}

// --- comparisons -------------------------------------------------------------

TEST_F(ExprTest, EqualityOfSameKinds) {
  ExpectBool("seq == 3", true);
  ExpectBool("seq != 3", false);
  ExpectBool("word == 'hi'", true);
  ExpectBool("word != 'ho'", true);
  ExpectBool("flag == true", true);
  ExpectBool("nil == nil", true);
  ExpectBool("nothing == nil", true);
  ExpectBool("tags == tags", true);
  ExpectBool("tags == user", false);
}

TEST_F(ExprTest, NumbersCompareAcrossIntAndFloat) {
  ExpectBool("3 == 3.0", true);
  ExpectBool("ratio > 2", true);
  ExpectBool("2 < ratio", true);
  ExpectBool("3 >= 3.0", true);
  ExpectBool("3 <= 2.9", false);
  ExpectBool("seq != 3.5", true);
}

TEST_F(ExprTest, OrderingOperatorsOnIntegers) {
  ExpectBool("1 < 2", true);
  ExpectBool("2 < 2", false);
  ExpectBool("2 <= 2", true);
  ExpectBool("3 <= 2", false);
  ExpectBool("3 > 2", true);
  ExpectBool("2 > 2", false);
  ExpectBool("2 >= 2", true);
  ExpectBool("1 >= 2", false);
}

TEST_F(ExprTest, StringsCompareLexicographically) {
  ExpectBool("'apple' < 'banana'", true);
  ExpectBool("'b' > 'abc'", true);
  ExpectBool("'ab' < 'abc'", true);
  ExpectBool("'abc' <= 'abc'", true);
  ExpectBool("'Z' < 'a'", true);  // bytewise
}

TEST_F(ExprTest, EqualityBetweenDifferentKindsIsFalseNotAnError) {
  ExpectBool("seq == '3'", false);
  ExpectBool("seq != '3'", true);
  ExpectBool("flag == 1", false);
  ExpectBool("nothing == 0", false);
  ExpectBool("word == nil", false);
  ExpectBool("tags == 'a'", false);
}

TEST_F(ExprTest, OrderingIncompatibleKindsIsAnError) {
  ExpectEvalError("seq < 'x'", "cannot compare int and string with '<'");
  ExpectEvalError("nothing >= 1", "cannot compare nil and int with '>='");
  ExpectEvalError("flag > false", "cannot compare bool and bool with '>'");
}

// --- logic -------------------------------------------------------------------

TEST_F(ExprTest, LogicalOperatorsGiveBools) {
  ExpectBool("true && true", true);
  ExpectBool("true && false", false);
  ExpectBool("false || true", true);
  ExpectBool("false || false", false);
  ExpectBool("!true", false);
  ExpectBool("!nothing", true);
  ExpectBool("seq && word", true);  // truthiness, but the result is a bool
  ExpectBool("!!word", true);
}

TEST_F(ExprTest, AndShortCircuits) {
  ExpectBool("false && 1/0", false);
  ExpectBool("nothing && 1/0 == 0", false);
}

TEST_F(ExprTest, OrShortCircuits) {
  ExpectBool("true || 1/0", true);
  ExpectBool("seq > 0 || word < 5", true);
}

TEST_F(ExprTest, ErrorsPropagateThroughLogicWhenEvaluated) {
  ExpectEvalError("true && 1/0", "division by zero");
  ExpectEvalError("false || 1/0", "division by zero");
  ExpectEvalError("!(1/0)", "division by zero");
  ExpectEvalError("1/0 == 1/0", "division by zero");
}

}  // namespace
}  // namespace datablox
