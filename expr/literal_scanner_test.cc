// The shared literal scanner on its own: byte offsets in, decoded values or
// exact messages out (dsl/literal_errors_test.cc checks that both lexers
// pass its messages on unchanged).
#include "expr/literal_scanner.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace datablox::literal {
namespace {

using namespace std::string_literals;

struct StringResult {
  bool ok = false;
  std::string value;
  size_t end = 0;
  LiteralError error;
};

StringResult Str(std::string_view text, size_t begin = 0, LineBreaks line_breaks = LineBreaks::kEndTheString) {
  StringResult r;
  r.ok = ScanString(text, begin, line_breaks, &r.value, &r.end, &r.error);
  return r;
}

struct NumberResult {
  bool ok = false;
  Number number;
  LiteralError error;
};

NumberResult Num(std::string_view text, Sign sign = Sign::kUnsigned, size_t begin = 0) {
  NumberResult r;
  r.ok = ScanNumber(text, begin, sign, &r.number, &r.error);
  return r;
}

TEST(LiteralStringTest, DecodesEveryKnownEscapeInEitherQuote) {
  StringResult r = Str(R"("a\"b\'c\\d\ne\tf" rest)");
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(r.value, "a\"b'c\\d\ne\tf");
  EXPECT_EQ(r.end, 18u);
  r = Str(R"(x 'it\'s "fine"')", 2);
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(r.value, R"(it's "fine")");
  EXPECT_EQ(r.end, 16u);
}

TEST(LiteralStringTest, EmptyString) {
  StringResult r = Str("''");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.value, "");
  EXPECT_EQ(r.end, 2u);
}

TEST(LiteralStringTest, UnterminatedAtTheEndPointsAtTheOpeningQuote) {
  StringResult r = Str("ab 'cd", 3);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.offset, 3u);
  EXPECT_EQ(r.error.resume, 6u);
  EXPECT_EQ(r.error.message, "unterminated string: expected a closing '");
}

TEST(LiteralStringTest, LineBreakEndsAStringOnlyWhenAskedTo) {
  StringResult r = Str("\"ab\ncd\"");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.offset, 0u);
  EXPECT_EQ(r.error.resume, 3u);  // the line break: it still ends a statement
  EXPECT_EQ(r.error.message, "unterminated string: expected a closing \"");

  r = Str("\"ab\ncd\"", 0, LineBreaks::kBelongToTheString);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.value, "ab\ncd");
}

TEST(LiteralStringTest, BackslashBeforeTheEndIsUnterminatedNotABadEscape) {
  StringResult r = Str("'ab\\");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.offset, 0u);
  EXPECT_EQ(r.error.message, "unterminated string: expected a closing '");
  r = Str("'ab\\\ncd'");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.offset, 0u);
  EXPECT_EQ(r.error.message, "unterminated string: expected a closing '");
}

TEST(LiteralStringTest, UnknownEscapePointsAtTheBackslashAndResumesPastTheString) {
  StringResult r = Str(R"("x\qy\"z" tail)");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.offset, 2u);
  EXPECT_EQ(r.error.resume, 9u);  // past the closing quote, the \" skipped
  EXPECT_EQ(r.error.message, R"(unknown escape '\q' in string (known: \" \' \\ \n \t))");
}

TEST(LiteralStringTest, UnknownEscapeOfAnUnprintableByteNamesTheByte) {
  StringResult r = Str("'a\\\x01'");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.offset, 2u);
  EXPECT_EQ(r.error.message, R"(unknown escape '\' followed by byte 0x01 in string (known: \" \' \\ \n \t))");
}

TEST(LiteralStringTest, UnknownEscapeInAnUnterminatedStringResumesAtTheLineBreak) {
  StringResult r = Str("'a\\qb\nnext");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.offset, 2u);
  EXPECT_EQ(r.error.resume, 5u);
}

TEST(LiteralNumberTest, IntegersAndFloats) {
  NumberResult r = Num("42 ");
  ASSERT_TRUE(r.ok);
  EXPECT_FALSE(r.number.is_float);
  EXPECT_EQ(r.number.magnitude, 42u);
  EXPECT_EQ(r.number.end, 2u);

  r = Num("2.5e-3)");
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.number.is_float);
  EXPECT_DOUBLE_EQ(r.number.float_value, 0.0025);
  EXPECT_EQ(r.number.end, 6u);

  r = Num("1E6");
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.number.is_float);
  EXPECT_DOUBLE_EQ(r.number.float_value, 1e6);
}

TEST(LiteralNumberTest, ADotOrAnOperatorAfterANumberIsNotPartOfIt) {
  NumberResult r = Num("1+2");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.number.end, 1u);
  r = Num("1.5.3");
  ASSERT_TRUE(r.ok);
  EXPECT_DOUBLE_EQ(r.number.float_value, 1.5);
  EXPECT_EQ(r.number.end, 3u);
}

TEST(LiteralNumberTest, MalformedNumbersAreNamedWholeAtTheirStart) {
  for (const auto& [text, spelled] :
       {std::pair{"10ms", "10ms"}, {"1. + 2", "1."}, {"2e+", "2e+"}, {"1.x", "1.x"}, {"3e", "3e"}}) {
    NumberResult r = Num(text);
    EXPECT_FALSE(r.ok) << text;
    EXPECT_EQ(r.error.offset, 0u) << text;
    EXPECT_EQ(r.error.resume, std::string_view(spelled).size()) << text;
    EXPECT_EQ(r.error.message, "invalid number '"s + spelled + "'") << text;
  }
}

TEST(LiteralNumberTest, UnsignedIntegersReachTwoToTheSixtyThreeForACallersMinus) {
  NumberResult r = Num("9223372036854775808");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.number.magnitude, kMaxIntMagnitude);
  r = Num("9223372036854775809");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.message, "number '9223372036854775809' is out of range (an int has 64 bits)");
}

TEST(LiteralNumberTest, LeadingMinusIsPartOfASignedNumber) {
  NumberResult r = Num("-9223372036854775808", Sign::kLeadingMinus);
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.number.negative);
  EXPECT_EQ(r.number.magnitude, kMaxIntMagnitude);
  EXPECT_EQ(r.number.end, 20u);

  r = Num("9223372036854775808", Sign::kLeadingMinus);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.message, "number '9223372036854775808' is out of range (an int has 64 bits)");

  r = Num("-9223372036854775809", Sign::kLeadingMinus);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.offset, 0u);
  EXPECT_EQ(r.error.message, "number '-9223372036854775809' is out of range (an int has 64 bits)");

  r = Num("-2.5", Sign::kLeadingMinus);
  ASSERT_TRUE(r.ok);
  EXPECT_DOUBLE_EQ(r.number.float_value, -2.5);

  r = Num("-3ms", Sign::kLeadingMinus);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.message, "invalid number '-3ms'");
}

TEST(LiteralNumberTest, FloatOutOfRange) {
  NumberResult r = Num("1e999");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.offset, 0u);
  EXPECT_EQ(r.error.resume, 5u);
  EXPECT_EQ(r.error.message, "number '1e999' is out of range");
}

TEST(LiteralIdentifierTest, ScansLettersDigitsAndUnderscores) {
  EXPECT_EQ(ScanIdentifier("abc_9.x", 0), 5u);
  EXPECT_EQ(ScanIdentifier("a b", 2), 3u);
  EXPECT_TRUE(IsIdentStart('_'));
  EXPECT_FALSE(IsIdentStart('9'));
  EXPECT_TRUE(IsIdentChar('9'));
}

TEST(LiteralDescribeCharTest, PrintableInQuotesOthersAsBytes) {
  EXPECT_EQ(DescribeChar('#'), "'#'");
  EXPECT_EQ(DescribeChar('\n'), "byte 0x0a");
  EXPECT_EQ(DescribeChar(static_cast<char>(0xc3)), "byte 0xc3");
}

}  // namespace
}  // namespace datablox::literal
