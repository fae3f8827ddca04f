#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "dsl/parser_test_fixture.h"

namespace datablox::dsl {
namespace {

using namespace parser_testing;

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

TEST(ParserTest, PolicyOfEveryElementEndsABracketLeftOpen) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse("a :: Foo(x: 1,\npolicy * { queue: 3 }\n", kFile, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pos.line, 2);
  EXPECT_NE(errors[0].message.find("expected ')' after parameters"), std::string::npos);
  ASSERT_EQ(topology.policies.size(), 1u);
  EXPECT_EQ(topology.policies[0].element, "*");
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
