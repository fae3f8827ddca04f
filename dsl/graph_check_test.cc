#include "dsl/graph_check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dsl/loader.h"

namespace datablox::dsl {
namespace {

constexpr const char* kFile = "graph.topo";

// The graph rules' errors for a text that must parse.
std::vector<std::string> GraphErrors(const std::string& text) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse(text, kFile, &errors);
  for (const Diagnostic& error : errors) ADD_FAILURE() << "syntax: " << error.ToString();
  errors.clear();
  CheckHasElements(topology, &errors);
  CheckPushCycles(topology, &errors);
  std::vector<std::string> out;
  for (const Diagnostic& error : errors) out.push_back(error.ToString());
  return out;
}

TEST(GraphCheckTest, AnEmptyTopologyDeclaresNoElement) {
  const std::vector<std::string> want = {
      "graph.topo:1:1: error: no element declared (a topology needs at least one 'name :: Class')"};
  EXPECT_EQ(GraphErrors(""), want);
  EXPECT_EQ(GraphErrors("# only a comment\n\n"), want);
}

TEST(GraphCheckTest, ABrokenDeclarationIsNotAlsoReportedAsNoElement) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse("x :: (\n", kFile, &errors);
  ASSERT_FALSE(errors.empty());
  errors.clear();
  CheckHasElements(topology, &errors);
  EXPECT_TRUE(errors.empty());
}

TEST(GraphCheckTest, ASelfLoopIsACycleAtItsArrow) {
  const std::vector<std::string> want = {
      "graph.topo:2:3: error: push connections form a cycle (y -> y): END could never arrive, so it "
      "would never end; only query connections '=>' may form cycles"};
  EXPECT_EQ(GraphErrors("y :: Map\ny -> y\n"), want);
}

TEST(GraphCheckTest, ATwoElementCycleIsReportedAtTheEdgeThatClosesIt) {
  const std::vector<std::string> errors = GraphErrors("a :: Map\nb :: Map\na -> b -> a\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].substr(0, errors[0].find(": error:")), "graph.topo:3:8");
  EXPECT_NE(errors[0].find("(a -> b -> a)"), std::string::npos) << errors[0];
}

TEST(GraphCheckTest, ACycleBehindASourceNamesOnlyTheCycle) {
  const std::vector<std::string> errors =
      GraphErrors("s :: Seq\na :: Map\nb :: Map\nc :: Map\ns -> a -> b -> c\nc.out -> b.in\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("(b -> c -> b)"), std::string::npos) << errors[0];
  EXPECT_EQ(errors[0].substr(0, errors[0].find(": error:")), "graph.topo:6:7");
}

TEST(GraphCheckTest, QueryCyclesAndDiamondsAreFine) {
  EXPECT_TRUE(GraphErrors("a :: X\nb :: X\na.ask => b.query\nb.ask => a.query\n").empty());
  EXPECT_TRUE(GraphErrors("s :: X\na :: X\nb :: X\nj :: X\ns -> a -> j\ns -> b -> j\n").empty());
}

TEST(GraphCheckTest, ConnectionsToUndeclaredElementsAreLeftToTheChecker) {
  EXPECT_TRUE(GraphErrors("a :: X\na -> ghost -> a\n").empty());
}

TEST(GraphCheckTest, ALongChainIsWalkedWithoutRecursion) {
  std::string text;
  const int n = 100000;
  for (int i = 0; i < n; ++i) text += "e" + std::to_string(i) + " :: X\n";
  for (int i = 0; i + 1 < n; ++i) text += "e" + std::to_string(i) + " -> e" + std::to_string(i + 1) + "\n";
  EXPECT_TRUE(GraphErrors(text).empty());
  text += "e" + std::to_string(n - 1) + " -> e0\n";
  EXPECT_EQ(GraphErrors(text).size(), 1u);
}

}  // namespace
}  // namespace datablox::dsl
