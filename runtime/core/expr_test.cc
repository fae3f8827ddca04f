#include "runtime/core/expr.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/log.h"

namespace datablox {
namespace {

// The log most tests read: one field of every kind, nested maps, an array.
OwnedLog SampleLog() {
  LogBuilder b;
  b.add("seq", 3)
      .add("word", "hi")
      .add("ratio", 2.5)
      .add("flag", true)
      .add("off", false)
      .add("empty", "")
      .add("zero", 0)
      .add("fzero", 0.0)
      .add_nil("nothing")
      .add("neg", -7)
      .add_bytes("blob", "xyz");
  EXPECT_TRUE(b.add_json("user", R"({"name": "ann", "address": {"city": "Oslo"}, "age": 41})").ok());
  EXPECT_TRUE(b.add_json("tags", R"(["a", "b", "c"])").ok());
  return OwnedLog(std::string(b.bytes()));
}

class ExprTest : public ::testing::Test {
 protected:
  // Compiles (the test fails when that fails) and evaluates over the sample log.
  ExprValue Eval(std::string_view source) {
    Expr expr;
    Status status = Expr::Compile(source, &expr);
    EXPECT_TRUE(status.ok()) << source << ": " << status.ToString();
    return expr.Eval(log_.log());
  }

  void ExpectInt(std::string_view source, int64_t want) {
    ExprValue v = Eval(source);
    EXPECT_EQ(v.kind, ExprValue::Kind::kInt) << source << " gave " << v.s;
    EXPECT_EQ(v.i, want) << source;
  }
  void ExpectFloat(std::string_view source, double want) {
    ExprValue v = Eval(source);
    EXPECT_EQ(v.kind, ExprValue::Kind::kFloat) << source << " gave " << v.s;
    EXPECT_DOUBLE_EQ(v.f, want) << source;
  }
  void ExpectString(std::string_view source, std::string_view want) {
    ExprValue v = Eval(source);
    EXPECT_EQ(v.kind, ExprValue::Kind::kString) << source << " gave " << v.s;
    EXPECT_EQ(v.s, want) << source;
  }
  void ExpectBool(std::string_view source, bool want) {
    ExprValue v = Eval(source);
    EXPECT_EQ(v.kind, ExprValue::Kind::kBool) << source << " gave " << v.s;
    EXPECT_EQ(v.b, want) << source;
  }
  void ExpectNil(std::string_view source) {
    ExprValue v = Eval(source);
    EXPECT_EQ(v.kind, ExprValue::Kind::kNil) << source << " gave " << v.s;
  }
  void ExpectEvalError(std::string_view source, std::string_view message) {
    ExprValue v = Eval(source);
    EXPECT_TRUE(v.is_error()) << source;
    EXPECT_EQ(v.s, message) << source;
  }

  OwnedLog log_ = SampleLog();
};

// Compiles `source`, which must fail, and returns the error; also checks that
// the Status says the same thing as the ExprError.
ExprError CompileFailure(std::string_view source) {
  Expr expr;
  ExprError error;
  Status status = Expr::Compile(source, &expr, &error);
  EXPECT_FALSE(status.ok()) << "'" << source << "' compiled";
  EXPECT_EQ(status.code(), Status::Code::kInvalid);
  EXPECT_EQ(status.message(), "column " + std::to_string(error.column) + ": " + error.message);
  return error;
}

ExprError AssignmentsFailure(std::string_view source) {
  std::vector<Assignment> assignments;
  ExprError error;
  Status status = CompileAssignments(source, &assignments, &error);
  EXPECT_FALSE(status.ok()) << "'" << source << "' compiled";
  EXPECT_EQ(status.code(), Status::Code::kInvalid);
  EXPECT_EQ(status.message(), "column " + std::to_string(error.column) + ": " + error.message);
  EXPECT_TRUE(assignments.empty());
  return error;
}

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
  ExpectBool("true || false && false", true);   // true || (false && false)
  ExpectBool("false && true || true", true);    // (false && true) || true
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
  ExpectEvalError("starts_with(word, 1)",
                  "starts_with() expects a string as its second argument, got int");
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

// --- Test() truthiness --------------------------------------------------------

TEST_F(ExprTest, TestUsesTruthiness) {
  struct Case {
    const char* source;
    bool want;
  };
  const Case cases[] = {
      {"false", false}, {"nil", false},   {"0", false},         {"0.0", false},
      {"''", false},    {"nothing", false}, {"no_such_field", false}, {"zero", false},
      {"fzero", false}, {"empty", false}, {"true", true},        {"1", true},
      {"-1", true},     {"0.5", true},    {"'0'", true},         {"word", true},
      {"tags", true},   {"user", true},   {"seq % 2 == 1", true}, {"seq % 2 == 0", false},
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

TEST_F(ExprTest, WhitespaceIsIgnored) {
  ExpectInt(" \t1\n+\r\n2 ", 3);
}

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
  EXPECT_EQ(e.message, "unterminated string: expected closing ', found end of expression");
}

TEST(ExprCompileErrorTest, BadStringEscapePointsAtTheBackslash) {
  ExprError e = CompileFailure(R"(word == "a\qb")");
  EXPECT_EQ(e.column, 11);
  EXPECT_EQ(e.message, R"(expected an escape (\\ \" \' \n \t) after '\', found 'q')");
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
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.message, "expected a digit after '.', found ' '");

  e = CompileFailure("2e+");
  EXPECT_EQ(e.column, 4);
  EXPECT_EQ(e.message, "expected a digit in the exponent, found end of expression");

  e = CompileFailure("12abc");
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.message, "expected an operator after a number, found 'a'");

  e = CompileFailure("1 + 9223372036854775808");
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "integer literal 9223372036854775808 does not fit in 64 bits");

  e = CompileFailure("99999999999999999999");
  EXPECT_EQ(e.column, 1);

  e = CompileFailure("1e999");
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "float literal 1e999 is out of range");
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

// --- assignments --------------------------------------------------------------

TEST_F(ExprTest, CompileAssignmentsSplitsAtTopLevelCommas) {
  std::vector<Assignment> assignments;
  ASSERT_TRUE(
      CompileAssignments("word = upper(word), n = seq * 2, label = concat(word, ',', seq)",
                         &assignments)
          .ok());
  ASSERT_EQ(assignments.size(), 3u);
  EXPECT_EQ(assignments[0].field, "word");
  EXPECT_EQ(assignments[0].expr.source(), "upper(word)");
  EXPECT_EQ(assignments[0].expr.Eval(log_.log()).s, "HI");
  EXPECT_EQ(assignments[1].field, "n");
  EXPECT_EQ(assignments[1].expr.source(), "seq * 2");
  EXPECT_EQ(assignments[1].expr.Eval(log_.log()).i, 6);
  EXPECT_EQ(assignments[2].field, "label");
  EXPECT_EQ(assignments[2].expr.source(), "concat(word, ',', seq)");
  EXPECT_EQ(assignments[2].expr.Eval(log_.log()).s, "hi,3");
}

TEST_F(ExprTest, CompileAssignmentsSingleAssignmentWithSpaces) {
  std::vector<Assignment> assignments;
  ASSERT_TRUE(CompileAssignments("  total=(seq+1)*2  ", &assignments).ok());
  ASSERT_EQ(assignments.size(), 1u);
  EXPECT_EQ(assignments[0].field, "total");
  EXPECT_EQ(assignments[0].expr.source(), "(seq+1)*2");
  EXPECT_EQ(assignments[0].expr.Eval(log_.log()).i, 8);
}

TEST(ExprAssignmentErrorTest, EmptyListNeedsAFieldName) {
  ExprError e = AssignmentsFailure("");
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "expected a field name, found end of expression");
}

TEST(ExprAssignmentErrorTest, EmptyFieldName) {
  ExprError e = AssignmentsFailure("a = 1, = 2");
  EXPECT_EQ(e.column, 8);
  EXPECT_EQ(e.message, "expected a field name, found '='");
}

TEST(ExprAssignmentErrorTest, MissingEquals) {
  ExprError e = AssignmentsFailure("a = 1, b 2");
  EXPECT_EQ(e.column, 10);
  EXPECT_EQ(e.message, "expected '=' after field name 'b', found number 2");
  e = AssignmentsFailure("upper(word)");
  EXPECT_EQ(e.column, 6);
  EXPECT_EQ(e.message, "expected '=' after field name 'upper', found '('");
  e = AssignmentsFailure("a == 1");
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.message, "expected '=' after field name 'a', found '=='");
}

TEST(ExprAssignmentErrorTest, MissingExpression) {
  ExprError e = AssignmentsFailure("a = , b = 1");
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "expected an expression, found ','");
}

TEST(ExprAssignmentErrorTest, TrailingComma) {
  ExprError e = AssignmentsFailure("a = 1,");
  EXPECT_EQ(e.column, 7);
  EXPECT_EQ(e.message, "expected a field name, found end of expression");
}

TEST(ExprAssignmentErrorTest, MissingCommaBetweenAssignments) {
  ExprError e = AssignmentsFailure("a = 1 b = 2");
  EXPECT_EQ(e.column, 7);
  EXPECT_EQ(e.message, "expected ',' or end of expression, found name 'b'");
}

TEST(ExprAssignmentErrorTest, ErrorInsideAnExpressionHasAColumnIntoTheWholeText) {
  ExprError e = AssignmentsFailure("a = 1, b = nope(2)");
  EXPECT_EQ(e.column, 12);
  EXPECT_EQ(e.message.rfind("unknown function 'nope'", 0), 0u) << e.message;
  e = AssignmentsFailure("a = 1, b = (2");
  EXPECT_EQ(e.column, 14);
  EXPECT_EQ(e.message, "expected ')', found end of expression");
}

TEST(ExprAssignmentErrorTest, NestedOrDuplicateTargets) {
  ExprError e = AssignmentsFailure("user.name = 'x'");
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "expected a top-level field name, found nested name 'user.name'");
  e = AssignmentsFailure("a = 1, a = 2");
  EXPECT_EQ(e.column, 8);
  EXPECT_EQ(e.message, "field 'a' is assigned twice");
}

TEST(ExprAssignmentErrorTest, ErrorOutParameterIsOptional) {
  std::vector<Assignment> assignments;
  Status status = CompileAssignments("x", &assignments);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "column 2: expected '=' after field name 'x', found end of expression");
}

}  // namespace
}  // namespace datablox
