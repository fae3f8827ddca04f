// The loader: files in, diagnostics out.
#include <unistd.h>

#include <cstdio>
#include <string_view>

#include "dsl/checker_test_fixture.h"

namespace datablox::dsl {
namespace {

using namespace checker_testing;

std::string WriteTempFile(const std::string& text) {
  char path[] = "/tmp/dsl_checker_test_XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  return path;
}

TEST(LoaderTest, UnreadableFileIsOneDiagnosticAtLineZero) {
  std::vector<Diagnostic> errors;
  LoadFile("/nonexistent/dir/x.topo", Options(), &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pos.line, 0);
  EXPECT_EQ(errors[0].pos.column, 0);
  EXPECT_EQ(errors[0].ToString(),
            "/nonexistent/dir/x.topo:0:0: error: cannot read /nonexistent/dir/x.topo: No such "
            "file or directory");
}

TEST(LoaderTest, DiagnosticPrintsFileLineColumnAndMessage) {
  Diagnostic diagnostic{SourcePos{"a.topo", 3, 7}, "unknown class 'X'"};
  EXPECT_EQ(diagnostic.ToString(), "a.topo:3:7: error: unknown class 'X'");
}

TEST(LoaderTest, LoadsAndChecksAGoodFile) {
  const std::string path = WriteTempFile("src :: Sequence(count: 3)\nout :: Sink(path: \"x\")\nsrc -> out\n");
  std::vector<Diagnostic> errors;
  Topology topology = LoadFile(path, Options(), &errors);
  std::remove(path.c_str());
  EXPECT_TRUE(errors.empty()) << AllText(errors);
  EXPECT_EQ(topology.file, path);
  ASSERT_NE(topology.find("out"), nullptr);
  EXPECT_EQ(topology.find("out")->class_name, "Sink");
  EXPECT_EQ(topology.find("missing"), nullptr);
  ASSERT_EQ(topology.connections.size(), 1u);
  EXPECT_EQ(topology.connections[0].to.port, "in");
}

TEST(LoaderTest, ReportsSyntaxAndCheckErrorsTogetherWithoutEchoes) {
  const std::string path = WriteTempFile(
      "src :: Sequence(count: 3\n"         // 1: syntax error (reported at line 2)
      "keep :: Filter(expr: \"seq >\")\n"  // 2: bad expression
      "out :: Snk(path: \"x\")\n"          // 3: unknown class
      "src -> keep -> out\n");
  std::vector<Diagnostic> errors;
  LoadFile(path, Options(), &errors);
  std::remove(path.c_str());
  // `src` did not parse: the connection from it must not add
  // "undeclared element 'src'" to the syntax error.
  ASSERT_EQ(errors.size(), 3u) << AllText(errors);
  EXPECT_EQ(errors[0].pos.file, path);
  EXPECT_EQ(errors[0].pos.line, 2);
  EXPECT_EQ(errors[0].pos.column, 1);
  EXPECT_NE(errors[0].message.find("expected ')' after parameters, found 'keep'"), std::string::npos);
  EXPECT_EQ(errors[1].pos.line, 2);
  EXPECT_NE(errors[1].message.find("invalid expression"), std::string::npos);
  EXPECT_EQ(errors[2].pos.line, 3);
  EXPECT_NE(errors[2].message.find("unknown class 'Snk'; did you mean 'Sink'?"), std::string::npos);
}

TEST(LoaderTest, PolicyKeysAreTransportRestartAndCheckpointKeys) {
  std::vector<std::string> names;
  for (const PolicyKey& key : PolicyKeys()) names.push_back(key.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"queue", "batch", "restart", "restart_limit", "backoff_ms", "checkpoint"}));
  EXPECT_EQ(PolicyKeys()[0].kind, ParamValue::Kind::kInt);
  EXPECT_EQ(PolicyKeys()[2].kind, ParamValue::Kind::kString);
  // Only checkpoint belongs to the whole topology rather than to an element.
  for (const PolicyKey& key : PolicyKeys()) {
    EXPECT_EQ(key.whole_topology, std::string_view(key.name) == "checkpoint") << key.name;
  }
  EXPECT_EQ(PolicyKeys()[5].min, 50);
}

}  // namespace
}  // namespace datablox::dsl
