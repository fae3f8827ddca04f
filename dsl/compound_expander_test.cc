// Compounds: uses expanded to ordinary elements named use/inner, their
// parameters filled in, their ports rewired, their errors naming the use.
#include "dsl/checker_test_fixture.h"

namespace datablox::dsl {
namespace {

using namespace checker_testing;

constexpr const char* kKeep =
    "compound Keep(expr: string, to: string = \"kept.jsonl\") {\n"  // 1
    "  filter :: Filter(expr: $expr)\n"                             // 2
    "  sink :: Sink(path: $to)\n"                                   // 3
    "  input -> filter -> sink\n"                                   // 4
    "}\n";                                                          // 5

std::vector<Diagnostic> ParseAndCheck(const std::string& text, Topology* out) {
  std::vector<Diagnostic> errors;
  *out = Parse(text, kFile, &errors);
  Check(*out, Options(), &errors);
  return errors;
}

TEST(CompoundExpanderTest, UsesBecomeElementsNamedUseSlashInnerWithTheirParameters) {
  Topology topology;
  const auto errors = ParseAndCheck(std::string(kKeep) +
                                        "src :: Sequence(count: 3) @ n1\n"
                                        "low :: Keep(expr: \"seq < 2\") @ n1\n"
                                        "high :: Keep(expr: \"seq >= 2\", to: \"high.jsonl\")\n"
                                        "src -> low\n"
                                        "src -> high\n",
                                    &topology);
  EXPECT_TRUE(errors.empty()) << AllText(errors);
  std::vector<std::string> names;
  for (const ElementDecl& decl : topology.elements) names.push_back(decl.name);
  EXPECT_EQ(names, (std::vector<std::string>{"src", "low/filter", "low/sink", "high/filter", "high/sink"}));
  EXPECT_EQ(topology.find("low/filter")->params.at("expr").s, "seq < 2");
  EXPECT_EQ(topology.find("low/sink")->params.at("path").s, "kept.jsonl");
  EXPECT_EQ(topology.find("high/sink")->params.at("path").s, "high.jsonl");
  EXPECT_EQ(topology.find("low/sink")->node, "n1");  // the use's placement holds inside
  EXPECT_EQ(topology.find("high/sink")->node, "");
  std::vector<std::string> links;
  for (const Connection& c : topology.connections) links.push_back(c.from.element + "->" + c.to.element);
  EXPECT_EQ(links, (std::vector<std::string>{"low/filter->low/sink", "high/filter->high/sink", "src->low/filter",
                                             "src->high/filter"}));
}

TEST(CompoundExpanderTest, CompoundsNestAndOutputsRewire) {
  Topology topology;
  const auto errors = ParseAndCheck(
      "compound Pass(expr: string) {\n"
      "  f :: Filter(expr: $expr)\n"
      "  input -> f -> output\n"
      "}\n"
      "compound Twice(expr: string) {\n"
      "  a :: Pass(expr: $expr)\n"
      "  b :: Pass(expr: \"true\")\n"
      "  input -> a -> b -> output\n"
      "}\n"
      "src :: Sequence(count: 3)\n"
      "t :: Twice(expr: \"seq > 0\")\n"
      "out :: Sink(path: \"x\")\n"
      "src -> t -> out\n",
      &topology);
  EXPECT_TRUE(errors.empty()) << AllText(errors);
  std::vector<std::string> links;
  for (const Connection& c : topology.connections) links.push_back(c.from.element + "->" + c.to.element);
  EXPECT_EQ(links, (std::vector<std::string>{"t/a/f->t/b/f", "src->t/a/f", "t/b/f->out"}));
  EXPECT_EQ(topology.find("t/a/f")->params.at("expr").s, "seq > 0");
}

TEST(CompoundExpanderTest, ErrorInsideABodyNamesTheLineAndTheUse) {
  Topology topology;
  const auto errors = ParseAndCheck(
      "compound Bad() {\n"
      "  f :: Filter(exp: \"true\")\n"
      "  input -> f\n"
      "}\n"
      "src :: Sequence(count: 3)\n"
      "b :: Bad()\n"
      "src -> b\n",
      &topology);
  ASSERT_FALSE(errors.empty());
  bool found = false;
  for (const Diagnostic& error : errors) {
    if (error.ToString().find("check.topo:2:15: error: ") == 0 &&
        error.ToString().find("(in 'b', a use of compound Bad at check.topo:6:1)") != std::string::npos) {
      found = true;
    }
  }
  EXPECT_TRUE(found) << AllText(errors);
}

TEST(CompoundExpanderTest, UnknownParameterIsAnErrorWithASuggestion) {
  Topology topology;
  const auto errors = ParseAndCheck(std::string(kKeep) + "k :: Keep(exprr: \"true\")\n", &topology);
  ASSERT_GE(errors.size(), 1u);
  EXPECT_TRUE(IsError(errors[0], 6, 11, "compound 'Keep' has no parameter 'exprr'; did you mean 'expr'?"));
}

TEST(CompoundExpanderTest, MissingAndMistypedParametersAreErrors) {
  Topology topology;
  auto errors = ParseAndCheck(std::string(kKeep) + "k :: Keep()\n", &topology);
  ASSERT_GE(errors.size(), 1u);
  EXPECT_TRUE(IsError(errors[0], 6, 1, "'k' does not give parameter 'expr' of compound 'Keep'"));
  errors = ParseAndCheck(std::string(kKeep) + "k :: Keep(expr: 3)\n", &topology);
  ASSERT_GE(errors.size(), 1u);
  EXPECT_TRUE(IsError(errors[0], 6, 17, "parameter 'expr' of compound 'Keep' is string, found int 3"));
}

TEST(CompoundExpanderTest, RecursionIsAnErrorWithTheChain) {
  Topology topology;
  const auto errors = ParseAndCheck(
      "compound A() {\n"
      "  b :: B()\n"
      "}\n"
      "compound B() {\n"
      "  a :: A()\n"
      "}\n"
      "x :: A()\n",
      &topology);
  ASSERT_GE(errors.size(), 1u);
  EXPECT_TRUE(IsError(errors[0], 5, 8, "compound 'A' uses itself: A -> B -> A")) << AllText(errors);
  EXPECT_NE(errors[0].ToString().find("(in 'x/b', a use of compound B at check.topo:2:3) (in 'x', a use of compound A "
                                      "at check.topo:7:1)"),
            std::string::npos);
}

TEST(CompoundExpanderTest, ParamRefOutsideACompoundIsASyntaxError) {
  std::vector<Diagnostic> errors;
  Parse("f :: Filter(expr: $x)\n", kFile, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(IsError(errors[0], 1, 19, "'$x' outside a compound's body"));
}

TEST(CompoundExpanderTest, AnUnknownOutputPortIsAnError) {
  Topology topology;
  const auto errors = ParseAndCheck(std::string(kKeep) +
                                        "src :: Sequence(count: 3)\n"
                                        "k :: Keep(expr: \"true\")\n"
                                        "src -> k.inn\n",
                                    &topology);
  ASSERT_GE(errors.size(), 1u);
  EXPECT_TRUE(IsError(errors[0], 8, 10, "compound 'Keep' has no input 'inn'; did you mean 'in'?")) << AllText(errors);
}

}  // namespace
}  // namespace datablox::dsl
