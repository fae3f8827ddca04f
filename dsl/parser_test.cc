#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "dsl/loader.h"

namespace datablox::dsl {
namespace {

constexpr const char* kFile = "test.topo";

Topology ParseOk(std::string_view text) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse(text, kFile, &errors);
  for (const Diagnostic& error : errors) ADD_FAILURE() << "unexpected: " << error.ToString();
  return topology;
}

std::vector<Diagnostic> ParseErrors(std::string_view text) {
  std::vector<Diagnostic> errors;
  Parse(text, kFile, &errors);
  return errors;
}

// Exactly one syntax error, at line:column, whose message holds `expected`.
::testing::AssertionResult HasOneError(std::string_view text, int line, int column, std::string_view expected) {
  const std::vector<Diagnostic> errors = ParseErrors(text);
  std::string all;
  for (const Diagnostic& error : errors) all += "\n  " + error.ToString();
  if (errors.size() != 1) {
    return ::testing::AssertionFailure() << "wanted 1 error, got " << errors.size() << ":" << all;
  }
  const Diagnostic& error = errors.front();
  if (error.pos.line != line || error.pos.column != column || error.message.find(expected) == std::string::npos ||
      error.pos.file != kFile) {
    return ::testing::AssertionFailure() << "wanted " << kFile << ":" << line << ":" << column << " with \"" << expected
                                         << "\", got:" << all;
  }
  return ::testing::AssertionSuccess();
}

// --- good forms ---------------------------------------------------------------

TEST(ParserTest, ParsesDeclarationWithEveryValueKind) {
  Topology topology = ParseOk(
      "src :: Sequence(count: 1000, rate: 2.5, neg: -7, negf: -0.5, big: 1e3,\n"
      "                name: \"a\\\"b\\\\c\\nd\\te\", on: true, off: false,\n"
      "                xs: [1, \"a\", 2.5, [true]], none: [])\n");
  ASSERT_EQ(topology.elements.size(), 1u);
  const ElementDecl& decl = topology.elements[0];
  EXPECT_EQ(decl.name, "src");
  EXPECT_EQ(decl.class_name, "Sequence");
  EXPECT_TRUE(decl.node.empty());
  ASSERT_EQ(decl.params.size(), 10u);
  EXPECT_EQ(decl.params.at("count").kind, ParamValue::Kind::kInt);
  EXPECT_EQ(decl.params.at("count").i, 1000);
  EXPECT_EQ(decl.params.at("rate").kind, ParamValue::Kind::kFloat);
  EXPECT_DOUBLE_EQ(decl.params.at("rate").f, 2.5);
  EXPECT_EQ(decl.params.at("neg").i, -7);
  EXPECT_DOUBLE_EQ(decl.params.at("negf").f, -0.5);
  EXPECT_EQ(decl.params.at("big").kind, ParamValue::Kind::kFloat);
  EXPECT_DOUBLE_EQ(decl.params.at("big").f, 1000.0);
  EXPECT_EQ(decl.params.at("name").kind, ParamValue::Kind::kString);
  EXPECT_EQ(decl.params.at("name").s, "a\"b\\c\nd\te");
  EXPECT_EQ(decl.params.at("on").kind, ParamValue::Kind::kBool);
  EXPECT_TRUE(decl.params.at("on").b);
  EXPECT_FALSE(decl.params.at("off").b);
  const ParamValue& xs = decl.params.at("xs");
  ASSERT_EQ(xs.kind, ParamValue::Kind::kList);
  ASSERT_EQ(xs.list.size(), 4u);
  EXPECT_EQ(xs.list[0].i, 1);
  EXPECT_EQ(xs.list[1].s, "a");
  EXPECT_DOUBLE_EQ(xs.list[2].f, 2.5);
  ASSERT_EQ(xs.list[3].kind, ParamValue::Kind::kList);
  EXPECT_TRUE(xs.list[3].list.at(0).b);
  EXPECT_EQ(decl.params.at("none").kind, ParamValue::Kind::kList);
  EXPECT_TRUE(decl.params.at("none").list.empty());
}

TEST(ParserTest, SingleQuotedStringsKeepDoubleQuotesAsIs) {
  Topology topology = ParseOk("a :: Ask(request: '{\"sql\": \"SELECT 1\"}', note: 'it\\'s')\n");
  ASSERT_EQ(topology.elements.size(), 1u);
  EXPECT_EQ(topology.elements[0].params.at("request").s, "{\"sql\": \"SELECT 1\"}");
  EXPECT_EQ(topology.elements[0].params.at("note").s, "it's");
}

TEST(ParserTest, UnterminatedSingleQuotedStringIsReportedAtItsQuote) {
  EXPECT_TRUE(HasOneError("a :: Seq(p: 'abc)\n", 1, 13, "unterminated string"));
}

TEST(ParserTest, RecordsPositionsOfNamesClassesValuesAndNodes) {
  Topology topology = ParseOk("# header\nkeep :: Filter(expr: \"seq % 2 == 0\") @ local\n");
  ASSERT_EQ(topology.elements.size(), 1u);
  const ElementDecl& decl = topology.elements[0];
  EXPECT_EQ(topology.file, kFile);
  EXPECT_EQ(decl.pos.file, kFile);
  EXPECT_EQ(decl.pos.line, 2);
  EXPECT_EQ(decl.pos.column, 1);
  EXPECT_EQ(decl.class_pos.line, 2);
  EXPECT_EQ(decl.class_pos.column, 9);
  EXPECT_EQ(decl.param_name_pos.at("expr").column, 16);
  EXPECT_EQ(decl.param_pos.at("expr").column, 22);  // the opening quote
  EXPECT_EQ(decl.node, "local");
  EXPECT_EQ(decl.node_pos.line, 2);
  EXPECT_EQ(decl.node_pos.column, 40);
}

TEST(ParserTest, ClassWithoutParenthesesAndWithEmptyOnesHaveNoParams) {
  Topology topology = ParseOk("a :: Tee\nb :: Tee()\nc :: Tee(\n)\n");
  ASSERT_EQ(topology.elements.size(), 3u);
  for (const ElementDecl& decl : topology.elements) {
    EXPECT_EQ(decl.class_name, "Tee");
    EXPECT_TRUE(decl.params.empty());
  }
}

TEST(ParserTest, PythonClassNameIsOneToken) {
  Topology topology = ParseOk("scorer :: py:models.fraud.Scorer(threshold: 0.9)\n");
  ASSERT_EQ(topology.elements.size(), 1u);
  EXPECT_EQ(topology.elements[0].class_name, "py:models.fraud.Scorer");
  EXPECT_DOUBLE_EQ(topology.elements[0].params.at("threshold").f, 0.9);
}

TEST(ParserTest, NodeNamesMayHoldDashesAndDots) {
  Topology topology = ParseOk("a :: Tee @ node-2.lab\n");
  ASSERT_EQ(topology.elements.size(), 1u);
  EXPECT_EQ(topology.elements[0].node, "node-2.lab");
}

TEST(ParserTest, ParametersMaySpanLinesWithTrailingComma) {
  Topology topology = ParseOk(
      "src :: Sequence(\n"
      "  count: 5,   # how many\n"
      "  start: 1,\n"
      ")\n"
      "other :: Tee\n");
  ASSERT_EQ(topology.elements.size(), 2u);
  EXPECT_EQ(topology.elements[0].params.at("count").i, 5);
  EXPECT_EQ(topology.elements[0].params.at("start").i, 1);
  EXPECT_EQ(topology.elements[0].param_pos.at("start").line, 3);
  EXPECT_EQ(topology.elements[1].name, "other");
}

TEST(ParserTest, ChainExpandsIntoOneConnectionPerHop) {
  Topology topology = ParseOk("src -> keep -> out\n");
  ASSERT_EQ(topology.connections.size(), 2u);
  const Connection& first = topology.connections[0];
  const Connection& second = topology.connections[1];
  EXPECT_EQ(first.kind, PortKind::kPush);
  EXPECT_EQ(first.from.element, "src");
  EXPECT_EQ(first.to.element, "keep");
  EXPECT_FALSE(first.from.port_given);
  EXPECT_FALSE(first.to.port_given);
  EXPECT_TRUE(first.from.port.empty());
  EXPECT_EQ(first.pos.column, 5);  // the arrow
  EXPECT_EQ(second.from.element, "keep");
  EXPECT_EQ(second.to.element, "out");
  EXPECT_EQ(second.pos.column, 13);
  EXPECT_EQ(second.to.pos.column, 16);
}

TEST(ParserTest, NamedPortsKeepTheirNamesAndPositions) {
  Topology topology = ParseOk("keep.out -> audit.in\n");
  ASSERT_EQ(topology.connections.size(), 1u);
  const Connection& connection = topology.connections[0];
  EXPECT_EQ(connection.from.element, "keep");
  EXPECT_EQ(connection.from.port, "out");
  EXPECT_TRUE(connection.from.port_given);
  EXPECT_EQ(connection.from.port_pos.column, 6);
  EXPECT_EQ(connection.to.element, "audit");
  EXPECT_EQ(connection.to.port, "in");
  EXPECT_EQ(connection.to.pos.column, 13);
  EXPECT_EQ(connection.to.port_pos.column, 19);
}

TEST(ParserTest, CommaJoinsChainsThatMixNamedAndDefaultPorts) {
  Topology topology = ParseOk("a -> b.in2, b.out3 -> c\n");
  ASSERT_EQ(topology.connections.size(), 2u);
  EXPECT_EQ(topology.connections[0].from.element, "a");
  EXPECT_FALSE(topology.connections[0].from.port_given);
  EXPECT_EQ(topology.connections[0].to.port, "in2");
  EXPECT_EQ(topology.connections[1].from.port, "out3");
  EXPECT_EQ(topology.connections[1].to.element, "c");
  EXPECT_FALSE(topology.connections[1].to.port_given);
}

TEST(ParserTest, DoubleArrowIsAQueryConnection) {
  Topology topology = ParseOk("report.ask => store.query\nreport => store\n");
  ASSERT_EQ(topology.connections.size(), 2u);
  EXPECT_EQ(topology.connections[0].kind, PortKind::kQuery);
  EXPECT_EQ(topology.connections[0].from.port, "ask");
  EXPECT_EQ(topology.connections[0].to.port, "query");
  EXPECT_EQ(topology.connections[1].kind, PortKind::kQuery);
  EXPECT_FALSE(topology.connections[1].to.port_given);
}

TEST(ParserTest, PolicyKeysSeparatedByCommasOrNewlines) {
  Topology topology = ParseOk(
      "policy src { queue: 64, batch: 100 }\n"
      "policy out {\n"
      "  queue: 8\n"
      "  batch: 2,\n"
      "}\n");
  ASSERT_EQ(topology.policies.size(), 2u);
  const Policy& first = topology.policies[0];
  EXPECT_EQ(first.element, "src");
  EXPECT_EQ(first.pos.column, 8);
  EXPECT_EQ(first.values.at("queue").i, 64);
  EXPECT_EQ(first.values.at("batch").i, 100);
  EXPECT_EQ(first.key_pos.at("batch").column, 25);
  EXPECT_EQ(first.value_pos.at("batch").column, 32);
  const Policy& second = topology.policies[1];
  EXPECT_EQ(second.element, "out");
  EXPECT_EQ(second.values.at("queue").i, 8);
  EXPECT_EQ(second.values.at("batch").i, 2);
  EXPECT_EQ(second.value_pos.at("batch").line, 4);
}

TEST(ParserTest, ElementMayBeNamedPolicy) {
  Topology topology = ParseOk("policy :: Tee\npolicy -> x\n");
  ASSERT_EQ(topology.elements.size(), 1u);
  EXPECT_EQ(topology.elements[0].name, "policy");
  ASSERT_EQ(topology.connections.size(), 1u);
  EXPECT_EQ(topology.connections[0].from.element, "policy");
}

TEST(ParserTest, CommentsAndSemicolonsSeparateStatements) {
  Topology topology = ParseOk(
      "# a whole-line comment\n"
      "a :: Tee; b :: Tee   # after a statement\n"
      "\n"
      "a -> b; policy a { queue: 1 };\n"
      "   # indented comment -> not code\n");
  ASSERT_EQ(topology.elements.size(), 2u);
  EXPECT_EQ(topology.elements[1].name, "b");
  EXPECT_EQ(topology.elements[1].pos.column, 11);
  ASSERT_EQ(topology.connections.size(), 1u);
  ASSERT_EQ(topology.policies.size(), 1u);
  EXPECT_EQ(topology.policies[0].pos.line, 4);
}

TEST(ParserTest, WindowsLineEndingsAreAccepted) {
  Topology topology = ParseOk("a :: Tee\r\nb :: Tee\r\na -> b\r\n");
  EXPECT_EQ(topology.elements.size(), 2u);
  EXPECT_EQ(topology.connections.size(), 1u);
}

TEST(ParserTest, EmptyTextGivesAnEmptyTopology) {
  Topology topology = ParseOk("\n  # nothing here\n\n");
  EXPECT_TRUE(topology.elements.empty());
  EXPECT_TRUE(topology.connections.empty());
  EXPECT_TRUE(topology.policies.empty());
}

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
  EXPECT_TRUE(HasOneError("policy { queue: 1 }", 1, 8, "expected an element name after 'policy', found '{'"));
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

// --- recovery ------------------------------------------------------------------

TEST(ParserTest, ReportsEveryErrorOfTheFileInOneRun) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse(
      "src :: Sequence(count: 10)\n"
      "keep :: Filter(expr \"x\")\n"
      "out :: Sink\n"
      "src -> -> keep\n"
      "policy src { queue: 4 }\n"
      "policy keep queue: 4\n"
      "keep -> out\n",
      kFile, &errors);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].pos.line, 2);
  EXPECT_EQ(errors[0].pos.column, 21);
  EXPECT_NE(errors[0].message.find("expected ':'"), std::string::npos);
  EXPECT_EQ(errors[1].pos.line, 4);
  EXPECT_EQ(errors[1].pos.column, 8);
  EXPECT_NE(errors[1].message.find("expected an element name after '->'"), std::string::npos);
  EXPECT_EQ(errors[2].pos.line, 6);
  EXPECT_EQ(errors[2].pos.column, 13);
  EXPECT_NE(errors[2].message.find("expected '{'"), std::string::npos);
  // The good statements between the broken ones are all there.
  ASSERT_EQ(topology.elements.size(), 2u);
  EXPECT_EQ(topology.elements[0].name, "src");
  EXPECT_EQ(topology.elements[1].name, "out");
  ASSERT_EQ(topology.connections.size(), 1u);
  EXPECT_EQ(topology.connections[0].from.element, "keep");
  EXPECT_EQ(topology.policies.size(), 1u);
}

TEST(ParserTest, ErrorInsideMultiLineParametersSkipsToTheirEnd) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse(
      "a :: Foo(x: 1,\n"
      "  y: @,\n"
      "  z: 3)\n"
      "b :: Bar\n",
      kFile, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pos.line, 2);
  EXPECT_EQ(errors[0].pos.column, 6);
  ASSERT_EQ(topology.elements.size(), 1u);
  EXPECT_EQ(topology.elements[0].name, "b");
}

TEST(ParserTest, UnterminatedStringDoesNotSwallowTheNextLine) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse("a :: Seq(path: \"x)\nb :: Tee\n", kFile, &errors);
  ASSERT_EQ(errors.size(), 1u);
  ASSERT_EQ(topology.elements.size(), 1u);
  EXPECT_EQ(topology.elements[0].name, "b");
}

TEST(ParserTest, BrokenStatementAddsNothingButRemembersItsNames) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse("src :: Seq(count: )\na -> b c\n", kFile, &errors);
  EXPECT_EQ(errors.size(), 2u);
  EXPECT_TRUE(topology.elements.empty());
  EXPECT_TRUE(topology.connections.empty());
  EXPECT_TRUE(topology.names_in_broken_statements.count("src"));
  EXPECT_TRUE(topology.names_in_broken_statements.count("b"));
  EXPECT_TRUE(topology.names_in_broken_statements.count("c"));
}

}  // namespace
}  // namespace datablox::dsl
