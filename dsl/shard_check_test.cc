// The checker's rules for shards, over fake member classes: each error with
// its exact position and message, and a shard checked like any element.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/checker_test_fixture.h"

namespace datablox::dsl {
namespace {

using checker_testing::Classes;
using checker_testing::kFile;

// Member classes, shaped like the built-ins a shard will hold. Their ports
// need no connection, so that each test shows only the rule it is about.
const std::map<std::string, ClassSpec, std::less<>>& ShardClasses() {
  static const auto* classes = [] {
    auto* c = new std::map<std::string, ClassSpec, std::less<>>;
    auto add = [&](ClassSpec spec) { c->emplace(spec.name, std::move(spec)); };
    add(ClassSpec("Work", "a stateless member, like Map")
            .push_in("in", {}, false)
            .push_out("out", {}, false)
            .param_string("set", "", "what it sets")
            .shardable());
    add(ClassSpec("Tally", "counts per key, like Counter")
            .push_in("in", {}, false)
            .query_in("query")
            .param_string("key", "", "the field counted by")
            .shardable(StateKind::kKeyed, "key"));
    add(ClassSpec("Rows", "keyed rows without a key parameter, with its own merge")
            .push_in("in", {}, false)
            .query_in("query")
            .shardable(StateKind::kKeyed)
            .merge([](const std::vector<const Log*>&, LogBuilder*) { return Status::OK(); }));
    add(ClassSpec("NeedsUser", "wants a user").push_in("in", {{"user", ValueType::kString}}, false).shardable());
    add(ClassSpec("Plain", "not shardable").push_in("in", {}, false));
    return c;
  }();
  return *classes;
}

CheckOptions ShardOptions(std::vector<std::string> known_nodes = {}) {
  CheckOptions options = checker_testing::Options(std::move(known_nodes));
  options.find_class = [](std::string_view name) -> const ClassSpec* {
    if (auto it = ShardClasses().find(name); it != ShardClasses().end()) return &it->second;
    auto it = Classes().find(name);
    return it == Classes().end() ? nullptr : &it->second;
  };
  for (const auto& [name, spec] : ShardClasses()) options.class_names.push_back(name);
  return options;
}

// Every checker error of `text` (which must parse), as "LINE:COL: MESSAGE".
std::vector<std::string> Errors(std::string_view text, const CheckOptions& options = ShardOptions()) {
  std::vector<std::string> out;
  for (const Diagnostic& error : checker_testing::CheckText(text, nullptr, options)) {
    EXPECT_EQ(error.pos.file, kFile);
    out.push_back(std::to_string(error.pos.line) + ":" + std::to_string(error.pos.column) + ": " + error.message);
  }
  return out;
}

using Lines = std::vector<std::string>;

TEST(ShardCheckTest, GoodShardsAreWiredByTheirNamesLikeElements) {
  EXPECT_EQ(Errors("src :: Sequence(count: 10)\n"
                   "work :: shard Work(set: \"a = 1\") { members: 2..4, route: round_robin }\n"
                   "users :: shard Tally(key: \"seq\") { members: 1..8, route: hash(seq), merge: sum }\n"
                   "rows :: shard Rows { route: hash(seq), merge: custom, key_groups: 8 }\n"
                   "all :: shard Work { route: broadcast }\n"
                   "ask :: Asker\n"
                   "src -> work -> users\n"
                   "src -> rows\n"
                   "work -> all\n"
                   "ask.ask => users.query\n"
                   "policy users { queue: 64 }\n"),
            Lines{});
}

TEST(ShardCheckTest, ClassMustDeclareShardable) {
  EXPECT_EQ(Errors("p :: shard Plain { members: 2 }\nsrc :: Sequence(count: 1)\nsrc -> p\n"),
            Lines{"1:12: class 'Plain' cannot be a shard's member: it does not declare shardable()"});
}

TEST(ShardCheckTest, UnknownMemberClassIsReportedAsForAnElement) {
  EXPECT_EQ(Errors("p :: shard Wrk { members: 2 }\n"), Lines{"1:12: unknown class 'Wrk'; did you mean 'Work'?"});
}

TEST(ShardCheckTest, MemberCountsMustBeInRange) {
  EXPECT_EQ(
      Errors("a :: shard Work { members: 0..2 }\n"
             "b :: shard Work { members: 2..65 }\n"
             "c :: shard Work { members: 5..2 }\n"
             "d :: shard Work { members: 64 }\n"),
      (Lines{"1:28: shard 'a' needs at least 1 member, found 0", "2:31: shard 'b' has at most 64 members, found 65",
             "3:28: members: 5..2 of shard 'c': the minimum is larger than the maximum"}));
}

TEST(ShardCheckTest, KeyGroupsInRangeAndAtLeastTheMostMembers) {
  EXPECT_EQ(Errors("a :: shard Work { members: 1..8, key_groups: 4 }\n"
                   "b :: shard Work { key_groups: 0 }\n"
                   "c :: shard Work { key_groups: 65537 }\n"
                   "d :: shard Work { members: 8, key_groups: 8 }\n"),
            (Lines{"1:46: key_groups of shard 'a' (4) must be at least its most members (8): each member owns one "
                   "key group or more",
                   "2:31: key_groups of shard 'b' must be between 1 and 65536, found 0",
                   "3:31: key_groups of shard 'c' must be between 1 and 65536, found 65537"}));
}

TEST(ShardCheckTest, KeyedClassMustRouteByHash) {
  EXPECT_EQ(Errors("a :: shard Tally(key: \"user\") { members: 2 }\n"
                   "b :: shard Tally(key: \"user\") { route: work_queue }\n"
                   "c :: shard Rows\n"),
            (Lines{"1:6: class 'Tally' keeps keyed state, so shard 'a' must route by hash(user), not round_robin",
                   "2:40: class 'Tally' keeps keyed state, so shard 'b' must route by hash(user), not work_queue",
                   "3:6: class 'Rows' keeps keyed state, so shard 'c' must route by hash(FIELD), not round_robin"}));
}

TEST(ShardCheckTest, BroadcastWithKeyedStateIsAnError) {
  EXPECT_EQ(Errors("a :: shard Tally(key: \"user\") { route: broadcast }\n"),
            Lines{"1:40: route broadcast would give every member of 'a' every key: class 'Tally' keeps keyed state, "
                  "so the route must be hash(user)"});
}

TEST(ShardCheckTest, HashFieldMustBeTheClassKeyParameter) {
  EXPECT_EQ(Errors("a :: shard Tally(key: \"session\") { route: hash(user) }\n"
                   "b :: shard Tally { route: hash(user) }\n"
                   "c :: shard Rows { route: hash(anything) }\n"),
            (Lines{"1:48: route hash(user) must route by Tally's key parameter 'key' (\"session\")",
                   "2:32: route hash(user) must route by Tally's key parameter 'key' (\"\")"}));
}

TEST(ShardCheckTest, MergeNeedsAQueryPortAndCustomNeedsTheClassMerge) {
  EXPECT_EQ(Errors("a :: shard Work { merge: sum }\n"
                   "b :: shard Tally(key: \"k\") { route: hash(k), merge: custom }\n"
                   "c :: shard Work { merge: first }\n"
                   "d :: shard Work { merge: custom }\n"),
            (Lines{"1:26: merge: sum merges answers to queries, and class 'Work' has no query input port",
                   "2:53: class 'Tally' has no custom merge (ClassSpec::merge)",
                   "4:26: merge: custom merges answers to queries, and class 'Work' has no query input port"}));
}

TEST(ShardCheckTest, HashFieldMustBeInEveryUpstreamSchemaThatDeclaresOne) {
  EXPECT_EQ(Errors("src :: Sequence(count: 1)\n"
                   "words :: Words\n"
                   "f :: Filter(expr: \"true\")\n"
                   "w :: shard Work { route: hash(user) }\n"
                   "src -> w\n"
                   "words -> w\n"
                   "src -> f -> w\n"),  // a Filter's out port declares nothing: allowed
            (Lines{"5:5: 'src.out' does not provide field 'user' that shard 'w' routes by (hash(user)); it "
                   "provides: seq (int)",
                   "6:7: 'words.out' does not provide field 'user' that shard 'w' routes by (hash(user)); it "
                   "provides: seq (string)"}));
  EXPECT_EQ(Errors("src :: Sequence(count: 1)\nw :: shard Work { route: hash(seq) }\nsrc -> w\n"), Lines{});
}

TEST(ShardCheckTest, MemberInPortSchemaIsCheckedAsForAnElement) {
  EXPECT_EQ(
      Errors("src :: Sequence(count: 1)\nn :: shard NeedsUser { members: 2 }\nsrc -> n\n"),
      Lines{"3:5: 'src.out' does not provide field 'user' (string) that 'n.in' requires; it provides: seq (int)"});
}

TEST(ShardCheckTest, ParamsPortsAndPlacementAreCheckedAsForAnElement) {
  EXPECT_EQ(Errors("t :: shard Tally(ky: \"user\") { route: hash(user) } @ nod2\n"
                   "src :: Sequence(count: 1)\n"
                   "src -> t.input\n",
                   ShardOptions({"local", "node2"})),
            (Lines{"1:18: unknown parameter 'ky' of Tally; valid parameters: key; did you mean 'key'?",
                   "1:44: route hash(user) must route by Tally's key parameter 'key' (\"\")",
                   "1:54: 't' is placed on unknown node 'nod2' (known nodes: local, node2); did you mean 'node2'?",
                   "3:10: unknown port 'input' of 't' (Tally); its push input ports: in"}));
}

TEST(ShardCheckTest, EveryErrorOfAFileAtOnceInFileOrder) {
  const Lines errors = Errors(
      "p :: shard Plain\n"
      "a :: shard Work { members: 0, merge: max }\n"
      "t :: shard Tally(key: \"k\") { route: broadcast }\n");
  EXPECT_EQ(errors, (Lines{"1:12: class 'Plain' cannot be a shard's member: it does not declare shardable()",
                           "2:28: shard 'a' needs at least 1 member, found 0",
                           "2:38: merge: max merges answers to queries, and class 'Work' has no query input port",
                           "3:37: route broadcast would give every member of 't' every key: class 'Tally' keeps "
                           "keyed state, so the route must be hash(k)"}));
}

}  // namespace
}  // namespace datablox::dsl
