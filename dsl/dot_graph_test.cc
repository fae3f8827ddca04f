// The DOT picture of a topology with a compound, a query link, a shard and
// a placement, against its golden text.
#include "dsl/checker_test_fixture.h"
#include "dsl/dot_graph.h"

namespace datablox::dsl {
namespace {

using namespace checker_testing;

TEST(DotGraphTest, CompoundQueryLinkShardAndPlacementMatchTheGolden) {
  Topology topology;
  const auto errors = CheckText(
      "compound Keep(test: string) {\n"
      "  f :: Filter(expr: $test)\n"
      "  input -> f -> output\n"
      "}\n"
      "src :: Sequence(count: 3) @ n1\n"
      "k :: Keep(test: \"true\")\n"
      "st :: Store()\n"
      "rep :: Report()\n"
      "src -> k -> st\n"
      "src -> rep\n"
      "rep.ask => st.query\n",
      &topology);
  EXPECT_TRUE(errors.empty()) << AllText(errors);
  EXPECT_EQ(TopologyDot(topology),
            "digraph \"check.topo\" {\n"
            "  rankdir=LR;\n"
            "  node [shape=box];\n"
            "  \"src\" [label=\"src\\nSequence\\n@ n1\", style=filled, fillcolor=\"#cfe2f3\"];\n"
            "  \"st\" [label=\"st\\nStore\"];\n"
            "  \"rep\" [label=\"rep\\nReport\"];\n"
            "  subgraph \"cluster_k\" {\n"
            "    label=\"k\";\n"
            "    \"k/f\" [label=\"k/f\\nFilter\"];\n"
            "  }\n"
            "  \"src\" -> \"k/f\" [taillabel=\"out\", headlabel=\"in\"];\n"
            "  \"k/f\" -> \"st\" [taillabel=\"out\", headlabel=\"in\"];\n"
            "  \"src\" -> \"rep\" [taillabel=\"out\", headlabel=\"in\"];\n"
            "  \"rep\" -> \"st\" [taillabel=\"ask\", headlabel=\"query\", style=dashed, arrowhead=odot];\n"
            "}\n");
}

TEST(DotGraphTest, AShardIsABox3dWithItsMembers) {
  Topology topology;
  const auto errors = CheckText("w :: shard Map(set: \"n = 1\") { members: 2..4 }\n", &topology);
  (void)errors;
  EXPECT_NE(TopologyDot(topology).find("\"w\" [label=\"w\\nshard Map [2..4]\", shape=box3d];"), std::string::npos)
      << TopologyDot(topology);
}

}  // namespace
}  // namespace datablox::dsl
