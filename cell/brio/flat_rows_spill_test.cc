// The flat presser past its memory budget: rows spilled to files and
// pressed partition by partition make the same blobs as in memory.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <algorithm>
#include <cstdlib>

#include "cell/brio/blob_json.h"
#include "cell/brio/flat_rows.h"
#include "cell/brio/reader.h"
#include "cell/brio/test_schemas.h"

namespace datablox::brio {
namespace {

FlatGrouping SpillTestGrouping() {
  FlatGrouping g;
  g.levels.push_back({{{"id", "user"}, {"country", "country"}, {"os", "os"}}, {"id"}, "sessions"});
  g.levels.push_back({{{"id", "session"}, {"start", "session_start"}}, {"id"}, "events"});
  g.levels.push_back({{{"ts", "ts"}, {"type", "type"}, {"value", "value"}}, {}, ""});
  return g;
}

// Rows of `users` users interleaved (user i gets every users-th row), in
// descending time within each user, so the press must regroup and sort.
std::string InterleavedRows(int users, int rows, int first) {
  std::string text;
  for (int r = first; r < first + rows; ++r) {
    const int user = r % users;
    text += R"({"user":"u)" + std::to_string(user) + R"(","session":)" + std::to_string(r % 3) +
            R"(,"session_start":)" + std::to_string(r % 3) + R"(,"ts":)" + std::to_string(100000 - r) +
            R"(,"type":"t)" + std::to_string(r % 5) + R"(","value":)" + std::to_string(r) + ".5" +
            (r % 7 == 0 ? R"(,"country":"C)" + std::to_string(user) + "\"" : std::string()) + "}\n";
  }
  return text;
}

class FlatRowsSpillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SchemaLayout::Make(schema_, &layout_).ok());
    char pattern[] = "/tmp/datablox-spill-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    folder_ = pattern;
  }
  void TearDown() override { ::rmdir(folder_.c_str()); }

  // The blobs as JSON, sorted (spilled roots come out partition by partition).
  std::vector<std::string> Press(PressOptions options, const std::vector<std::string>& inputs,
                                 PressStats* stats = nullptr, Status* status = nullptr) {
    std::unique_ptr<FlatPresser> presser;
    EXPECT_TRUE(FlatPresser::Make(layout_, SpillTestGrouping(), options, &presser).ok());
    for (size_t i = 0; i < inputs.size(); ++i) presser->AddLines(inputs[i], "input-" + std::to_string(i));
    testing::CollectSink sink;
    presser->Finish(sink);
    if (stats) *stats = presser->stats();
    if (status) *status = presser->status();
    std::vector<std::string> out;
    for (const std::string& b : sink.blobs) {
      BlobView view;
      EXPECT_TRUE(BlobView::Open(b, layout_, &view).ok());
      std::string json;
      AppendJson(view.root(), &json);
      out.push_back(json);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  size_t EntriesIn(const std::string& folder) {
    size_t n = 0;
    if (DIR* d = opendir(folder.c_str())) {
      while (dirent* e = readdir(d))
        if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") ++n;
      closedir(d);
    }
    return n;
  }

  const Schema schema_ = testing::UnitySchema();
  SchemaLayout layout_;
  std::string folder_;
};

TEST_F(FlatRowsSpillTest, RootSplitAcrossInputsAndSpillsIsStillOneBlobAsInMemory) {
  const std::vector<std::string> inputs = {InterleavedRows(5, 400, 0), InterleavedRows(5, 400, 400),
                                           InterleavedRows(5, 400, 800)};
  PressOptions unbounded;
  unbounded.memory_budget_bytes = 0;
  PressStats in_memory_stats;
  const std::vector<std::string> in_memory = Press(unbounded, inputs, &in_memory_stats);
  ASSERT_EQ(in_memory.size(), 5u);
  EXPECT_EQ(in_memory_stats.spills, 0u);

  PressOptions small;
  small.memory_budget_bytes = 4096;
  small.spill_directory = folder_;
  PressStats stats;
  Status status;
  EXPECT_EQ(Press(small, inputs, &stats, &status), in_memory);
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_GT(stats.spills, 2u);  // rows of every user in several spills
  EXPECT_EQ(stats.spilled_rows, 1200u);
  EXPECT_EQ(stats.items, 5u);
  EXPECT_EQ(stats.rows, 1200u);
  EXPECT_EQ(EntriesIn(folder_), 0u);  // the spill folder and its files removed
}

TEST_F(FlatRowsSpillTest, SpillFolderThatCannotBeMadeKeepsTheRowsAndSaysSo) {
  const std::vector<std::string> inputs = {InterleavedRows(4, 300, 0)};
  PressOptions unbounded;
  unbounded.memory_budget_bytes = 0;
  PressOptions small;
  small.memory_budget_bytes = 4096;
  small.spill_directory = folder_ + "/missing/deeper";
  Status status;
  PressStats stats;
  EXPECT_EQ(Press(small, inputs, &stats, &status), Press(unbounded, inputs));
  EXPECT_EQ(status.code(), Status::Code::kIOError);
  EXPECT_NE(status.ToString().find("cannot make a folder in " + folder_ + "/missing/deeper"), std::string::npos)
      << status.ToString();
  EXPECT_EQ(stats.spills, 0u);
  EXPECT_EQ(stats.items, 4u);
}

}  // namespace
}  // namespace datablox::brio
