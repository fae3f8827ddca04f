// One literal scanner serves the topology lexer and the expression lexer: the
// same broken literal gives the same message in a .topo file and in an
// expression, pointing at the same character of it.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "datablox/expr.h"
#include "dsl/lexer.h"

namespace datablox::dsl {
namespace {

// `a :: Seq(p: ` puts the literal at column 13.
constexpr std::string_view kPrefix = "a :: Seq(p: ";

struct Reported {
  int column = 0;  // 1-based, counted from the literal's first character
  std::string message;
};

Reported InATopology(std::string_view literal) {
  const std::string text = std::string(kPrefix) + std::string(literal) + "\n";
  for (const Token& token : Tokenize(text)) {
    if (token.kind != TokenKind::kError) continue;
    EXPECT_EQ(token.line, 1) << literal;
    return {token.column - static_cast<int>(kPrefix.size()), token.text};
  }
  ADD_FAILURE() << "no lexer error for " << literal;
  return {};
}

Reported InAnExpression(std::string_view literal) {
  Expr expr;
  ExprError error;
  EXPECT_FALSE(Expr::Compile(literal, &expr, &error).ok()) << literal;
  return {error.column, error.message};
}

void ExpectTheSameReport(std::string_view literal, std::string_view message, int column) {
  const Reported topology = InATopology(literal);
  const Reported expression = InAnExpression(literal);
  EXPECT_EQ(topology.message, message) << "in a topology: " << literal;
  EXPECT_EQ(expression.message, message) << "in an expression: " << literal;
  EXPECT_EQ(topology.column, column) << "in a topology: " << literal;
  EXPECT_EQ(expression.column, column) << "in an expression: " << literal;
}

TEST(LiteralErrorsTest, UnterminatedStringReadsTheSameInBoth) {
  ExpectTheSameReport("'abc", "unterminated string: expected a closing '", 1);
  ExpectTheSameReport(R"("abc\)", R"(unterminated string: expected a closing ")", 1);
}

TEST(LiteralErrorsTest, UnknownEscapeReadsTheSameInBoth) {
  ExpectTheSameReport(R"("x\qy")", R"(unknown escape '\q' in string (known: \" \' \\ \n \t))", 3);
}

TEST(LiteralErrorsTest, MalformedNumbersReadTheSameInBoth) {
  ExpectTheSameReport("10ms", "invalid number '10ms'", 1);
  ExpectTheSameReport("1.", "invalid number '1.'", 1);
  ExpectTheSameReport("2e+", "invalid number '2e+'", 1);
}

TEST(LiteralErrorsTest, NumbersOutOfRangeReadTheSameInBoth) {
  ExpectTheSameReport("99999999999999999999", "number '99999999999999999999' is out of range (an int has 64 bits)", 1);
  ExpectTheSameReport("9223372036854775808", "number '9223372036854775808' is out of range (an int has 64 bits)", 1);
  ExpectTheSameReport("1e999", "number '1e999' is out of range", 1);
}

}  // namespace
}  // namespace datablox::dsl
