#include "shards/merge.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace datablox::shards {
namespace {

// Replies written as JSON, merged, and the merged log read back as JSON
// (whose maps list their keys sorted: FieldOrder tells the order written).
class MergeTest : public ::testing::Test {
 protected:
  void Reply(const std::string& json) {
    OwnedLog log;
    Status st = OwnedLog::FromJson(json, &log);
    ASSERT_TRUE(st.ok()) << st.ToString() << " in " << json;
    owned_.push_back(std::move(log));
  }
  Status Merge(MergeKind kind, const MergeOptions& options = {}) {
    std::vector<const Log*> replies;
    for (const OwnedLog& log : owned_) replies.push_back(&log.log());
    return MergeReplies(kind, replies, &merged_, options);
  }
  std::string Merged(MergeKind kind, const MergeOptions& options = {}) {
    Status st = Merge(kind, options);
    if (!st.ok()) return "error: " + st.message();
    return OwnedLog(std::string(merged_.bytes())).to_json();
  }

  void Reply(LogBuilder& builder) { owned_.emplace_back(std::string(builder.bytes())); }
  std::string FieldOrder() {
    OwnedLog merged(std::string(merged_.bytes()));
    Value root = merged.log().root();
    std::string keys;
    for (size_t i = 0; i < root.size(); ++i) keys += std::string(i ? "," : "") + std::string(root.key_at(i));
    return keys;
  }

  std::vector<OwnedLog> owned_;
  LogBuilder merged_;
};

TEST_F(MergeTest, FirstIsTheLowestMembersReplyAsItIs) {
  Reply(R"({"count":3,"who":"users/0"})");
  Reply(R"({"count":5,"who":"users/1","extra":true})");
  EXPECT_EQ(Merged(MergeKind::kFirst), R"({"count":3,"who":"users/0"})");
}

TEST_F(MergeTest, SumAddsIntsAsInts) {
  Reply(R"({"count":3})");
  Reply(R"({"count":4})");
  Reply(R"({"count":-2})");
  EXPECT_EQ(Merged(MergeKind::kSum), R"({"count":5})");
  EXPECT_EQ(OwnedLog(std::string(merged_.bytes())).get("count").type(), ValueType::kInt);
}

TEST_F(MergeTest, SumOfAnIntAndAFloatIsAFloat) {
  Reply(R"({"total":1})");
  Reply(R"({"total":0.5})");
  EXPECT_EQ(Merged(MergeKind::kSum), R"({"total":1.5})");
  EXPECT_EQ(OwnedLog(std::string(merged_.bytes())).get("total").type(), ValueType::kFloat);
}

TEST_F(MergeTest, SumAddsNestedMapsKeyByKey) {
  Reply(R"({"count":3,"groups":{"a":1,"b":2}})");
  Reply(R"({"count":4,"groups":{"b":1,"c":3}})");
  EXPECT_EQ(Merged(MergeKind::kSum), R"({"count":7,"groups":{"a":1,"b":3,"c":3}})");
}

TEST_F(MergeTest, SumRecursesThroughSeveralLevels) {
  Reply(R"({"by":{"eu":{"fr":1,"de":2},"us":{"ny":5}}})");
  Reply(R"({"by":{"eu":{"fr":10},"asia":{"jp":7}}})");
  EXPECT_EQ(Merged(MergeKind::kSum), R"({"by":{"asia":{"jp":7},"eu":{"de":2,"fr":11},"us":{"ny":5}}})");
}

TEST_F(MergeTest, SumTakesAFieldOnlySomeRepliesHaveAsItIs) {
  Reply(R"({"count":1})");
  Reply(R"({"count":2,"note":"late","more":4})");
  EXPECT_EQ(Merged(MergeKind::kSum), R"({"count":3,"more":4,"note":"late"})");
}

TEST_F(MergeTest, SumKeepsTheFirstRepliesNonNumericFields) {
  Reply(R"({"name":"a","on":true,"tags":[1],"count":1})");
  Reply(R"({"name":"b","on":false,"tags":[2],"count":1})");
  EXPECT_EQ(Merged(MergeKind::kSum), R"({"count":2,"name":"a","on":true,"tags":[1]})");
}

TEST_F(MergeTest, FieldsComeInTheFirstReplysOrderThenWhereEachFirstAppeared) {
  LogBuilder b;
  Reply(b.clear().add("z", 1).add("a", 1));
  Reply(b.clear().add("m", 1).add("a", 1).add("b", 1));
  Reply(b.clear().add("c", 1).add("z", 1));
  for (MergeKind kind : {MergeKind::kSum, MergeKind::kUnion, MergeKind::kMin, MergeKind::kMax}) {
    ASSERT_TRUE(Merge(kind).ok());
    EXPECT_EQ(FieldOrder(), "z,a,m,b,c") << MergeKindName(kind);
  }
}

TEST_F(MergeTest, SumOfMixedTypesTakesTheFirstRepliesValue) {
  Reply(R"({"x":"three","y":{"a":1}})");
  Reply(R"({"x":3,"y":2})");
  EXPECT_EQ(Merged(MergeKind::kSum), R"({"x":"three","y":{"a":1}})");
}

TEST_F(MergeTest, SumOverflowingAnIntIsAnError) {
  Reply(R"({"n":9223372036854775807})");
  Reply(R"({"n":1})");
  EXPECT_EQ(Merged(MergeKind::kSum), "error: merge sum: 'n' overflows a 64-bit int");
}

TEST_F(MergeTest, UnionConcatenatesListsInMemberOrder) {
  Reply(R"({"rows":[{"id":1},{"id":2}],"count":2})");
  Reply(R"({"rows":[],"count":0})");
  Reply(R"({"rows":[{"id":3}],"count":1})");
  EXPECT_EQ(Merged(MergeKind::kUnion), R"({"count":2,"rows":[{"id":1},{"id":2},{"id":3}]})");
}

TEST_F(MergeTest, UnionKeepsTheFirstReplysValueWhereTypesDiffer) {
  Reply(R"({"rows":[1],"cols":{"a":1}})");
  Reply(R"({"rows":"none","cols":{"b":2}})");
  EXPECT_EQ(Merged(MergeKind::kUnion), R"({"cols":{"a":1},"rows":[1]})");
}

TEST_F(MergeTest, UnionCopiesNestedAndFloatItemsExactly) {
  Reply(R"({"rows":[[1,2.5],{"deep":{"x":null}}]})");
  Reply(R"({"rows":[3.0,"s"]})");
  EXPECT_EQ(Merged(MergeKind::kUnion), R"({"rows":[[1,2.5],{"deep":{"x":null}},3.0,"s"]})");
}

TEST_F(MergeTest, MinAndMaxPickPerFieldAndKeepTheWinnersType) {
  Reply(R"({"lo":5,"hi":1.5,"name":"a"})");
  Reply(R"({"lo":2.5,"hi":7,"name":"b"})");
  Reply(R"({"lo":3,"hi":-1})");
  EXPECT_EQ(Merged(MergeKind::kMin), R"({"hi":-1,"lo":2.5,"name":"a"})");
  EXPECT_EQ(Merged(MergeKind::kMax), R"({"hi":7,"lo":5,"name":"a"})");
  EXPECT_EQ(OwnedLog(std::string(merged_.bytes())).get("hi").type(), ValueType::kInt);
}

TEST_F(MergeTest, MinAndMaxRecurseIntoNestedMaps) {
  Reply(R"({"by":{"a":4,"b":{"c":9}}})");
  Reply(R"({"by":{"a":1,"b":{"c":10,"d":0}}})");
  EXPECT_EQ(Merged(MergeKind::kMin), R"({"by":{"a":1,"b":{"c":9,"d":0}}})");
  EXPECT_EQ(Merged(MergeKind::kMax), R"({"by":{"a":4,"b":{"c":10,"d":0}}})");
}

TEST_F(MergeTest, MinComparesLargeIntsExactly) {
  Reply(R"({"n":9007199254740993})");  // 2^53 + 1: a double cannot tell it from 2^53
  Reply(R"({"n":9007199254740992})");
  EXPECT_EQ(Merged(MergeKind::kMin), R"({"n":9007199254740992})");
  EXPECT_EQ(Merged(MergeKind::kMax), R"({"n":9007199254740993})");
}

TEST_F(MergeTest, OneReplyMergesToItself) {
  Reply(R"({"count":3,"groups":{"a":3},"rows":[1]})");
  for (MergeKind kind : {MergeKind::kFirst, MergeKind::kSum, MergeKind::kUnion, MergeKind::kMin, MergeKind::kMax}) {
    EXPECT_EQ(Merged(kind), R"({"count":3,"groups":{"a":3},"rows":[1]})") << MergeKindName(kind);
  }
}

TEST_F(MergeTest, MapsDeeperThanTheLimitAreAnError) {
  Reply(R"({"a":{"b":{"c":1}}})");
  Reply(R"({"a":{"b":{"c":2}}})");
  MergeOptions shallow;
  shallow.max_depth = 2;  // the root and "a": "a.b" is a level too deep
  EXPECT_EQ(Merged(MergeKind::kSum, shallow), "error: merge sum: 'a.b' nests deeper than 2 levels");
  EXPECT_EQ(Merged(MergeKind::kMax, shallow), "error: merge max: 'a.b' nests deeper than 2 levels");
  shallow.max_depth = 3;
  EXPECT_EQ(Merged(MergeKind::kSum, shallow), R"({"a":{"b":{"c":3}}})");
}

TEST_F(MergeTest, CustomCallsTheClassesMergeWithEveryReplyInOrder) {
  Reply(R"({"sum":6,"n":2})");
  Reply(R"({"sum":4,"n":3})");
  MergeFunction mean = [](const std::vector<const Log*>& replies, LogBuilder* merged) {
    double sum = 0, n = 0;
    for (const Log* reply : replies) {
      sum += reply->get("sum").as_float();
      n += reply->get("n").as_float();
    }
    merged->add("mean", sum / n).add("first_n", replies.front()->get("n").as_int());
    return Status::OK();
  };
  MergeOptions options;
  options.custom = &mean;
  EXPECT_EQ(Merged(MergeKind::kCustom, options), R"({"first_n":2,"mean":2.0})");
}

TEST_F(MergeTest, CustomErrorsAndThrowsBecomeTheMergesError) {
  Reply(R"({"x":1})");
  MergeFunction refuses = [](const std::vector<const Log*>&, LogBuilder*) { return Status::Invalid("no can do"); };
  MergeFunction throws = [](const std::vector<const Log*>&, LogBuilder*) -> Status {
    throw std::runtime_error("boom");
  };
  MergeOptions options;
  options.custom = &refuses;
  EXPECT_EQ(Merged(MergeKind::kCustom, options), "error: no can do");
  options.custom = &throws;
  EXPECT_EQ(Merged(MergeKind::kCustom, options), "error: merge custom: boom");
  EXPECT_EQ(Merged(MergeKind::kCustom), "error: merge custom: the member class has no merge");
}

TEST_F(MergeTest, NoReplyIsAnError) { EXPECT_EQ(Merged(MergeKind::kSum), "error: merge: no reply to merge"); }

}  // namespace
}  // namespace datablox::shards
