// What keeps a hostile or broken topology file from crashing its reader
// (dsl/limits.h): list nesting, file size, UTF-8.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "dsl/limits.h"
#include "dsl/loader.h"

namespace datablox::dsl {
namespace {

constexpr const char* kFile = "limits.topo";

// "x :: Sink(fields: [[...[1]...]])" with `depth` nested lists.
std::string NestedListTopology(int depth) {
  return "x :: Sink(fields: " + std::string(static_cast<size_t>(depth), '[') + "1" +
         std::string(static_cast<size_t>(depth), ']') + ")\n";
}

std::vector<Diagnostic> ParseErrors(const std::string& text) {
  std::vector<Diagnostic> errors;
  Parse(text, kFile, &errors);
  return errors;
}

TEST(InputLimitsTest, ListNested30000DeepIsAnErrorNotAStackOverflow) {
  const std::vector<Diagnostic> errors = ParseErrors(NestedListTopology(30000));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(),
            "limits.topo:1:83: error: list nested more than 64 levels deep");  // at the 65th '['
}

TEST(InputLimitsTest, ListNestedToTheLimitParses) {
  EXPECT_TRUE(ParseErrors(NestedListTopology(kMaxListNesting)).empty());
  EXPECT_EQ(ParseErrors(NestedListTopology(kMaxListNesting + 1)).size(), 1u);
}

TEST(InputLimitsTest, TheNextStatementIsStillParsedAfterATooDeepList) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse(NestedListTopology(1000) + "y :: Sink(path: \"p\")\n", kFile, &errors);
  EXPECT_EQ(errors.size(), 1u);
  ASSERT_EQ(topology.elements.size(), 1u);
  EXPECT_EQ(topology.elements[0].name, "y");
}

TEST(InputLimitsTest, InvalidUtf8InAStringIsAnErrorAtTheString) {
  const std::vector<Diagnostic> errors = ParseErrors(
      "x :: Sink(path: \"a\xff"
      "b\")\ny :: Sink\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(), "limits.topo:1:17: error: string is not valid UTF-8 (a topology file is UTF-8 text)");
}

TEST(InputLimitsTest, InvalidUtf8InACommentIsAnErrorAtTheComment) {
  const std::vector<Diagnostic> errors = ParseErrors("x :: Sink  # caf\xe9\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(),
            "limits.topo:1:12: error: comment is not valid UTF-8 (a topology file is UTF-8 text)");
}

TEST(InputLimitsTest, ValidUtf8IsKept) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse("x :: Sink(path: \"caf\xc3\xa9\")  # \xe2\x9c\x93\n", kFile, &errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(topology.elements.size(), 1u);
  EXPECT_EQ(topology.elements[0].params.at("path").s, "caf\xc3\xa9");
}

TEST(InputLimitsTest, TextOverTheSizeLimitIsOneError) {
  const std::vector<Diagnostic> errors = ParseErrors(std::string(kMaxTopologyBytes + 1, ' '));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("larger than 16 MiB"), std::string::npos) << errors[0].message;
}

// A temporary file, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/datablox-limits-XXXXXX";
    const int fd = ::mkstemp(name);
    path_ = name;
    if (fd >= 0) {
      EXPECT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
      ::close(fd);
    }
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(InputLimitsTest, ReadingStopsOnePastTheLimitAndSaysWhere) {
  std::string text = "# one line\n" + std::string(kMaxTopologyBytes, ' ');
  TempFile file(text);
  std::string read;
  std::vector<Diagnostic> errors;
  EXPECT_FALSE(ReadTopologyFile(file.path(), &read, &errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(), file.path() + ":2:" + std::to_string(kMaxTopologyBytes - 11 + 1) +
                                      ": error: file is larger than 16 MiB (the limit for a topology file)");
}

TEST(InputLimitsTest, AFileAtTheLimitIsRead) {
  TempFile file(std::string(kMaxTopologyBytes, '\n'));
  std::string read;
  std::vector<Diagnostic> errors;
  EXPECT_TRUE(ReadTopologyFile(file.path(), &read, &errors));
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(read.size(), kMaxTopologyBytes);
}

TEST(InputLimitsTest, DevZeroIsRefusedWithoutReadingItAll) {
  std::string read;
  std::vector<Diagnostic> errors;
  EXPECT_FALSE(ReadTopologyFile("/dev/zero", &read, &errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(),
            "/dev/zero:1:16777217: error: file is larger than 16 MiB (the limit for a "
            "topology file)");
}

}  // namespace
}  // namespace datablox::dsl
