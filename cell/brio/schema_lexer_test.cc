#include "cell/brio/schema_lexer.h"

#include <gtest/gtest.h>

#include <string>

#include "cell/brio/schema_limits.h"

namespace datablox::brio {
namespace {

using Kind = SchemaTokenKind;

std::vector<Kind> KindsOf(std::string_view text) {
  std::vector<Kind> kinds;
  for (const SchemaToken& t : TokenizeSchema(text)) kinds.push_back(t.kind);
  return kinds;
}

TEST(SchemaLexer, FieldLineIsOrdinalParenNameColonTypeAndMarks) {
  EXPECT_EQ(KindsOf("0) id : string key"), (std::vector<Kind>{Kind::kInt, Kind::kRParen, Kind::kIdent, Kind::kColon,
                                                              Kind::kIdent, Kind::kIdent, Kind::kEnd}));
  EXPECT_EQ(KindsOf("map[string, long]"), (std::vector<Kind>{Kind::kIdent, Kind::kLBracket, Kind::kIdent, Kind::kComma,
                                                             Kind::kIdent, Kind::kRBracket, Kind::kEnd}));
}

TEST(SchemaLexer, BothCommentStylesRunToTheEndOfTheLine) {
  const auto tokens = TokenizeSchema("a // b c\n# d e\n{ # }\n}");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].text, "a");
  EXPECT_EQ(tokens[1].kind, Kind::kLBrace);
  EXPECT_EQ(tokens[1].line, 3);
  EXPECT_EQ(tokens[2].kind, Kind::kRBrace);
  EXPECT_EQ(tokens[2].line, 4);
}

TEST(SchemaLexer, PositionsAreOneBasedLineAndByteColumn) {
  const auto tokens = TokenizeSchema("x\n  yy 12");
  EXPECT_EQ(tokens[1].line, 2);
  EXPECT_EQ(tokens[1].column, 3);
  EXPECT_EQ(tokens[2].column, 6);
  EXPECT_EQ(tokens[2].int_value, 12);
}

TEST(SchemaLexer, ASingleSlashIsAnError) {
  const auto tokens = TokenizeSchema("a / b");
  EXPECT_EQ(tokens[1].kind, Kind::kError);
  EXPECT_EQ(tokens[1].text, "unexpected character '/'");
  EXPECT_EQ(tokens[1].column, 3);
}

TEST(SchemaLexer, AMultiByteCharacterIsOneError) {
  const auto tokens = TokenizeSchema("a \xc3\xa9 b");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[1].kind, Kind::kError);
  EXPECT_EQ(tokens[1].text, "unexpected character 0xc3");
  EXPECT_EQ(tokens[2].text, "b");
}

TEST(SchemaLexer, ANameOverTheLimitIsAnError) {
  const std::string longest(kMaxIdentifierBytes, 'a');
  EXPECT_EQ(TokenizeSchema(longest)[0].kind, Kind::kIdent);
  const auto tokens = TokenizeSchema(longest + "a");
  EXPECT_EQ(tokens[0].kind, Kind::kError);
  EXPECT_EQ(tokens[0].text, "name is 129 bytes long (the limit is 128)");
}

TEST(SchemaLexer, NumbersAreBoundedAndNotGluedToNames) {
  EXPECT_EQ(TokenizeSchema("999999999")[0].int_value, 999999999);
  EXPECT_EQ(TokenizeSchema("1234567890")[0].text, "number '1234567890' is too large");
  EXPECT_EQ(TokenizeSchema("12ab")[0].text, "invalid number '12ab'");
}

TEST(SchemaLexer, DescribesTokensForMessages) {
  const auto tokens = TokenizeSchema("User )");
  EXPECT_EQ(DescribeSchemaToken(tokens[0]), "'User'");
  EXPECT_EQ(DescribeSchemaToken(tokens[1]), "')'");
  EXPECT_EQ(DescribeSchemaToken(tokens[2]), "end of file");
}

}  // namespace
}  // namespace datablox::brio
