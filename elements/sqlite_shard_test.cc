// SqliteStore as a member of a hash-routed shard, called directly: the rows
// of the key groups that move leave one real SQLite file and arrive in
// another, each row on exactly one side.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sqlite_store.h"
#include "sqlite_store_merge.h"
#include "test_host.h"

namespace datablox {
namespace {

using testing::EvenKeyGroups;
using testing::TestBatch;
using testing::TestHost;

constexpr int kLogs = testing::kKeyedLogs;
constexpr int kKeys = testing::kKeyedUsers;

struct Store {
  SqliteStore store;
  std::unique_ptr<TestHost> host;
  std::string path;
  Store(const std::filesystem::path& folder, int id, const std::string& key) {
    path = (folder / ("store-" + std::to_string(id) + ".db")).string();
    host = std::make_unique<TestHost>(&store, SqliteStore::spec(), "store/" + std::to_string(id));
    if (!key.empty()) host->set_membership({"store", id, key, kDefaultKeyGroups});
    EXPECT_TRUE(host->Configure(&store, {{"path", ParamValue::String(path)}, {"table", ParamValue::String("t")}}).ok());
    EXPECT_TRUE(store.start().ok());
  }
  void Push(TestBatch& input, uint64_t first) {
    host->set_position({"src.out>store.in", 1, first, first + input.owned.size()});
    store.on_batch(0, input.batch());
    EXPECT_FALSE(host->failure().has_value()) << host->failure()->ToString();
  }
  // "user -> rows" (or "seq" values, by `column`), read from the file itself.
  std::map<std::string, int> Rows(const std::string& column = "user") const {
    std::map<std::string, int> rows;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    std::string sql = "SELECT coalesce(" + column + ", 'NULL'), count(*) FROM t GROUP BY 1";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        rows[reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))] = sqlite3_column_int(stmt, 1);
      }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return rows;
  }
  Status Import(const std::vector<OwnedLog>& state) { return testing::ImportState(store, state); }
};

class SqliteShardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() / ("sqlite_shard_test." + std::to_string(::getpid()));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override {
    old_owner_.reset();
    new_owner_.reset();
    std::filesystem::remove_all(folder_);
  }
  // Two members of a shard routed by hash(user); the first holds the input.
  void MakeMembers(const std::string& key = "user") {
    old_owner_ = std::make_unique<Store>(folder_, 0, key);
    new_owner_ = std::make_unique<Store>(folder_, 1, key);
    TestBatch input = testing::KeyedLogs(&expected_);
    ASSERT_EQ(expected_.size(), static_cast<size_t>(kKeys));
    old_owner_->Push(input, 0);
  }

  std::filesystem::path folder_;
  std::unique_ptr<Store> old_owner_, new_owner_;
  std::map<std::string, int> expected_;
};

TEST_F(SqliteShardTest, DeclaresKeyedStateWithoutAKeyParameter) {
  ClassSpec spec = SqliteStore::spec();
  EXPECT_TRUE(spec.shard.shardable);
  EXPECT_EQ(spec.shard.state, StateKind::kKeyed);
  EXPECT_EQ(spec.shard.key_param, "");
  EXPECT_TRUE(static_cast<bool>(spec.shard.merge));
}

TEST_F(SqliteShardTest, ExportedHalfOfTheGroupsPutsEveryRowOnExactlyOneSide) {
  MakeMembers();
  EXPECT_EQ(old_owner_->store.state_size(), static_cast<uint64_t>(kLogs));
  const KeyGroupSet moving = EvenKeyGroups();
  std::vector<OwnedLog> state;
  ASSERT_TRUE(old_owner_->store.export_state(moving, &state).ok());
  ASSERT_TRUE(new_owner_->Import(state).ok());

  std::map<std::string, int> left = old_owner_->Rows(), arrived = new_owner_->Rows();
  size_t moved_rows = 0;
  for (const auto& [key, n] : expected_) {
    const bool moves = moving.contains_text(key);
    if (moves) moved_rows += n;
    EXPECT_EQ(left.count(key) ? left[key] : 0, moves ? 0 : n) << key;
    EXPECT_EQ(arrived.count(key) ? arrived[key] : 0, moves ? n : 0) << key;
  }
  ASSERT_GT(moved_rows, 0u);
  ASSERT_LT(moved_rows, static_cast<size_t>(kLogs));
  EXPECT_EQ(state.size(), moved_rows);
  EXPECT_EQ(new_owner_->store.state_size(), moved_rows);
  EXPECT_EQ(old_owner_->store.state_size(), kLogs - moved_rows);
  // Every row once, whole: each seq on one side only.
  std::map<std::string, int> seqs = old_owner_->Rows("seq");
  for (const auto& [seq, n] : new_owner_->Rows("seq")) seqs[seq] += n;
  ASSERT_EQ(seqs.size(), static_cast<size_t>(kLogs));
  for (const auto& [seq, n] : seqs) EXPECT_EQ(n, 1) << seq;
}

TEST_F(SqliteShardTest, StateLogsAreTheRowsAsTheyAreStored) {
  MakeMembers();
  std::vector<OwnedLog> state;
  ASSERT_TRUE(old_owner_->store.export_state(EvenKeyGroups(), &state).ok());
  ASSERT_FALSE(state.empty());
  const std::string user(state[0].get("user").as_string());
  EXPECT_EQ(state[0].to_json(),
            "{\"seq\":" + std::to_string(state[0].get("seq").as_int()) + ",\"user\":\"" + user + "\"}");
}

TEST_F(SqliteShardTest, ExportOfAnEmptySetMovesNothing) {
  MakeMembers();
  std::vector<OwnedLog> state;
  ASSERT_TRUE(old_owner_->store.export_state(KeyGroupSet(kDefaultKeyGroups, {}), &state).ok());
  EXPECT_TRUE(state.empty());
  EXPECT_EQ(old_owner_->store.state_size(), static_cast<uint64_t>(kLogs));
}

TEST_F(SqliteShardTest, AStoreNotRoutedByHashHoldsNoStateToMove) {
  MakeMembers(/*key=*/"");
  std::vector<OwnedLog> state;
  ASSERT_TRUE(old_owner_->store.export_state(EvenKeyGroups(), &state).ok());
  EXPECT_TRUE(state.empty());
  EXPECT_EQ(old_owner_->store.state_size(), static_cast<uint64_t>(kLogs));  // its rows, all still here
  AddAnswer answer = old_owner_->store.can_add({.members = 1, .moving_share = 0.5});
  EXPECT_TRUE(answer.yes);
  EXPECT_EQ(answer.cost, 0);
}

TEST_F(SqliteShardTest, CanAddCostsTheRowsThatWouldMove) {
  MakeMembers();
  AddAnswer answer = old_owner_->store.can_add({.members = 1, .moving_share = 0.5});
  EXPECT_TRUE(answer.yes);
  EXPECT_EQ(answer.cost, kLogs * 0.5);
}

TEST_F(SqliteShardTest, RowsWithoutTheKeyMoveWithTheGroupOfNull) {
  old_owner_ = std::make_unique<Store>(folder_, 0, "user");
  new_owner_ = std::make_unique<Store>(folder_, 1, "user");
  TestBatch input;
  LogBuilder log;
  for (int i = 0; i < 3; ++i) input.add(log.clear().add("seq", i));  // no "user" column yet
  old_owner_->Push(input, 0);
  const KeyGroupSet null_group(kDefaultKeyGroups, {KeyGroupOf("null", kDefaultKeyGroups)});
  std::vector<OwnedLog> state;
  ASSERT_TRUE(old_owner_->store.export_state(null_group, &state).ok());
  EXPECT_EQ(state.size(), 3u);
  EXPECT_EQ(old_owner_->store.state_size(), 0u);
  ASSERT_TRUE(new_owner_->Import(state).ok());
  EXPECT_EQ(new_owner_->store.state_size(), 3u);
}

TEST_F(SqliteShardTest, AFailedImportLeavesNoRowAndNoColumn) {
  MakeMembers();
  std::vector<OwnedLog> state;
  LogBuilder log;
  state.emplace_back(std::string(log.clear().add("user", "u").add("extra", 1).bytes()));
  state.emplace_back(std::string(log.clear().add(std::string_view("bad\0name", 8), 1).bytes()));
  Status st = new_owner_->Import(state);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "state log 1: a field name holds a NUL byte");
  EXPECT_EQ(new_owner_->store.state_size(), 0u);
  // The store goes on, its columns as the table has them: "extra" again is new.
  state.pop_back();
  ASSERT_TRUE(new_owner_->Import(state).ok()) << "after the rollback";
  EXPECT_EQ(new_owner_->Rows("extra"), (std::map<std::string, int>{{"1", 1}}));
}

TEST(SqliteMergeTest, ConcatenatesRowsInMemberOrderAndCountsThem) {
  std::vector<OwnedLog> owned;
  for (const char* json : {R"({"rows": [{"a": 1}, {"a": 2}], "count": 2})", R"({"rows": [], "count": 0})",
                           R"({"rows": [{"a": 3, "b": "x"}], "count": 1})"}) {
    owned.emplace_back();
    ASSERT_TRUE(OwnedLog::FromJson(json, &owned.back()).ok());
  }
  std::vector<const Log*> replies;
  for (const OwnedLog& log : owned) replies.push_back(&log.log());
  LogBuilder merged;
  ASSERT_TRUE(MergeSqliteReplies(replies, &merged).ok());
  EXPECT_EQ(OwnedLog(std::string(merged.bytes())).to_json(), R"({"count":3,"rows":[{"a":1},{"a":2},{"a":3,"b":"x"}]})");

  OwnedLog bad;
  ASSERT_TRUE(OwnedLog::FromJson(R"({"rows": 5})", &bad).ok());
  replies.push_back(&bad.log());
  Status st = MergeSqliteReplies(replies, &merged);
  EXPECT_EQ(st.message(), "reply 3: \"rows\" is no list");
}

}  // namespace
}  // namespace datablox
