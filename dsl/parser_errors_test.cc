#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "dsl/parser_test_fixture.h"

namespace datablox::dsl {
namespace {

using namespace parser_testing;

// --- broken inputs -------------------------------------------------------------

TEST(ParserTest, ReportsUnterminatedStringAtItsStart) {
  EXPECT_TRUE(HasOneError("src :: Seq(path: \"abc)\n", 1, 18, "unterminated string"));
  EXPECT_TRUE(HasOneError("a :: Tee\nb :: Seq(x: 1, path: \"abc\nc :: Tee\n", 2, 22, "unterminated string"));
}

TEST(ParserTest, ReportsUnclosedParenthesisAtTheNextStatement) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse("a :: Seq(count: 1\nsrc -> a\n", kFile, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pos.line, 2);
  EXPECT_EQ(errors[0].pos.column, 1);
  EXPECT_EQ(errors[0].message, "expected ')' after parameters, found 'src'");
  // The next statement is not swallowed by the open parenthesis.
  ASSERT_EQ(topology.connections.size(), 1u);
  EXPECT_EQ(topology.connections[0].from.element, "src");
}

// Brackets left open after a comma: the next statement is where the
// closing bracket was due, and that statement still parses.
TEST(ParserTest, ReportsBracketsLeftOpenAfterACommaAtTheNextStatement) {
  struct Case {
    const char* text;
    int line;
    const char* message;
  };
  const Case cases[] = {
      {"a :: Seq(count: 1,\nsrc -> a\n", 2, "expected ')' after parameters, found 'src'"},
      {"a :: Seq(xs: [1,\nsrc -> a\n", 2, "expected ']' to close the list, found 'src'"},
      {"policy a { queue: 1,\nsrc -> a\n", 2, "expected '}' to close the policy of 'a', found 'src'"},
      {"policy a {\n  queue: 1\nsrc -> a\n", 3, "expected '}' to close the policy of 'a', found 'src'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    std::vector<Diagnostic> errors;
    Topology topology = Parse(c.text, kFile, &errors);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].pos.line, c.line);
    EXPECT_EQ(errors[0].pos.column, 1);
    EXPECT_EQ(errors[0].message, c.message);
    EXPECT_EQ(topology.connections.size(), 1u);
  }
}

TEST(ParserTest, ReportsMissingColonAfterParameterName) {
  EXPECT_TRUE(HasOneError("a :: Seq(count 5)", 1, 16, "expected ':' after parameter name 'count', found '5'"));
}

TEST(ParserTest, ReportsMissingClassName) {
  EXPECT_TRUE(HasOneError("x :: Tee\na :: (x: 1)\n", 2, 6, "expected a class name after '::', found '('"));
}

TEST(ParserTest, ReportsMissingClassNameAtEndOfFile) {
  EXPECT_TRUE(HasOneError("a ::", 1, 5, "expected a class name after '::', found end of file"));
}

TEST(ParserTest, ReportsMissingParameterValue) {
  EXPECT_TRUE(HasOneError("a :: Seq(count: )", 1, 17, "expected a value"));
}

TEST(ParserTest, ReportsUnquotedStringValueWithAHint) {
  EXPECT_TRUE(HasOneError("a :: Seq(mode: fast)", 1, 16, "found 'fast' (strings are written in double quotes)"));
}

TEST(ParserTest, ReportsUnknownEscapeAtTheBackslash) {
  EXPECT_TRUE(HasOneError("a :: Seq(p: \"x\\qy\")", 1, 15, "unknown escape '\\q'"));
}

TEST(ParserTest, ReportsUnexpectedCharacter) { EXPECT_TRUE(HasOneError("a $ b", 1, 3, "unexpected character '$'")); }

TEST(ParserTest, ReportsChainEndingInArrow) {
  EXPECT_TRUE(HasOneError("a ->\n", 1, 5, "expected an element name after '->', found end of line"));
  EXPECT_TRUE(HasOneError("a => \n", 1, 6, "expected an element name after '=>', found end of line"));
}

TEST(ParserTest, ReportsTwoElementsWithoutArrowBetween) {
  EXPECT_TRUE(HasOneError("a -> b c", 1, 8, "expected '->', '=>', ',' or end of line after 'b', found 'c'"));
}

TEST(ParserTest, ReportsMissingPortNameAfterDot) {
  EXPECT_TRUE(HasOneError("a. -> b", 1, 4, "expected a port name after 'a.', found '->'"));
}

TEST(ParserTest, ReportsPortReferenceWithoutArrow) {
  EXPECT_TRUE(HasOneError("a.out\n", 1, 6, "expected '->' or '=>' after 'a.out', found end of line"));
}

TEST(ParserTest, ReportsLoneIdentifier) {
  EXPECT_TRUE(HasOneError("src\n", 1, 4, "expected '::', '->' or '=>' after 'src', found end of line"));
}

TEST(ParserTest, ReportsStatementStartingWithArrow) {
  EXPECT_TRUE(HasOneError("a :: Tee\n  -> b\n", 2, 3,
                          "expected a declaration (name :: Class), a connection (a -> b) or a "
                          "policy, found '->'"));
}

TEST(ParserTest, ReportsPolicyWithoutBrace) {
  EXPECT_TRUE(HasOneError("policy a queue: 5", 1, 10, "expected '{' after 'policy a', found 'queue'"));
}

TEST(ParserTest, ReportsPolicyWithoutElementName) {
  EXPECT_TRUE(HasOneError("policy { queue: 1 }", 1, 8, "expected an element name or '*' after 'policy', found '{'"));
}

TEST(ParserTest, ReportsStarOutsideAPolicy) {
  EXPECT_TRUE(HasOneError("a :: Tee\n* -> a\n", 2, 1,
                          "expected a declaration (name :: Class), a connection (a -> b) or a policy, found '*'"));
}

TEST(ParserTest, ReportsPolicyOfEveryElementWithoutBrace) {
  EXPECT_TRUE(HasOneError("policy * queue: 5", 1, 10, "expected '{' after 'policy *', found 'queue'"));
}

TEST(ParserTest, ReportsPolicyOfEveryElementInsideACompound) {
  EXPECT_TRUE(HasOneError("compound C {\n  a :: Tee\n  policy * { queue: 1 }\n}\n", 3, 10,
                          "'policy *' sets defaults for the whole topology: write it outside the compound"));
}

TEST(ParserTest, ReportsPolicyLeftOpenAtEndOfFile) {
  EXPECT_TRUE(HasOneError("policy a { queue: 5\n", 2, 1, "expected '}' to close the policy of 'a', found end of file"));
}

TEST(ParserTest, ReportsPolicyKeyWithoutValue) {
  EXPECT_TRUE(HasOneError("policy a { queue: }", 1, 19, "expected a value"));
}

TEST(ParserTest, ReportsPolicyValuesWithoutSeparator) {
  EXPECT_TRUE(HasOneError("policy a { queue: 1 batch: 2 }", 1, 21,
                          "expected ',', end of line or '}' after the value of 'queue', found 'batch'"));
}

TEST(ParserTest, ReportsDuplicateParameterAtTheSecond) {
  EXPECT_TRUE(HasOneError("a :: Seq(count: 1, count: 2)", 1, 20,
                          "duplicate parameter 'count' (first given at line 1, column 10)"));
}

TEST(ParserTest, ReportsDuplicatePolicyKeyAtTheSecond) {
  EXPECT_TRUE(HasOneError("policy a { queue: 1, queue: 2 }", 1, 22, "duplicate policy key 'queue'"));
}

TEST(ParserTest, ReportsIntegerOutOfRange) {
  EXPECT_TRUE(HasOneError("a :: Seq(count: 99999999999999999999)", 1, 17, "out of range"));
}

TEST(ParserTest, ReportsNumberWithUnitSuffix) {
  EXPECT_TRUE(HasOneError("a :: Seq(every: 10ms)", 1, 17, "invalid number '10ms'"));
}

TEST(ParserTest, ReportsPlacementWithoutNode) {
  EXPECT_TRUE(HasOneError("a :: Foo @\n", 1, 11, "expected a node name after '@', found end of line"));
}

TEST(ParserTest, ReportsJunkAfterParameters) {
  EXPECT_TRUE(HasOneError("a :: Foo(x: 1) extra", 1, 16,
                          "expected '@', ';' or end of line after the parameters of 'a', found 'extra'"));
}

TEST(ParserTest, ReportsJunkAfterClassName) {
  EXPECT_TRUE(
      HasOneError("a :: Foo)", 1, 9, "expected '(', '@', ';' or end of line after class name 'Foo', found ')'"));
}

TEST(ParserTest, ReportsJunkAfterPlacement) {
  EXPECT_TRUE(HasOneError("a :: Foo @ n1 extra", 1, 15,
                          "expected ';' or end of line after the placement of 'a', found 'extra'"));
}

TEST(ParserTest, ReportsListClosedByParenthesis) {
  EXPECT_TRUE(HasOneError("a :: Foo(xs: [1, 2)", 1, 19, "expected ',' or ']' in list, found ')'"));
}

TEST(ParserTest, ReportsMissingCommaBetweenParameters) {
  EXPECT_TRUE(
      HasOneError("a :: Foo(a: 1 b: 2)", 1, 15, "expected ',' or ')' after the value of parameter 'a', found 'b'"));
}

TEST(ParserTest, ReportsCommaNotFollowedByAChain) {
  EXPECT_TRUE(HasOneError("a -> b,\n", 1, 8, "expected an element name after ',', found end of line"));
}

}  // namespace
}  // namespace datablox::dsl
