#include "cell/samplestore/mapped_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace datablox::samplestore {
namespace {

std::string TempFile(const std::string& name, const std::string& bytes) {
  const std::string path = ::testing::TempDir() + "/mapped_file_test_" + std::to_string(::getpid()) + "_" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  return path;
}

TEST(MappedFileTest, PlainFileIsMappedWithItsBytes) {
  const std::string path = TempFile("plain.jsonl", "{\"a\":1}\n{\"a\":2}\n");
  std::string text;
  MappedFile mapped;
  std::string_view bytes;
  ASSERT_TRUE(FileBytes(path, &text, &mapped, &bytes).ok());
  EXPECT_EQ(bytes, "{\"a\":1}\n{\"a\":2}\n");
  EXPECT_TRUE(text.empty());  // mapped, not read
  mapped.Close();
  EXPECT_TRUE(mapped.text().empty());
  std::remove(path.c_str());
}

TEST(MappedFileTest, EmptyFileIsEmptyText) {
  const std::string path = TempFile("empty.jsonl", "");
  MappedFile mapped;
  ASSERT_TRUE(mapped.Open(path).ok());
  EXPECT_TRUE(mapped.text().empty());
  std::remove(path.c_str());
}

TEST(MappedFileTest, MissingOrTooLargeFileIsAnErrorNamingIt) {
  MappedFile mapped;
  Status st = mapped.Open("/nonexistent/x.jsonl");
  EXPECT_EQ(st.code(), Status::Code::kIOError);
  EXPECT_NE(st.message().find("/nonexistent/x.jsonl"), std::string::npos);
  const std::string path = TempFile("big.jsonl", "0123456789");
  st = mapped.Open(path, 4);
  EXPECT_NE(st.message().find("larger than 4 bytes"), std::string::npos) << st.message();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace datablox::samplestore
