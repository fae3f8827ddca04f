#include "cell/samplestore/loci.h"

#include <gtest/gtest.h>

namespace datablox::samplestore {
namespace {

TEST(LociRangesTest, APlainFileOverTheThresholdIsCutIntoRangesDealtOverTheWorkers) {
  const std::vector<DatasetFile> files = {{"big.jsonl", 1000, 0}, {"small.jsonl", 100, 0}};
  std::vector<Locus> loci = SplitLoci(files, 2, 1, 250);
  ASSERT_EQ(loci.size(), 2u);
  // Pieces: 4 ranges of 250 (the last 250 too) and the small file.
  // 250 -> 0, 250 -> 1, 250 -> 0, 250 -> 1, 100 -> 0 (a tie: the first).
  EXPECT_EQ(loci[0].ranges, (std::vector<LocusRange>{{"big.jsonl", 0, 250}, {"big.jsonl", 500, 750}}));
  EXPECT_EQ(loci[0].files, std::vector<std::string>{"small.jsonl"});
  EXPECT_EQ(loci[0].bytes, 600u);
  EXPECT_EQ(loci[1].ranges, (std::vector<LocusRange>{{"big.jsonl", 250, 500}, {"big.jsonl", 750, 1000}}));
  EXPECT_TRUE(loci[1].files.empty());
  EXPECT_EQ(loci[1].bytes, 500u);
}

TEST(LociRangesTest, GzipFilesFilesUnderTheThresholdAndAZeroThresholdStayWhole) {
  const std::vector<DatasetFile> files = {{"big.jsonl.gz", 1000, 0}, {"b.jsonl", 250, 0}};
  for (uint64_t threshold : {uint64_t{0}, uint64_t{250}}) {
    std::vector<Locus> loci = SplitLoci(files, 2, 1, threshold);
    ASSERT_EQ(loci.size(), 2u);
    EXPECT_EQ(loci[0].files, std::vector<std::string>{"big.jsonl.gz"});
    EXPECT_EQ(loci[1].files, std::vector<std::string>{"b.jsonl"});
    EXPECT_TRUE(loci[0].ranges.empty() && loci[1].ranges.empty());
  }
  EXPECT_TRUE(SplitLoci({{"a.jsonl", 1000, 0}}, 2, 1, 0)[0].ranges.empty());
}

TEST(LociRangesTest, AdjacentRangesInOneLocusAreMerged) {
  std::vector<Locus> loci = SplitLoci({{"a.jsonl", 1000, 0}}, 1, 1, 100);
  ASSERT_EQ(loci.size(), 1u);
  EXPECT_EQ(loci[0].ranges, (std::vector<LocusRange>{{"a.jsonl", 0, 1000}}));
}

TEST(LociRangesTest, AFileMakesAtMostkMaxRangesPerFileRanges) {
  std::vector<Locus> loci = SplitLoci({{"a.jsonl", 1 << 20, 0}}, 1000, 1, 1);
  EXPECT_EQ(loci.size(), kMaxRangesPerFile);
  uint64_t bytes = 0;
  for (const Locus& locus : loci) {
    ASSERT_EQ(locus.ranges.size(), 1u);
    bytes += locus.ranges[0].end - locus.ranges[0].begin;
  }
  EXPECT_EQ(bytes, uint64_t{1} << 20);
}

}  // namespace
}  // namespace datablox::samplestore
