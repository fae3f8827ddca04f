#include "cell/samplestore/region_file.h"

#include <gtest/gtest.h>

#include "cell/brio/region.h"
#include "cell/samplestore/file_text.h"
#include "cell/samplestore/test_dir.h"

namespace datablox::samplestore {
namespace {

TEST(RegionFileTest, WritesWhatTheRegionReaderReadsAsRegionWriterDoes) {
  TestDir dir;
  RegionFileWriter file;
  brio::RegionWriter memory;
  const std::string path = dir.path() + "/out.brgn";
  ASSERT_TRUE(file.Open(path).ok());
  for (const std::string& blob : {std::string("12345678"), std::string("abc"), std::string(1000, 'z')}) {
    file.Add(blob);
    memory.Add(blob);
  }
  ASSERT_TRUE(file.Finish().ok());
  EXPECT_EQ(file.blob_count(), 3u);
  std::string bytes;
  ASSERT_TRUE(ReadFileText(path, &bytes).ok());
  EXPECT_EQ(bytes, memory.Finish());
  brio::RegionView view;
  ASSERT_TRUE(brio::RegionView::Open(bytes, &view).ok());
  EXPECT_EQ(view.BlobBytes(1).substr(0, 3), "abc");
}

TEST(RegionFileTest, DiscardedBlobsAreDroppedAndTheRestKeptInOrder) {
  TestDir dir;
  RegionFileWriter file;
  brio::RegionWriter memory;
  const std::string path = dir.path() + "/out.brgn";
  ASSERT_TRUE(file.Open(path).ok());
  file.Add(1, "one-a");
  file.Add(2, std::string(3 << 20, 'x'));  // discarded: over a compaction piece
  file.Add(1, "one-b");
  file.Add(2, "two-a");
  file.Discard(2);
  EXPECT_EQ(file.blob_count(), 2u);
  file.Add(2, std::string(2 << 20, 'y'));  // the tag pulled again: kept
  file.Add(3, "three");
  ASSERT_TRUE(file.Finish().ok());
  for (const std::string& blob :
       {std::string("one-a"), std::string("one-b"), std::string(2 << 20, 'y'), std::string("three")})
    memory.Add(blob);
  EXPECT_EQ(file.blob_count(), 4u);
  std::string bytes;
  ASSERT_TRUE(ReadFileText(path, &bytes).ok());
  EXPECT_EQ(bytes.size(), file.bytes());
  EXPECT_EQ(bytes, memory.Finish());
}

TEST(RegionFileTest, AnEmptyRegionIsValid) {
  TestDir dir;
  RegionFileWriter file;
  ASSERT_TRUE(file.Open(dir.path() + "/empty.brgn").ok());
  ASSERT_TRUE(file.Finish().ok());
  std::string bytes;
  ASSERT_TRUE(ReadFileText(dir.path() + "/empty.brgn", &bytes).ok());
  brio::RegionView view;
  ASSERT_TRUE(brio::RegionView::Open(bytes, &view).ok());
  EXPECT_EQ(view.blob_count(), 0u);
}

TEST(RegionFileTest, AFolderThatDoesNotExistIsAnError) {
  RegionFileWriter file;
  EXPECT_EQ(file.Open("/nonexistent/dir/out.brgn").code(), Status::Code::kIOError);
  EXPECT_FALSE(file.Finish().ok());
}

}  // namespace
}  // namespace datablox::samplestore
