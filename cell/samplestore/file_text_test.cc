#include "cell/samplestore/file_text.h"

#include <gtest/gtest.h>

#include "cell/samplestore/test_dir.h"

namespace datablox::samplestore {
namespace {

TEST(FileTextTest, ReadsPlainAndGzipFilesAlike) {
  TestDir dir;
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "{\"n\":" + std::to_string(i) + "}\n";  // several gzread steps
  std::string got;
  ASSERT_TRUE(ReadFileText(dir.Write("a.jsonl", text), &got).ok());
  EXPECT_EQ(got, text);
  ASSERT_TRUE(ReadFileText(dir.Write("a.jsonl.gz", Gzip(text)), &got).ok());
  EXPECT_EQ(got, text);
  ASSERT_TRUE(ReadFileText(dir.Write("two.jsonl.gz", Gzip("{}\n") + Gzip("[]\n")), &got).ok());
  EXPECT_EQ(got, "{}\n[]\n");  // concatenated members, as `cat a.gz b.gz` makes
}

TEST(FileTextTest, ATruncatedGzipFileIsAnError) {
  TestDir dir;
  std::string gz = Gzip(std::string(100000, 'x'));
  gz.resize(gz.size() / 2);
  std::string got;
  Status st = ReadFileText(dir.Write("cut.jsonl.gz", gz), &got);
  EXPECT_EQ(st.code(), Status::Code::kIOError);
  EXPECT_NE(st.message().find("cut.jsonl.gz: gzip"), std::string::npos) << st.message();
}

TEST(FileTextTest, MissingAndOversizedFilesAreErrors) {
  TestDir dir;
  std::string got;
  EXPECT_EQ(ReadFileText(dir.path() + "/none.jsonl", &got).code(), Status::Code::kIOError);
  EXPECT_EQ(ReadFileText(dir.Write("big.jsonl", std::string(100, 'x')), &got, 99).code(), Status::Code::kIOError);
  EXPECT_EQ(ReadFileText(dir.Write("big.jsonl.gz", Gzip(std::string(3 << 20, 'x'))), &got, 1 << 20).code(),
            Status::Code::kIOError);
}

}  // namespace
}  // namespace datablox::samplestore
