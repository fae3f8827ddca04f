#include "cell/samplestore/line_chunks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "cell/samplestore/loci.h"
#include "cell/samplestore/test_dir.h"

namespace datablox::samplestore {
namespace {

// Every chunk of a read, concatenated; each chunk checked to end a line.
std::string ReadAll(const std::string& path, uint64_t begin, uint64_t end, size_t chunk, Status* status = nullptr,
                    int* chunks = nullptr) {
  LineChunks reader;
  Status st = reader.Open(path, begin, end, chunk);
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::string all;
  std::string_view lines;
  int count = 0;
  while (reader.Next(&lines)) {
    EXPECT_FALSE(lines.empty());
    all.append(lines);
    ++count;
    if (lines.back() != '\n') {
      EXPECT_FALSE(reader.Next(&lines)) << "only the file's last line may lack its newline";
    }
  }
  if (status) *status = reader.status();
  if (chunks) *chunks = count;
  return all;
}

// Lines of every length from 0 to past the thresholds, CRLF ones among
// them, the last without a newline.
std::string Ragged(int count = 400) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += "{\"n\":" + std::to_string(i) + ",\"pad\":\"" + std::string((i * 37) % 300, 'x') + "\"}";
    text += i % 5 == 0 ? "\r\n" : "\n";
    if (i % 50 == 7) text += "\n";  // blank lines too
  }
  return text + "{\"last\":true}";
}

std::multiset<std::string> Lines(std::string_view text) {
  std::multiset<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.insert(std::string(text.substr(start, end - start)));
    start = end + 1;
  }
  return lines;
}

TEST(LineChunksTest, AWholeFileComesInChunksOfWholeLines) {
  TestDir dir;
  const std::string text = Ragged();
  const std::string path = dir.Write("r.jsonl", text);
  for (size_t chunk : {1, 7, 100, 4096, 1 << 20}) {
    int chunks = 0;
    EXPECT_EQ(ReadAll(path, 0, kWholeFile, chunk, nullptr, &chunks), text) << chunk;
    if (chunk == 4096) {
      EXPECT_GT(chunks, 10);
    }
  }
}

TEST(LineChunksTest, ByteRangesOfManySizesSeeEveryLineExactlyOnce) {
  TestDir dir;
  const std::string text = Ragged(60);
  const std::string path = dir.Write("r.jsonl", text);
  // Ranges shorter than the longest line (over 300 bytes), about a line, and many lines.
  for (uint64_t length : {1, 2, 3, 17, 64, 150, 301, 333, 1000, 4096, 100000}) {
    std::string all;
    for (uint64_t at = 0; at < text.size(); at += length)
      all += ReadAll(path, at, std::min<uint64_t>(at + length, text.size()), 64);
    EXPECT_EQ(all, text) << "ranges of " << length;
    EXPECT_EQ(Lines(all), Lines(text));
  }
}

TEST(LineChunksTest, TheRangesOfTheLociSeeEveryLineExactlyOnce) {
  TestDir dir;
  const std::string text = Ragged();
  const std::string path = dir.Write("r.jsonl", text);
  const std::vector<DatasetFile> files = {{"r.jsonl", text.size(), 0}};
  for (uint64_t threshold : {1, 1000, 4096, 10000}) {
    for (int workers : {1, 2, 3, 7}) {
      std::vector<LocusRange> ranges;
      for (const Locus& locus : SplitLoci(files, workers, 1, threshold))
        for (const LocusRange& r : locus.ranges) ranges.push_back(r);
      std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
      ASSERT_FALSE(ranges.empty()) << threshold;
      EXPECT_EQ(ranges.front().begin, 0u);
      EXPECT_EQ(ranges.back().end, text.size());
      std::string all;
      for (size_t i = 0; i < ranges.size(); ++i) {
        if (i > 0) {
          EXPECT_EQ(ranges[i].begin, ranges[i - 1].end);  // they tile the file
        }
        all += ReadAll(path, ranges[i].begin, ranges[i].end, 512);
      }
      EXPECT_EQ(all, text) << "threshold " << threshold << ", workers " << workers;
    }
  }
}

TEST(LineChunksTest, ARangeStartingAtALineStartKeepsThatLine) {
  TestDir dir;
  const std::string path = dir.Write("r.jsonl", "aa\nbb\ncc\n");
  EXPECT_EQ(ReadAll(path, 0, 3, 100), "aa\n");  // through byte 2, the newline
  EXPECT_EQ(ReadAll(path, 3, 6, 100), "bb\n");  // begins where bb begins
  EXPECT_EQ(ReadAll(path, 4, 6, 100), "");      // bb starts before it: nothing starts in it
  EXPECT_EQ(ReadAll(path, 1, 4, 100), "bb\n");  // bb starts at 3, crosses the end
  EXPECT_EQ(ReadAll(path, 6, 9, 100), "cc\n");
  EXPECT_EQ(ReadAll(path, 8, 9, 100), "");
}

TEST(LineChunksTest, ReadsGzipFilesWholeAndRefusesRangesOfThem) {
  TestDir dir;
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "{\"n\":" + std::to_string(i) + "}\n";
  EXPECT_EQ(ReadAll(dir.Write("a.jsonl.gz", Gzip(text)), 0, kWholeFile, 1 << 16), text);
  EXPECT_EQ(ReadAll(dir.Write("two.jsonl.gz", Gzip("{}\n") + Gzip("[]\n")), 0, kWholeFile, 1), "{}\n[]\n");
  LineChunks reader;
  EXPECT_EQ(reader.Open(dir.path() + "/a.jsonl.gz", 10, 20).code(), Status::Code::kInvalid);
}

TEST(LineChunksTest, ATruncatedGzipFileIsAnError) {
  TestDir dir;
  std::string gz = Gzip(std::string(100000, 'x') + "\n");
  gz.resize(gz.size() / 2);
  Status st;
  ReadAll(dir.Write("cut.jsonl.gz", gz), 0, kWholeFile, 1 << 16, &st);
  EXPECT_EQ(st.code(), Status::Code::kIOError);
  EXPECT_NE(st.message().find("cut.jsonl.gz: gzip"), std::string::npos) << st.message();
}

TEST(LineChunksTest, AMissingFileIsAnErrorNamingIt) {
  TestDir dir;
  LineChunks reader;
  Status st = reader.Open(dir.path() + "/none.jsonl");
  EXPECT_EQ(st.code(), Status::Code::kIOError);
  EXPECT_NE(st.message().find("none.jsonl"), std::string::npos);
}

TEST(LineChunksTest, CountsTheLinesBeforeEachChunkAndTheBytesRead) {
  TestDir dir;
  const std::string path = dir.Write("n.jsonl", "1\n2\n3\n4\n5\n6\n");
  LineChunks reader;
  ASSERT_TRUE(reader.Open(path, 0, kWholeFile, 4).ok());
  std::string_view lines;
  std::vector<std::pair<uint64_t, std::string>> got;
  while (reader.Next(&lines)) got.emplace_back(reader.lines_before(), std::string(lines));
  EXPECT_EQ(got, (std::vector<std::pair<uint64_t, std::string>>{{0, "1\n2\n"}, {2, "3\n4\n"}, {4, "5\n6\n"}}));
  EXPECT_EQ(reader.bytes_read(), 12u);
}

TEST(LineChunksTest, CountLineEndsCountsEveryNewlineWhereverItLies) {
  // Newlines at every offset and in runs, from every start: what a byte-by-byte count says.
  std::string text;
  for (int i = 0; i < 300; ++i) text += std::string(static_cast<size_t>(i % 13), 'x') + (i % 7 == 0 ? "\n\n" : "\n");
  for (size_t from = 0; from < 20; ++from)
    for (size_t size : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{63}, text.size() - from}) {
      const std::string_view part(text.data() + from, size);
      EXPECT_EQ(CountLineEnds(part.data(), part.size()), static_cast<uint64_t>(std::count(part.begin(), part.end(), '\n')))
          << from << " " << size;
    }
  EXPECT_EQ(CountLineEnds("abc", 3), 0u);
}

TEST(LineChunksTest, ALineLongerThanManyChunksComesWholeAndTheNextChunksStillEndLines) {
  TestDir dir;
  const std::string text = "a\n" + std::string(100000, 'y') + "\nb\nc\n";
  const std::string path = dir.Write("long.jsonl", text);
  LineChunks reader;
  ASSERT_TRUE(reader.Open(path, 0, kWholeFile, 16).ok());
  std::vector<std::string> got;
  std::vector<uint64_t> before;
  std::string_view lines;
  while (reader.Next(&lines)) got.emplace_back(lines), before.push_back(reader.lines_before());
  ASSERT_TRUE(reader.status().ok()) << reader.status().ToString();
  std::string all;
  for (const std::string& g : got) all += g;
  EXPECT_EQ(all, text);
  ASSERT_GE(got.size(), 2u);
  EXPECT_TRUE(std::any_of(got.begin(), got.end(), [](const std::string& g) {
    return g.find(std::string(100000, 'y') + "\n") != std::string::npos;
  }));  // the long line in one chunk
  EXPECT_EQ(before.back() + static_cast<uint64_t>(std::count(got.back().begin(), got.back().end(), '\n')), 4u);
}

}  // namespace
}  // namespace datablox::samplestore
