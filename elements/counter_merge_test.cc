// The Counter's custom merge (ClassSpec::merge), fed replies built here.
#include "counter_merge.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "counter.h"
#include "test_host.h"

namespace datablox {
namespace {

class CounterMergeTest : public ::testing::Test {
 protected:
  // Adds a reply given as JSON.
  void Reply(std::string_view json) {
    OwnedLog log;
    ASSERT_TRUE(OwnedLog::FromJson(json, &log).ok()) << json;
    owned_.push_back(std::move(log));
  }
  // The merge as JSON, or "error: MESSAGE".
  std::string Merge() {
    std::vector<const Log*> replies;
    for (const OwnedLog& log : owned_) replies.push_back(&log.log());
    LogBuilder merged;
    Status st = MergeCounterReplies(replies, &merged);
    if (!st.ok()) return "error: " + st.message();
    return OwnedLog(std::string(merged.bytes())).to_json();
  }
  std::vector<OwnedLog> owned_;
};

TEST_F(CounterMergeTest, SumsTheTotalAndEveryGroup) {
  Reply(R"({"count": 5, "groups": {"a": 2, "b": 3}})");
  Reply(R"({"count": 4, "groups": {"b": 1, "c": 3}})");
  EXPECT_EQ(Merge(), R"({"count":9,"groups":{"a":2,"b":4,"c":3}})");
}

TEST_F(CounterMergeTest, SumsTotalsOfKeylessCounters) {
  Reply(R"({"count": 5})");
  Reply(R"({"count": 7})");
  EXPECT_EQ(Merge(), R"({"count":12})");
}

TEST_F(CounterMergeTest, SumsTheCountOfOneGroup) {
  Reply(R"({"group": "a", "count": 2})");
  Reply(R"({"group": "a", "count": 0})");
  EXPECT_EQ(Merge(), R"({"count":2,"group":"a"})");
}

TEST_F(CounterMergeTest, MergesTopListsAndKeepsTheLimit) {
  Reply(R"({"top": [{"group": "a", "count": 9}, {"group": "b", "count": 4}], "limit": 3, "count": 14})");
  Reply(R"({"top": [{"group": "c", "count": 6}, {"group": "d", "count": 4}], "limit": 3, "count": 11})");
  Reply(R"({"top": [], "limit": 3, "count": 0})");
  EXPECT_EQ(
      Merge(),
      R"({"count":25,"limit":3,"top":[{"count":9,"group":"a"},{"count":6,"group":"c"},{"count":4,"group":"b"}]})");
}

TEST_F(CounterMergeTest, AddsAGroupListedByTwoMembers) {
  Reply(R"({"top": [{"group": "a", "count": 3}], "limit": 1, "count": 3})");
  Reply(R"({"top": [{"group": "a", "count": 2}], "limit": 1, "count": 5})");
  EXPECT_EQ(Merge(), R"({"count":8,"limit":1,"top":[{"count":5,"group":"a"}]})");
}

TEST_F(CounterMergeTest, RepliesOfDifferentKindsAreAnError) {
  Reply(R"({"count": 5, "groups": {"a": 5}})");
  Reply(R"({"group": "a", "count": 1})");
  EXPECT_EQ(Merge(), "error: reply 1: not the kind of reply 0");
}

TEST_F(CounterMergeTest, RepliesForDifferentGroupsAreAnError) {
  Reply(R"({"group": "a", "count": 2})");
  Reply(R"({"group": "b", "count": 1})");
  EXPECT_EQ(Merge(), "error: reply 1: not the group of reply 0 ('a')");
}

TEST_F(CounterMergeTest, ACountThatIsNoCountIsAnError) {
  Reply(R"({"count": 5, "groups": {"a": 5}})");
  Reply(R"({"count": 1, "groups": {"a": "one"}})");
  EXPECT_EQ(Merge(), "error: reply 1: group 'a' must be a count (an integer >= 0)");
  owned_.clear();
  Reply(R"({"count": -1})");
  EXPECT_EQ(Merge(), "error: reply 0: \"count\" must be a count (an integer >= 0)");
}

TEST_F(CounterMergeTest, NoReplyIsAnError) { EXPECT_EQ(Merge(), "error: no member answered"); }

// Two hash members' top lists merge into the list one Counter holding every
// count gives: each group is counted by one member only.
TEST(CounterMergeOfMembersTest, MergedTopOfHashMembersIsTheTopOfOneCounter) {
  struct Member {
    Counter counter;
    testing::TestHost host{&counter, Counter::spec(), "c"};
    testing::TestBatch input;
  };
  Member whole, members[2];
  const KeyGroupSet first_half(kDefaultKeyGroups, [] {
    std::vector<int> groups;
    for (int g = 0; g < kDefaultKeyGroups / 2; ++g) groups.push_back(g);
    return groups;
  }());
  LogBuilder log;
  for (Member* m : {&whole, &members[0], &members[1]})
    ASSERT_TRUE(m->host.Configure(&m->counter, {{"key", ParamValue::String("k")}}).ok());
  for (int i = 0; i < 500; ++i) {
    std::string key = "k" + std::to_string((i * 31) % 17 + i % 5);
    log.clear().add("k", key);
    whole.input.add(log);
    members[first_half.contains_text(key) ? 0 : 1].input.add(log);
  }
  std::vector<std::string> replies;
  LogBuilder request;
  request.add("top", 4);
  for (Member* m : {&whole, &members[0], &members[1]}) {
    m->counter.on_batch(0, m->input.batch());
    const testing::TestHost::Answered& answer = m->host.Query(&m->counter, request);
    ASSERT_TRUE(answer.ok) << answer.text;
    replies.emplace_back(answer.log.bytes());
  }
  OwnedLog a(replies[1]), b(replies[2]);
  ASSERT_GT(a.get("top").size(), 0u);
  ASSERT_GT(b.get("top").size(), 0u);
  LogBuilder merged;
  ASSERT_TRUE(MergeCounterReplies({&a.log(), &b.log()}, &merged).ok());
  EXPECT_EQ(OwnedLog(std::string(merged.bytes())).to_json(), OwnedLog(replies[0]).to_json());
}

}  // namespace
}  // namespace datablox
