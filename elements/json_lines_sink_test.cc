// JsonLinesSink's two phases through the harness, one life after another
// in a temporary folder: a segment is visible only once its checkpoint is
// complete, and whatever a crash left (an open segment, a prepared one, a
// commit cut short, an end) a rollback commits or drops, never both.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "datablox/testing.h"

namespace datablox::testing {
namespace {

namespace fs = std::filesystem;

class JsonLinesSinkCommitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/json_lines_sink_test_XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr);
    folder_ = name;
    path_ = folder_ + "/out.jsonl";
  }
  void TearDown() override { fs::remove_all(folder_); }

  // A life of the sink: restored from `state` as `checkpoint`, or first.
  std::unique_ptr<ElementHarness> Life(std::optional<std::string> state = std::nullopt, uint64_t checkpoint = 0,
                                       bool segments = false) {
    HarnessCheckpoints checkpoints;
    checkpoints.restore = std::move(state);
    checkpoints.checkpoint = checkpoint;
    std::unique_ptr<ElementHarness> run;
    Status st = ElementHarness::Make(
        "JsonLinesSink", {{"path", ParamValue::String(path_)}, {"segments", ParamValue::Bool(segments)}}, checkpoints,
        &run);
    EXPECT_TRUE(st.ok()) << st.message();
    return run;
  }
  static void Write(ElementHarness& run, int from, int to) {
    std::vector<std::string> logs;
    for (int i = from; i < to; ++i) logs.push_back("{\"seq\": " + std::to_string(i) + "}");
    ASSERT_TRUE(run.Push("in", logs).ok());
    ASSERT_FALSE(run.failure().has_value()) << run.failure()->message();
  }
  static std::string Lines(int from, int to) {
    std::string text;
    for (int i = from; i < to; ++i) text += "{\"seq\":" + std::to_string(i) + "}\n";
    return text;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // The names in the folder, without it.
  std::set<std::string> Files() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder_)) names.insert(entry.path().filename().string());
    return names;
  }
  std::string Snapshot(ElementHarness& run, uint64_t checkpoint) {
    std::string state;
    Status st = run.Snapshot(checkpoint, &state);
    EXPECT_TRUE(st.ok()) << st.message();
    return state;
  }

  std::string folder_, path_;
};

TEST_F(JsonLinesSinkCommitsTest, ASegmentIsVisibleOnlyOnceItsCheckpointCompletes) {
  auto run = Life();
  Write(*run, 0, 3);
  EXPECT_EQ(Read(path_ + ".partial"), "");  // written, not committed
  EXPECT_EQ(Files(), (std::set<std::string>{"out.jsonl.open", "out.jsonl.partial"}));
  Snapshot(*run, 1);
  EXPECT_EQ(Files(), (std::set<std::string>{"out.jsonl.000001.prepared-1", "out.jsonl.partial"}));
  EXPECT_EQ(Read(path_ + ".partial"), "");
  EXPECT_EQ(run->Read("prepared"), "1");
  Write(*run, 3, 5);
  run->CompleteCheckpoint(1);
  EXPECT_EQ(Read(path_ + ".partial"), Lines(0, 3));
  EXPECT_EQ(run->Read("committed"), std::to_string(Lines(0, 3).size()));
  EXPECT_EQ(run->Read("prepared"), "0");
  Snapshot(*run, 2);  // 3..5 came since: prepared
  Snapshot(*run, 3);  // nothing since: no segment
  EXPECT_EQ(Files(), (std::set<std::string>{"out.jsonl.000002.prepared-2", "out.jsonl.partial"}));
  run->CompleteCheckpoint(3);  // 3 completes, so 2 did before it
  run->End();
  EXPECT_FALSE(run->failure().has_value());
  EXPECT_EQ(Files(), (std::set<std::string>{"out.jsonl"}));
  EXPECT_EQ(Read(path_), Lines(0, 5));
}

TEST_F(JsonLinesSinkCommitsTest, ARollbackCommitsWhatItsCheckpointPreparedAndDropsTheRest) {
  std::string at1, at2;
  {
    auto run = Life();
    Write(*run, 0, 3);
    at1 = Snapshot(*run, 1);
    run->CompleteCheckpoint(1);
    Write(*run, 3, 6);
    at2 = Snapshot(*run, 2);  // prepared; the master's word on it never came
    Write(*run, 6, 8);        // open when the process died
  }
  {
    // Checkpoint 2 completed (the master stored every snapshot) and this
    // sink died before hearing it: the rollback to 2 commits its segment.
    fs::path saved = folder_ + ".saved";
    fs::copy(folder_, saved);
    auto run = Life(at2, 2);
    EXPECT_EQ(Read(path_ + ".partial"), Lines(0, 6));
    EXPECT_EQ(Files(), (std::set<std::string>{"out.jsonl.partial"}));
    run.reset();
    fs::remove_all(folder_);
    fs::rename(saved, folder_);
  }
  // Checkpoint 2 never completed: the rollback is to 1, and 2's segment goes.
  auto run = Life(at1, 1);
  EXPECT_EQ(Read(path_ + ".partial"), Lines(0, 3));
  EXPECT_EQ(Files(), (std::set<std::string>{"out.jsonl.partial"}));
  Write(*run, 3, 6);  // they come again
  run->End();
  EXPECT_EQ(Read(path_), Lines(0, 6));
}

TEST_F(JsonLinesSinkCommitsTest, ACommitACrashCutShortIsFinishedNotDoubled) {
  std::string at1;
  {
    auto run = Life();
    Write(*run, 0, 3);
    at1 = Snapshot(*run, 1);
  }
  // The commit had renamed the segment and appended half of it.
  const std::string segment = Lines(0, 3);
  fs::rename(path_ + ".000001.prepared-1", path_ + ".000001.commit-0");
  std::ofstream(path_ + ".partial") << segment.substr(0, 7);
  auto run = Life(at1, 1);
  EXPECT_EQ(Read(path_ + ".partial"), segment);
  EXPECT_EQ(Files(), (std::set<std::string>{"out.jsonl.partial"}));
}

TEST_F(JsonLinesSinkCommitsTest, ARollbackPastAnEndTakesTheFileBack) {
  std::string at1;
  {
    auto run = Life();
    Write(*run, 0, 3);
    at1 = Snapshot(*run, 1);
    Write(*run, 3, 5);
    run->End();  // committed all: its inputs ended
    EXPECT_EQ(Read(path_), Lines(0, 5));
  }
  auto run = Life(at1, 1);
  EXPECT_EQ(Files(), (std::set<std::string>{"out.jsonl.partial"}));
  EXPECT_EQ(Read(path_ + ".partial"), Lines(0, 3));
  // A rollback to the start keeps nothing.
  run.reset();
  auto again = Life(std::string(), 0);
  EXPECT_EQ(Read(path_ + ".partial"), "");
}

TEST_F(JsonLinesSinkCommitsTest, NumberedSegmentsAreKeptAndCutBackByARollback) {
  std::string at2;
  {
    auto run = Life(std::nullopt, 0, true);
    Write(*run, 0, 2);
    Snapshot(*run, 1);
    run->CompleteCheckpoint(1);
    Write(*run, 2, 4);
    at2 = Snapshot(*run, 2);
    Write(*run, 4, 6);
    Snapshot(*run, 3);
    run->End();
    EXPECT_EQ(Files(), (std::set<std::string>{"out.jsonl.000001", "out.jsonl.000002", "out.jsonl.000003"}));
    EXPECT_EQ(Read(path_ + ".000003"), Lines(4, 6));
  }
  auto run = Life(at2, 2, true);
  EXPECT_EQ(Files(), (std::set<std::string>{"out.jsonl.000001", "out.jsonl.000002"}));
  Write(*run, 4, 7);
  run->End();
  EXPECT_EQ(Read(path_ + ".000001") + Read(path_ + ".000002") + Read(path_ + ".000003"), Lines(0, 7));
}

TEST_F(JsonLinesSinkCommitsTest, ACheckpointTheFilesDoNotHoldIsAnError) {
  std::string at1;
  {
    auto run = Life();
    Write(*run, 0, 3);
    at1 = Snapshot(*run, 1);
    run->CompleteCheckpoint(1);
  }
  fs::remove(path_ + ".partial");  // another machine's folder, say
  HarnessCheckpoints checkpoints{at1, 1};
  std::unique_ptr<ElementHarness> run;
  Status st = ElementHarness::Make("JsonLinesSink", {{"path", ParamValue::String(path_)}}, checkpoints, &run);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("fewer than the"), std::string::npos) << st.message();
}

TEST_F(JsonLinesSinkCommitsTest, SegmentsWithoutCheckpointsAreRefused) {
  std::unique_ptr<ElementHarness> run;
  Status st = ElementHarness::Make(
      "JsonLinesSink", {{"path", ParamValue::String(path_)}, {"segments", ParamValue::Bool(true)}}, &run);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("needs a checkpointed topology"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace datablox::testing
