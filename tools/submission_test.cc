#include "tools/submission.h"

#include <gtest/gtest.h>

namespace datablox::cli {
namespace {

TEST(SubmissionTest, PathParametersAreKnownByName) {
  EXPECT_TRUE(IsPathParameter("path"));
  EXPECT_TRUE(IsPathParameter("db_path"));
  EXPECT_TRUE(IsPathParameter("model_file"));
  EXPECT_TRUE(IsPathParameter("out_dir"));
  EXPECT_FALSE(IsPathParameter("expr"));
  EXPECT_FALSE(IsPathParameter("paths"));
  EXPECT_FALSE(IsPathParameter("table"));
}

TEST(SubmissionTest, RelativePathParametersBecomeAbsolute) {
  const std::string text =
      "src :: JsonLinesSource(path: 'in/logs.jsonl')\n"
      "out :: JsonLinesSink(path: \"out.jsonl\")  # a comment\n"
      "src -> out\n";
  EXPECT_EQ(WithAbsolutePaths(text, "t.topo", "/home/u/work"),
            "src :: JsonLinesSource(path: \"/home/u/work/in/logs.jsonl\")\n"
            "out :: JsonLinesSink(path: \"/home/u/work/out.jsonl\")  # a comment\n"
            "src -> out\n");
}

TEST(SubmissionTest, AbsolutePathsAndOtherParametersAreLeftAlone) {
  const std::string text =
      "a :: JsonLinesSink(path: \"/data/x.jsonl\")\n"
      "b :: Filter(expr: \"seq > 1\")\n"
      "c :: Map(expr: 'path = \"rel\"')\n"
      "d :: Sink(path: 3)\n";
  EXPECT_EQ(WithAbsolutePaths(text, "t.topo", "/w"), text);
}

TEST(SubmissionTest, SeveralPathsOnOneLineAndParentFoldersAreResolved) {
  const std::string text = "s :: Store(path: \"../db.sqlite\", log_file: 'a\\'b.log'); t :: Sink(path: \"./x\")\n";
  EXPECT_EQ(WithAbsolutePaths(text, "t.topo", "/w/sub"),
            "s :: Store(path: \"/w/db.sqlite\", log_file: \"/w/sub/a'b.log\"); t :: Sink(path: \"/w/sub/x\")\n");
}

TEST(SubmissionTest, AQuoteOrBackslashInAPathIsEscaped) {
  EXPECT_EQ(WithAbsolutePaths("s :: Sink(path: 'say \"hi\\\\.txt')\n", "t.topo", "/w"),
            "s :: Sink(path: \"/w/say \\\"hi\\\\.txt\")\n");
}

TEST(SubmissionTest, TextThatDoesNotParseIsSentAsItIs) {
  const std::string text = "out :: JsonLinesSink(path: \"out.jsonl\"\nsrc -> \n";
  EXPECT_EQ(WithAbsolutePaths(text, "t.topo", "/w"), text);
}

TEST(SubmissionTest, TheFileAndItsFolderAreAbsoluteWithNoEmptySearchPathEntry) {
  Submission s;
  ASSERT_TRUE(PrepareSubmission("flow.topo", "x :: Null\n", &s).ok());
  EXPECT_EQ(s.file.front(), '/');
  EXPECT_EQ(s.file.substr(s.file.size() - 10), "/flow.topo");
  ASSERT_FALSE(s.search_path.empty());
  for (const std::string& folder : s.search_path) {
    EXPECT_FALSE(folder.empty());
    EXPECT_EQ(folder.front(), '/');
  }
  EXPECT_EQ(s.search_path[0] + "/flow.topo", s.file);
}

}  // namespace
}  // namespace datablox::cli
