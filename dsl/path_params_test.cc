#include "dsl/path_params.h"

#include <gtest/gtest.h>

#include "dsl/loader.h"

namespace datablox::dsl {
namespace {

Topology Parsed(const std::string& text) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse(text, "t.topo", &errors);
  EXPECT_TRUE(errors.empty());
  return topology;
}

TEST(PathParamsTest, PathParametersAreKnownByName) {
  EXPECT_TRUE(IsPathParameter("path"));
  EXPECT_TRUE(IsPathParameter("db_path"));
  EXPECT_TRUE(IsPathParameter("model_file"));
  EXPECT_TRUE(IsPathParameter("out_dir"));
  EXPECT_FALSE(IsPathParameter("expr"));
  EXPECT_FALSE(IsPathParameter("paths"));
  EXPECT_FALSE(IsPathParameter("table"));
}

TEST(PathParamsTest, RelativePathParametersAreMadeAbsolute) {
  Topology t = Parsed(
      "src :: JsonLinesSource(path: 'in/logs.jsonl')\n"
      "out :: Store(path: \"../db.sqlite\", log_file: './a.log', table: \"t\")\n"
      "src -> out\n");
  AbsolutePaths expected = {{"src", {{"path", "/home/u/work/in/logs.jsonl"}}},
                            {"out", {{"path", "/home/u/db.sqlite"}, {"log_file", "/home/u/work/a.log"}}}};
  EXPECT_EQ(AbsolutePathParameters(t, "/home/u/work"), expected);
}

TEST(PathParamsTest, AbsolutePathsAndOtherParametersAreLeftAlone) {
  Topology t = Parsed(
      "a :: JsonLinesSink(path: \"/data/x.jsonl\")\n"
      "b :: Filter(expr: \"seq > 1\")\n"
      "c :: Sink(path: 3)\n"
      "d :: Sink(path: \"\")\n");
  EXPECT_TRUE(AbsolutePathParameters(t, "/w").empty());
}

TEST(PathParamsTest, ApplyingSetsTheListedPathsAndKeepsPositions) {
  Topology t = Parsed("out :: JsonLinesSink(path: \"out.jsonl\")\n");
  const SourcePos before = t.elements[0].param_pos.at("path");
  ApplyAbsolutePaths(AbsolutePathParameters(t, "/w"), &t);
  EXPECT_EQ(t.elements[0].params.at("path").s, "/w/out.jsonl");
  EXPECT_EQ(t.elements[0].param_pos.at("path").column, before.column);
}

TEST(PathParamsTest, ApplyingIgnoresEntriesThatAreNotPathStringsOfTheTopology) {
  Topology t = Parsed("f :: Filter(expr: \"seq > 1\")\nc :: Sink(path: 3)\n");
  ApplyAbsolutePaths(
      {{"f", {{"expr", "/etc/passwd"}, {"path", "/x"}}}, {"c", {{"path", "/y"}}}, {"ghost", {{"path", "/z"}}}}, &t);
  EXPECT_EQ(t.elements[0].params.at("expr").s, "seq > 1");
  EXPECT_EQ(t.elements[0].params.count("path"), 0u);
  EXPECT_EQ(t.elements[1].params.at("path").kind, ParamValue::Kind::kInt);
  EXPECT_EQ(t.elements.size(), 2u);
}

}  // namespace
}  // namespace datablox::dsl
