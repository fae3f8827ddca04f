#include "cell/samplestore/dataset.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "cell/samplestore/loci.h"
#include "cell/samplestore/test_dir.h"

namespace datablox::samplestore {
namespace {

std::vector<std::string> Paths(const std::vector<DatasetFile>& files) {
  std::vector<std::string> out;
  for (const DatasetFile& f : files) out.push_back(f.path);
  return out;
}

TEST(DatasetTest, ScanFindsMatchingJsonLinesFilesInSubfoldersSorted) {
  TestDir dir;
  dir.Write("b.jsonl", "{}\n");
  dir.Write("a.jsonl.gz", "x");
  dir.Write("notes.txt", "not data");
  dir.Write("sub/c.jsonl", "{}\n{}\n");
  dir.Write("other/d.jsonl", "{}\n");
  std::vector<DatasetFile> files;
  ASSERT_TRUE(ScanDataset(dir.path(), {"*.jsonl", "*.jsonl.gz", "sub/*"}, &files).ok());
  EXPECT_EQ(Paths(files), (std::vector<std::string>{"a.jsonl.gz", "b.jsonl", "sub/c.jsonl"}));
  EXPECT_EQ(files[2].size, 6u);
  EXPECT_GT(files[2].mtime_ns, 0);
}

TEST(DatasetTest, ScanOfAMissingFolderIsAnError) {
  std::vector<DatasetFile> files;
  Status st = ScanDataset("/nonexistent/samplestore", {"*.jsonl"}, &files);
  EXPECT_EQ(st.code(), Status::Code::kIOError);
}

TEST(DatasetTest, GenerationChangesWithEveryFileChangeAndTheView) {
  const std::vector<DatasetFile> files = {{"a.jsonl", 10, 100}, {"b.jsonl", 20, 200}};
  const std::string base = GenerationOf(files, "view");
  EXPECT_EQ(base.size(), 16u);
  EXPECT_EQ(GenerationOf(files, "view"), base);  // deterministic
  auto changed = [&](auto edit) {
    std::vector<DatasetFile> copy = files;
    edit(copy);
    return GenerationOf(copy, "view");
  };
  EXPECT_NE(changed([](auto& f) { f[0].size = 11; }), base);
  EXPECT_NE(changed([](auto& f) { f[1].mtime_ns = 201; }), base);
  EXPECT_NE(changed([](auto& f) { f[0].path = "c.jsonl"; }), base);
  EXPECT_NE(changed([](auto& f) { f.pop_back(); }), base);
  EXPECT_NE(changed([](auto& f) { f.push_back({"c.jsonl", 1, 1}); }), base);
  EXPECT_NE(GenerationOf(files, "view "), base);
}

TEST(DatasetTest, RewritingAFileMakesANewGeneration) {
  TestDir dir;
  dir.Write("a.jsonl", "{}\n");
  std::vector<DatasetFile> before, after;
  ASSERT_TRUE(ScanDataset(dir.path(), {"*.jsonl"}, &before).ok());
  dir.Write("a.jsonl", "{}\n{}\n");
  ASSERT_TRUE(ScanDataset(dir.path(), {"*.jsonl"}, &after).ok());
  EXPECT_NE(GenerationOf(before, "v"), GenerationOf(after, "v"));
}

TEST(LociTest, FilesAreDealtLargestFirstToTheLightestLocus) {
  const std::vector<DatasetFile> files = {{"a", 50, 0}, {"b", 40, 0}, {"c", 30, 0}, {"d", 20, 0}, {"e", 5, 0}};
  std::vector<Locus> loci = SplitLoci(files, 2, 1);
  ASSERT_EQ(loci.size(), 2u);
  EXPECT_EQ(loci[0].files, (std::vector<std::string>{"a", "d", "e"}));  // 50; 20 (50 < 40 + 30); 5 (a tie: the first)
  EXPECT_EQ(loci[0].bytes, 75u);
  EXPECT_EQ(loci[1].files, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(loci[1].bytes, 70u);
  EXPECT_EQ(loci[0].workers, std::vector<int>{0});
  EXPECT_EQ(loci[1].workers, std::vector<int>{1});
}

TEST(LociTest, ReplicasGoToTheNextWorkersAndAreClampedToTheWorkers) {
  const std::vector<DatasetFile> files = {{"a", 3, 0}, {"b", 2, 0}, {"c", 1, 0}};
  std::vector<Locus> loci = SplitLoci(files, 3, 2);
  ASSERT_EQ(loci.size(), 3u);
  EXPECT_EQ(loci[2].workers, (std::vector<int>{2, 0}));
  loci = SplitLoci(files, 2, 5);
  EXPECT_EQ(loci[0].workers, (std::vector<int>{0, 1}));
  EXPECT_EQ(loci[1].workers, (std::vector<int>{1, 0}));
}

TEST(LociTest, FewerFilesThanWorkersMakeFewerLociAndNoFilesNone) {
  EXPECT_EQ(SplitLoci({{"a", 1, 0}}, 4, 1).size(), 1u);
  EXPECT_TRUE(SplitLoci({}, 4, 1).empty());
}

}  // namespace
}  // namespace datablox::samplestore
