// The Counter as a shard's member, called directly: its state (a count per
// key) leaves with the key groups that move and arrives whole.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "counter.h"
#include "test_host.h"

namespace datablox {
namespace {

using testing::AllKeyGroups;
using testing::EvenKeyGroups;
using testing::TestBatch;
using testing::TestHost;

constexpr int kLogs = testing::kKeyedLogs;
constexpr int kKeys = testing::kKeyedUsers;

struct Member {
  Counter counter;
  std::unique_ptr<TestHost> host;
  explicit Member(const std::string& key) : host(std::make_unique<TestHost>(&counter, Counter::spec(), "users/0")) {
    EXPECT_TRUE(host->Configure(&counter, {{"key", ParamValue::String(key)}}).ok());
  }
  int Count(const std::string& group) {
    LogBuilder request;
    request.add("group", group);
    const TestHost::Answered& answer = host->Query(&counter, request);
    EXPECT_TRUE(answer.ok) << answer.text;
    return static_cast<int>(answer.log.get("count").as_int());
  }
  uint64_t Total() {
    LogBuilder request;
    const TestHost::Answered& answer = host->Query(&counter, request);
    EXPECT_TRUE(answer.ok) << answer.text;
    return static_cast<uint64_t>(answer.log.get("count").as_int());
  }
};

class CounterShardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestBatch input = testing::KeyedLogs(&expected_);
    ASSERT_EQ(expected_.size(), static_cast<size_t>(kKeys));
    old_owner_.counter.on_batch(0, input.batch());
  }
  // Exports `moving` from the old owner and imports it into the new one.
  std::vector<OwnedLog> Move(const KeyGroupSet& moving) {
    std::vector<OwnedLog> state;
    EXPECT_TRUE(old_owner_.counter.export_state(moving, &state).ok());
    EXPECT_TRUE(testing::ImportState(new_owner_.counter, state).ok());
    return state;
  }

  Member old_owner_{"user"}, new_owner_{"user"};
  std::map<std::string, int> expected_;  // logs per user
};

TEST_F(CounterShardTest, DeclaresKeyedStateByItsKeyParameter) {
  ClassSpec spec = Counter::spec();
  EXPECT_TRUE(spec.shard.shardable);
  EXPECT_EQ(spec.shard.state, StateKind::kKeyed);
  EXPECT_EQ(spec.shard.key_param, "key");
  EXPECT_TRUE(static_cast<bool>(spec.shard.merge));
}

TEST_F(CounterShardTest, StateSizeIsTheNumberOfKeys) {
  EXPECT_EQ(old_owner_.counter.state_size(), static_cast<uint64_t>(kKeys));
  EXPECT_EQ(new_owner_.counter.state_size(), 0u);
}

TEST_F(CounterShardTest, ExportedHalfOfTheGroupsPutsEveryKeyOnExactlyOneSide) {
  const KeyGroupSet moving = EvenKeyGroups();
  std::vector<OwnedLog> state = Move(moving);
  size_t moved_keys = 0;
  for (const auto& [key, n] : expected_) {
    const bool moves = moving.contains_text(key);
    moved_keys += moves;
    EXPECT_EQ(old_owner_.Count(key), moves ? 0 : n) << key;
    EXPECT_EQ(new_owner_.Count(key), moves ? n : 0) << key;
  }
  ASSERT_GT(moved_keys, 0u);
  ASSERT_LT(moved_keys, static_cast<size_t>(kKeys));
  EXPECT_EQ(state.size(), moved_keys);  // one log per moving key
  EXPECT_EQ(new_owner_.counter.state_size(), moved_keys);
  EXPECT_EQ(old_owner_.counter.state_size(), kKeys - moved_keys);
  EXPECT_EQ(old_owner_.Total() + new_owner_.Total(), static_cast<uint64_t>(kLogs));
}

TEST_F(CounterShardTest, StateLogsNameTheKeyAndItsCount) {
  std::vector<OwnedLog> state = Move(EvenKeyGroups());
  ASSERT_FALSE(state.empty());
  for (const OwnedLog& log : state) {
    std::string key(log.get("key").as_string());
    EXPECT_EQ(log.to_json(), "{\"count\":" + std::to_string(expected_[key]) + ",\"key\":\"" + key + "\"}");
  }
}

TEST_F(CounterShardTest, ExportOfAnEmptySetMovesNothing) {
  std::vector<OwnedLog> state = Move(KeyGroupSet(kDefaultKeyGroups, {}));
  EXPECT_TRUE(state.empty());
  EXPECT_EQ(old_owner_.counter.state_size(), static_cast<uint64_t>(kKeys));
  EXPECT_EQ(old_owner_.Total(), static_cast<uint64_t>(kLogs));
  EXPECT_EQ(new_owner_.Total(), 0u);
}

TEST_F(CounterShardTest, MovingEveryGroupEmptiesTheOldOwner) {
  Move(AllKeyGroups());
  EXPECT_EQ(old_owner_.counter.state_size(), 0u);
  EXPECT_EQ(old_owner_.Total(), 0u);
  EXPECT_EQ(new_owner_.Total(), static_cast<uint64_t>(kLogs));
  for (const auto& [key, n] : expected_) EXPECT_EQ(new_owner_.Count(key), n) << key;
}

TEST_F(CounterShardTest, ImportAddsToTheCountOfAKeyHeldAlready) {
  TestBatch input;
  LogBuilder log;
  input.add(log.clear().add("user", "user7"));
  new_owner_.counter.on_batch(0, input.batch());
  Move(AllKeyGroups());
  EXPECT_EQ(new_owner_.Count("user7"), expected_["user7"] + 1);
  EXPECT_EQ(new_owner_.Total(), static_cast<uint64_t>(kLogs) + 1);
}

TEST_F(CounterShardTest, MalformedStateIsRefusedAndChangesNothing) {
  TestBatch state;
  LogBuilder log;
  state.add(log.clear().add("key", "user1").add("count", 5));
  state.add(log.clear().add("key", "user2").add("count", -1));
  Status st = new_owner_.counter.import_state(state.batch());
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "state log 1: \"count\" must be a count (an integer >= 0)");
  EXPECT_EQ(new_owner_.Total(), 0u);
  EXPECT_EQ(new_owner_.counter.state_size(), 0u);

  TestBatch keyless;
  keyless.add(log.clear().add("count", 5));
  st = new_owner_.counter.import_state(keyless.batch());
  EXPECT_EQ(st.message(), "state log 0: \"key\" must be a group's name (a string)");
}

TEST_F(CounterShardTest, SnapshotHoldsTheTotalAndEveryGroupsCount) {
  std::string state;
  ASSERT_TRUE(old_owner_.counter.snapshot(&state).ok());
  OwnedLog snapshot{state};
  EXPECT_EQ(snapshot.log().get("count").as_int(), kLogs);
  Value groups = snapshot.log().get("groups");
  ASSERT_EQ(groups.type(), ValueType::kMap);
  for (const auto& [group, count] : expected_) EXPECT_EQ(groups.get(group).as_int(), count) << group;
}

TEST_F(CounterShardTest, RestoreTakesBackWhatSnapshotWrote) {
  std::string state;
  ASSERT_TRUE(old_owner_.counter.snapshot(&state).ok());
  ASSERT_TRUE(new_owner_.counter.restore(state).ok());
  EXPECT_EQ(new_owner_.Total(), static_cast<uint64_t>(kLogs));
  for (const auto& [group, count] : expected_) EXPECT_EQ(new_owner_.Count(group), count) << group;
  ASSERT_TRUE(new_owner_.counter.restore("").ok());  // a rollback to its start
  EXPECT_EQ(new_owner_.Total(), 0u);
  LogBuilder bad;
  bad.add("count", "many");
  EXPECT_FALSE(new_owner_.counter.restore(bad.bytes()).ok());
  EXPECT_FALSE(new_owner_.counter.restore("not msgpack").ok());
}

TEST(KeylessCounterShardTest, ItsTotalMovesOnlyWithTheWholeKeySpace) {
  Member from(""), to("");
  TestBatch input;
  LogBuilder log;
  for (int i = 0; i < 10; ++i) input.add(log.clear().add("seq", i));
  from.counter.on_batch(0, input.batch());
  std::vector<OwnedLog> state;
  ASSERT_TRUE(from.counter.export_state(KeyGroupSet(kDefaultKeyGroups, {0, 1, 2}), &state).ok());
  EXPECT_TRUE(state.empty());
  ASSERT_TRUE(from.counter.export_state(AllKeyGroups(), &state).ok());
  ASSERT_EQ(state.size(), 1u);
  EXPECT_EQ(state[0].to_json(), "{\"count\":10}");
  ASSERT_TRUE(testing::ImportState(to.counter, state).ok());
  EXPECT_EQ(from.Total(), 0u);
  EXPECT_EQ(to.Total(), 10u);
}

TEST(CounterTopTest, AnswersTheLargestGroupsFirstAndTiesByName) {
  Member counter("user");
  TestBatch input;
  LogBuilder log;
  for (const char* user : {"b", "a", "c", "a", "b", "d", "a"}) input.add(log.clear().add("user", user));
  counter.counter.on_batch(0, input.batch());
  LogBuilder request;
  request.add("top", 2);
  EXPECT_EQ(counter.host->Query(&counter.counter, request).text,
            "{\"count\":7,\"limit\":2,\"top\":[{\"count\":3,\"group\":\"a\"},{\"count\":2,\"group\":\"b\"}]}");
  request.clear().add("top", 0);
  const TestHost::Answered& refused = counter.host->Query(&counter.counter, request);
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.text, "\"top\" must be a positive integer: how many groups");
}

}  // namespace
}  // namespace datablox
