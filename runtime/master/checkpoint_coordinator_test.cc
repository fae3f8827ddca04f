#include "runtime/master/checkpoint_coordinator.h"

#include <gtest/gtest.h>

#include "runtime/master/registry_store.h"

namespace datablox::master {
namespace {

using std::chrono::milliseconds;
using Outcome = CheckpointCoordinator::Outcome;
using State = CheckpointProgress::State;
const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);

TEST(CheckpointCoordinatorTest, CompletesOnceEveryElementSentItsSnapshot) {
  CheckpointCoordinator coordinator(milliseconds(1000), 1);
  ASSERT_TRUE(coordinator.Due(t0));
  const uint64_t id = coordinator.Start(t0, 77, {"src", "count", "sink"});
  EXPECT_EQ(id, 1u);
  EXPECT_TRUE(coordinator.in_progress());
  EXPECT_FALSE(coordinator.Due(t0 + milliseconds(5000)));  // one at a time
  EXPECT_EQ(coordinator.OnTaken("src", id, "ab", std::nullopt, t0), Outcome::kWaiting);
  EXPECT_EQ(coordinator.OnTaken("src", id, "ab", std::nullopt, t0), Outcome::kIgnored);  // said twice
  EXPECT_EQ(coordinator.OnTaken("ghost", id, "", std::nullopt, t0), Outcome::kIgnored);
  EXPECT_EQ(coordinator.OnTaken("count", id + 1, "", std::nullopt, t0), Outcome::kIgnored);  // another id
  EXPECT_EQ(coordinator.OnTaken("count", id, "cdef", std::nullopt, t0), Outcome::kWaiting);
  EXPECT_EQ(coordinator.OnTaken("sink", id, "", std::nullopt, t0 + milliseconds(30)), Outcome::kComplete);
  const CheckpointProgress& done = coordinator.history().back();
  EXPECT_EQ(done.state, State::kComplete);
  EXPECT_EQ(done.bytes, 6u);
  EXPECT_EQ(done.duration_ms, 30);
  EXPECT_EQ(done.snapshots.at("count"), "cdef");
  EXPECT_EQ(coordinator.last_complete(), 1u);
}

TEST(CheckpointCoordinatorTest, TheNextIsDueAPeriodAfterTheLastStarted) {
  CheckpointCoordinator coordinator(milliseconds(1000), 5);
  const uint64_t id = coordinator.Start(t0, 0, {"a"});
  EXPECT_EQ(id, 5u);
  EXPECT_EQ(coordinator.OnTaken("a", id, "", std::nullopt, t0 + milliseconds(10)), Outcome::kComplete);
  EXPECT_FALSE(coordinator.Due(t0 + milliseconds(999)));
  EXPECT_TRUE(coordinator.Due(t0 + milliseconds(1000)));
  EXPECT_EQ(coordinator.Start(t0 + milliseconds(1000), 0, {"a"}), 6u);
}

TEST(CheckpointCoordinatorTest, AFailedSnapshotAbandonsItAndSaysWho) {
  CheckpointCoordinator coordinator(milliseconds(100), 1);
  const uint64_t id = coordinator.Start(t0, 0, {"a", "b"});
  EXPECT_EQ(coordinator.OnTaken("a", id, "x", std::nullopt, t0), Outcome::kWaiting);
  EXPECT_EQ(coordinator.OnTaken("b", id, "", std::string("disk full"), t0), Outcome::kAbandoned);
  EXPECT_EQ(coordinator.history().back().state, State::kAbandoned);
  EXPECT_EQ(coordinator.history().back().why, "b: disk full");
  EXPECT_TRUE(coordinator.history().back().snapshots.empty());
  EXPECT_EQ(coordinator.last_complete(), 0u);
}

TEST(CheckpointCoordinatorTest, AnElementThatEndsIsNotWaitedFor) {
  CheckpointCoordinator coordinator(milliseconds(100), 1);
  const uint64_t id = coordinator.Start(t0, 0, {"src", "sink"});
  EXPECT_EQ(coordinator.OnTaken("sink", id, "", std::nullopt, t0), Outcome::kWaiting);
  EXPECT_EQ(coordinator.OnEnded("src", t0), Outcome::kComplete);
  EXPECT_EQ(coordinator.OnEnded("src", t0), Outcome::kIgnored);
}

TEST(CheckpointCoordinatorTest, ACrashOrTheTimeoutAbandonsTheOneInProgress) {
  CheckpointCoordinator coordinator(milliseconds(100), 1);
  EXPECT_FALSE(coordinator.Abandon("nothing in progress", t0));
  coordinator.Start(t0, 0, {"a"});
  EXPECT_TRUE(coordinator.Abandon("a restarted", t0));
  EXPECT_EQ(coordinator.history().back().why, "a restarted");
  coordinator.Start(t0 + milliseconds(100), 0, {"a"});
  EXPECT_EQ(coordinator.timeout(), milliseconds(10000));
  EXPECT_FALSE(coordinator.TimedOut(t0 + milliseconds(9000)));
  EXPECT_TRUE(coordinator.TimedOut(t0 + milliseconds(10100)));
  EXPECT_EQ(coordinator.history().back().state, State::kAbandoned);
}

TEST(CheckpointCoordinatorTest, NoElementToWaitForCompletesAtOnce) {
  CheckpointCoordinator coordinator(milliseconds(100), 1);
  coordinator.Start(t0, 0, {});
  EXPECT_FALSE(coordinator.in_progress());
  EXPECT_EQ(coordinator.last_complete(), 1u);
}

TEST(CheckpointCoordinatorTest, AStoreFailureMakesTheOneBeforeItTheLastComplete) {
  CheckpointCoordinator coordinator(milliseconds(100), 8, /*last_complete=*/7);
  const uint64_t id = coordinator.Start(t0, 0, {"a"});
  EXPECT_EQ(coordinator.OnTaken("a", id, "s", std::nullopt, t0), Outcome::kComplete);
  EXPECT_EQ(coordinator.last_complete(), 8u);
  coordinator.StoreFailed("disk I/O error");
  EXPECT_EQ(coordinator.last_complete(), 7u);
  EXPECT_EQ(coordinator.history().back().state, State::kAbandoned);
}

// --- The registry's side: rows, snapshots, pruning. -------------------------

CheckpointRow Row(uint64_t id, const char* state) { return {"t", id, state, 1000 + static_cast<int64_t>(id), 3, 4, 2, 2, ""}; }

TEST(RegistryCheckpointsTest, KeepsTheSnapshotsOfTheNewestCompleteCheckpointsOnly) {
  std::unique_ptr<RegistryStore> store;
  ASSERT_TRUE(RegistryStore::Open(":memory:", &store).ok());
  for (uint64_t id = 1; id <= 5; ++id) {
    const std::string bytes = std::string("state\0of ", 9) + std::to_string(id);  // any bytes, zeros included
    ASSERT_TRUE(store->SaveCheckpoint(Row(id, id == 4 ? "abandoned" : "complete"),
                                      id == 4 ? std::map<std::string, std::string>{}
                                              : std::map<std::string, std::string>{{"count", bytes}},
                                      /*keep_complete=*/2)
                    .ok());
  }
  std::string state;
  EXPECT_TRUE(store->LoadSnapshot("t", 5, "count", &state).ok());
  EXPECT_EQ(state, std::string("state\0of 5", 10));
  EXPECT_TRUE(store->LoadSnapshot("t", 3, "count", &state).ok());  // the complete one before 5
  EXPECT_TRUE(store->LoadSnapshot("t", 2, "count", &state).IsNotFound());
  EXPECT_TRUE(store->LoadSnapshot("t", 5, "other", &state).IsNotFound());
  std::vector<CheckpointRow> rows;
  ASSERT_TRUE(store->LoadCheckpoints("t", &rows).ok());
  ASSERT_EQ(rows.size(), 5u);  // every row stays (up to the history's length)
  EXPECT_EQ(rows[3].id, 4u);
  EXPECT_EQ(rows[3].state, "abandoned");
  EXPECT_EQ(rows[0].started_unix_ms, 1001);
  ASSERT_TRUE(store->RemoveTopology("t").ok());
  ASSERT_TRUE(store->LoadCheckpoints("t", &rows).ok());
  EXPECT_TRUE(rows.empty());
  EXPECT_TRUE(store->LoadSnapshot("t", 5, "count", &state).IsNotFound());
}

TEST(RegistryCheckpointsTest, TheHistoryIsBounded) {
  std::unique_ptr<RegistryStore> store;
  ASSERT_TRUE(RegistryStore::Open(":memory:", &store).ok());
  const uint64_t n = RegistryStore::kCheckpointHistory + 7;
  for (uint64_t id = 1; id <= n; ++id) ASSERT_TRUE(store->SaveCheckpoint(Row(id, "abandoned"), {}, 3).ok());
  std::vector<CheckpointRow> rows;
  ASSERT_TRUE(store->LoadCheckpoints("t", &rows).ok());
  ASSERT_EQ(rows.size(), static_cast<size_t>(RegistryStore::kCheckpointHistory));
  EXPECT_EQ(rows.front().id, 8u);
  EXPECT_EQ(rows.back().id, n);
}

}  // namespace
}  // namespace datablox::master
