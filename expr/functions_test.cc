// The built-in functions (expr/functions.cc) and how calls evaluate.
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

// --- functions ---------------------------------------------------------------

TEST_F(ExprTest, UpperAndLowerChangeAsciiCase) {
  ExpectString("upper(word)", "HI");
  ExpectString("lower('MiXeD 12')", "mixed 12");
  ExpectNil("upper(no_such_field)");
  ExpectEvalError("upper(seq)", "upper() expects a string, got int");
}

TEST_F(ExprTest, LenOfStringsArraysAndMaps) {
  ExpectInt("len(word)", 2);
  ExpectInt("len('')", 0);
  ExpectInt("len(tags)", 3);
  ExpectInt("len(user)", 3);
  ExpectInt("len(no_such_field)", 0);
  ExpectEvalError("len(seq)", "len() expects a string, an array or a map, got int");
}

TEST_F(ExprTest, ContainsFindsSubstringsAndArrayItems) {
  ExpectBool("contains('haystack', 'st')", true);
  ExpectBool("contains('haystack', 'needle')", false);
  ExpectBool("contains(word, '')", true);
  ExpectBool("contains(tags, 'b')", true);
  ExpectBool("contains(tags, 'z')", false);
  ExpectBool("contains(no_such_field, 'x')", false);
  ExpectEvalError("contains(seq, 'x')", "contains() expects a string or an array, got int");
}

TEST_F(ExprTest, StartsWithAndEndsWith) {
  ExpectBool("starts_with('prefix-rest', 'prefix')", true);
  ExpectBool("starts_with('prefix-rest', 'rest')", false);
  ExpectBool("ends_with('prefix-rest', 'rest')", true);
  ExpectBool("ends_with('prefix-rest', 'prefix')", false);
  ExpectBool("ends_with(word, nothing)", false);
  ExpectEvalError("starts_with(word, 1)", "starts_with() expects a string as its second argument, got int");
}

TEST_F(ExprTest, StrConvertsEveryKindToText) {
  ExpectString("str(seq)", "3");
  ExpectString("str(-12)", "-12");
  ExpectString("str(ratio)", "2.5");
  ExpectString("str(2.0)", "2.0");  // still looks like a float
  ExpectString("str(flag)", "true");
  ExpectString("str(nothing)", "nil");
  ExpectString("str(word)", "hi");
  ExpectString("str(user.address)", R"({"city":"Oslo"})");
}

TEST_F(ExprTest, IntConvertsAndTruncates) {
  ExpectInt("int(ratio)", 2);
  ExpectInt("int(-2.9)", -2);
  ExpectInt("int('42')", 42);
  ExpectInt("int('-3.7')", -3);
  ExpectInt("int(true)", 1);
  ExpectInt("int(seq)", 3);
  ExpectNil("int(nothing)");
  ExpectEvalError("int('abc')", "int() cannot convert \"abc\"");
  ExpectEvalError("int(1e30)", "int() cannot convert 1e+30");
}

TEST_F(ExprTest, FloatConvertsNumbersAndText) {
  ExpectFloat("float(seq)", 3.0);
  ExpectFloat("float('2.25')", 2.25);
  ExpectFloat("float(false)", 0.0);
  ExpectFloat("float(ratio)", 2.5);
  ExpectNil("float(nothing)");
  ExpectEvalError("float('x1')", "float() cannot convert \"x1\"");
}

TEST_F(ExprTest, AbsOfIntsAndFloats) {
  ExpectInt("abs(neg)", 7);
  ExpectInt("abs(seq)", 3);
  ExpectFloat("abs(-2.5)", 2.5);
  ExpectEvalError("abs(-9223372036854775808)", "integer overflow");
  ExpectEvalError("abs(word)", "abs() expects a number, got string");
}

TEST_F(ExprTest, ConcatJoinsAnyValuesAsText) {
  ExpectString("concat(word, '-', seq)", "hi-3");
  ExpectString("concat('a', 'b', 'c', 'd')", "abcd");
  ExpectString("concat(word)", "hi");
  ExpectString("concat(ratio, flag, nothing)", "2.5truenil");
}

TEST_F(ExprTest, IfPicksABranchAndEvaluatesOnlyThatOne) {
  ExpectString("if(seq > 2, 'big', 'small')", "big");
  ExpectString("if(seq > 5, 'big', 'small')", "small");
  ExpectInt("if(zero, 1 / zero, -1)", -1);  // the 1/0 branch is never run
  ExpectEvalError("if(1/0, 1, 2)", "division by zero");
}

TEST_F(ExprTest, FunctionArgumentsCanBeExpressions) {
  ExpectString("upper(concat(word, '!', str(seq * 2)))", "HI!6");
  ExpectBool("len(upper(word)) == 2 && contains(lower('ABC'), 'b')", true);
  ExpectInt("len ( word )", 2);  // spaces around the call
}

TEST_F(ExprTest, FunctionNamesAreOrdinaryFieldsWithoutParentheses) {
  LogBuilder b;
  b.add("len", 5).add("if", "yes");
  OwnedLog log(std::string(b.bytes()));
  Expr expr;
  ASSERT_TRUE(Expr::Compile("len + len(if)", &expr).ok());
  ExprValue v = expr.Eval(log.log());
  EXPECT_EQ(v.kind, ExprValue::Kind::kInt);
  EXPECT_EQ(v.i, 8);
}

}  // namespace
}  // namespace datablox
