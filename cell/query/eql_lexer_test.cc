#include "cell/query/eql_lexer.h"

#include <gtest/gtest.h>

namespace datablox::eql {
namespace {

std::string Kinds(std::string_view text, std::vector<QueryError>* errors) {
  std::string out;
  for (const Token& t : Lex(text, errors)) {
    if (!out.empty()) out += ' ';
    out += t.kind == Tok::kIdent ? t.text : std::string(TokenName(t.kind));
  }
  return out;
}

TEST(EqlLexerTest, TokensCarryTheirLineAndColumn) {
  std::vector<QueryError> errors;
  const std::vector<Token> tokens = Lex("select\n  count(user)", &errors);
  ASSERT_TRUE(errors.empty());
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[1].text, "count");
  EXPECT_EQ(tokens[1].pos.line, 2);
  EXPECT_EQ(tokens[1].pos.column, 3);
  EXPECT_EQ(tokens[2].kind, Tok::kLParen);
  EXPECT_EQ(tokens[2].pos.column, 8);
}

TEST(EqlLexerTest, ComparisonsAndPunctuation) {
  std::vector<QueryError> errors;
  EXPECT_EQ(Kinds("a = b == c != d <> e <= f >= g < h > i . , : + -", &errors),
            "a '=' b '=' c '!=' d '!=' e '<=' f '>=' g '<' h '>' i '.' ',' ':' '+' '-' the end of the query");
  EXPECT_TRUE(errors.empty());
}

TEST(EqlLexerTest, NumbersIntegerAndFloat) {
  std::vector<QueryError> errors;
  const std::vector<Token> tokens = Lex("42 2.5 1e3", &errors);
  EXPECT_EQ(tokens[0].kind, Tok::kInt);
  EXPECT_EQ(tokens[0].int_value, 42);
  EXPECT_EQ(tokens[1].kind, Tok::kFloat);
  EXPECT_DOUBLE_EQ(tokens[1].float_value, 2.5);
  EXPECT_EQ(tokens[2].kind, Tok::kFloat);
  EXPECT_DOUBLE_EQ(tokens[2].float_value, 1000);
}

TEST(EqlLexerTest, StringsInEitherQuoteWithEscapes) {
  std::vector<QueryError> errors;
  const std::vector<Token> tokens = Lex(R"("a\"b" 'it\'s')", &errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(tokens[0].text, "a\"b");
  EXPECT_EQ(tokens[1].text, "it's");
}

TEST(EqlLexerTest, EveryBadCharacterAndUnterminatedStringIsReported) {
  std::vector<QueryError> errors;
  Lex("select # x\n  ; \"open", &errors);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].ToString(), "1:8: error: unexpected character '#'");
  EXPECT_EQ(errors[1].ToString(), "2:3: error: unexpected character ';'");
  EXPECT_EQ(errors[2].ToString(), "2:5: error: unterminated string");
}

TEST(EqlLexerTest, IntegerOutOfRangeIsAnError) {
  std::vector<QueryError> errors;
  Lex("99999999999999999999", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(), "1:1: error: number 99999999999999999999 is out of range");
}

TEST(EqlLexerTest, DoubleDashIsACommentToTheEndOfTheLine) {
  std::vector<QueryError> errors;
  EXPECT_EQ(Kinds("a -- anything ; here\nb", &errors), "a b the end of the query");
  EXPECT_TRUE(errors.empty());
}

}  // namespace
}  // namespace datablox::eql
