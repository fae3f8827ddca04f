#include "tools/submission.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace datablox::cli {
namespace {

std::string WorkingDirectory() {
  char cwd[4096];
  return ::getcwd(cwd, sizeof cwd) ? cwd : "";
}

TEST(SubmissionTest, TheFileAndItsFolderAreAbsoluteWithNoEmptySearchPathEntry) {
  Submission s;
  ASSERT_TRUE(PrepareSubmission("flow.topo", "x :: Null\n", &s).ok());
  EXPECT_EQ(s.file, WorkingDirectory() + "/flow.topo");
  ASSERT_FALSE(s.search_path.empty());
  for (const std::string& folder : s.search_path) {
    EXPECT_FALSE(folder.empty());
    EXPECT_EQ(folder.front(), '/');
  }
  EXPECT_EQ(s.search_path[0], WorkingDirectory());
}

TEST(SubmissionTest, RelativePathsResolveAgainstTheWorkingDirectoryAndTheTextStaysAsWritten) {
  const std::string text = "out :: JsonLinesSink(path: \"out.jsonl\")\n";
  Submission s;
  ASSERT_TRUE(PrepareSubmission("sub/flow.topo", text, &s).ok());
  EXPECT_EQ(s.text, text);
  EXPECT_EQ(s.absolute_paths.at("out").at("path"), WorkingDirectory() + "/out.jsonl");  // not sub/: as `run` does
  control::Json request = s.Request("n");
  EXPECT_EQ(request["op"], "submit");
  EXPECT_EQ(request["name"], "n");
  EXPECT_EQ(request["absolute_paths"]["out"]["path"], WorkingDirectory() + "/out.jsonl");
}

TEST(SubmissionTest, ATextThatDoesNotParseIsSentWithoutPaths) {
  Submission s;
  ASSERT_TRUE(PrepareSubmission("t.topo", "out :: JsonLinesSink(path: \"o\"\n", &s).ok());
  EXPECT_TRUE(s.absolute_paths.empty());
}

}  // namespace
}  // namespace datablox::cli
