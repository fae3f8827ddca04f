#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "dsl/parser_test_fixture.h"

namespace datablox::dsl {
namespace {

using namespace parser_testing;

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

TEST(ParserTest, PolicyOfEveryElementIsNamedStar) {
  Topology topology = ParseOk("policy * { checkpoint: 500, queue: 8 }\npolicy src { queue: 2 }\n");
  ASSERT_EQ(topology.policies.size(), 2u);
  const Policy& every = topology.policies[0];
  EXPECT_EQ(every.element, kEveryElement);
  EXPECT_EQ(every.pos.line, 1);
  EXPECT_EQ(every.pos.column, 8);
  EXPECT_EQ(every.values.at("checkpoint").i, 500);
  EXPECT_EQ(every.values.at("queue").i, 8);
  EXPECT_EQ(every.value_pos.at("queue").column, 36);
  EXPECT_EQ(topology.policies[1].element, "src");
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

}  // namespace
}  // namespace datablox::dsl
