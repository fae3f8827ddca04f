#include "shards/reply_gather.h"

#include <gtest/gtest.h>

#include <string>

#include "shards/test_logs.h"

namespace datablox::shards {
namespace {

using Outcome = ReplyGather::Outcome;

using test_logs::Json;

TEST(ReplyGatherTest, AnswersWithTheMergeOnceEveryMemberAskedReplied) {
  ReplyGather gather("users", {0, 1, 2}, MergeKind::kSum);
  EXPECT_EQ(gather.Add(2, Json(R"({"count":5})")), Outcome::kWaiting);
  EXPECT_EQ(gather.Add(0, Json(R"({"count":1})")), Outcome::kWaiting);
  EXPECT_EQ(gather.missing(), std::vector<int>{1});
  EXPECT_FALSE(gather.answered());
  EXPECT_EQ(gather.Add(1, Json(R"({"count":10})")), Outcome::kAnswered);
  EXPECT_TRUE(gather.answered());
  Reply reply = gather.TakeReply();
  ASSERT_TRUE(reply.status.ok()) << reply.status.ToString();
  EXPECT_EQ(reply.log.to_json(), R"({"count":16})");
}

TEST(ReplyGatherTest, MergesInMemberOrderWhateverOrderRepliesCameIn) {
  ReplyGather gather("store", {0, 1}, MergeKind::kUnion);
  EXPECT_EQ(gather.Add(1, Json(R"({"rows":["b"]})")), Outcome::kWaiting);
  EXPECT_EQ(gather.Add(0, Json(R"({"rows":["a"]})")), Outcome::kAnswered);
  EXPECT_EQ(gather.TakeReply().log.to_json(), R"({"rows":["a","b"]})");
}

TEST(ReplyGatherTest, FirstIsTheLowestMemberThatAnsweredNotTheEarliest) {
  ReplyGather gather("users", {3, 1}, MergeKind::kFirst);
  EXPECT_EQ(gather.Add(3, Json(R"({"who":3})")), Outcome::kWaiting);
  EXPECT_EQ(gather.Add(1, Json(R"({"who":1})")), Outcome::kAnswered);
  EXPECT_EQ(gather.TakeReply().log.to_json(), R"({"who":1})");
}

TEST(ReplyGatherTest, OneMemberAskedPassesItsReplyOnAsItCame) {
  ReplyGather gather("users", {4}, MergeKind::kSum);
  OwnedLog reply = Json(R"({"group":"alice","count":7})");
  std::string bytes(reply.bytes());
  EXPECT_EQ(gather.Add(4, std::move(reply)), Outcome::kAnswered);
  EXPECT_EQ(gather.TakeReply().log.bytes(), bytes);
}

TEST(ReplyGatherTest, AnErrorReplyAnswersAtOnceNamingTheMember) {
  ReplyGather gather("users", {0, 1, 2}, MergeKind::kSum);
  EXPECT_EQ(gather.Add(0, Json(R"({"count":1})")), Outcome::kWaiting);
  EXPECT_EQ(gather.AddError(2, "no such table"), Outcome::kAnswered);
  Reply reply = gather.TakeReply();
  EXPECT_EQ(reply.status.code(), Status::Code::kInvalid);
  EXPECT_EQ(reply.status.message(), "users/2: no such table");
  // The others' replies come late.
  EXPECT_EQ(gather.Add(1, Json(R"({"count":1})")), Outcome::kUnwanted);
}

TEST(ReplyGatherTest, AMalformedReplyIsThatMembersError) {
  ReplyGather gather("users", {0, 1}, MergeKind::kSum);
  EXPECT_EQ(gather.Add(1, OwnedLog(std::string("\x93\x01\x02\x03"))), Outcome::kAnswered);
  EXPECT_EQ(gather.TakeReply().status.message(), "users/1: malformed reply: not a msgpack map");
}

TEST(ReplyGatherTest, RepliesOfMembersNotAskedOrTwiceAreUnwanted) {
  ReplyGather gather("users", {0, 1}, MergeKind::kSum);
  EXPECT_EQ(gather.Add(5, Json(R"({"count":1})")), Outcome::kUnwanted);
  EXPECT_EQ(gather.AddError(5, "x"), Outcome::kUnwanted);
  EXPECT_EQ(gather.Add(0, Json(R"({"count":1})")), Outcome::kWaiting);
  EXPECT_EQ(gather.Add(0, Json(R"({"count":1})")), Outcome::kUnwanted);
  EXPECT_EQ(gather.AddError(0, "again"), Outcome::kUnwanted);
  EXPECT_EQ(gather.missing(), std::vector<int>{1});
}

TEST(ReplyGatherTest, ExpiringNamesTheMembersThatDidNotAnswer) {
  ReplyGather gather("users", {0, 1, 2}, MergeKind::kSum);
  EXPECT_EQ(gather.Add(1, Json(R"({"count":1})")), Outcome::kWaiting);
  Reply reply = gather.Expire("ask");
  EXPECT_EQ(reply.status.code(), Status::Code::kTimeout);
  EXPECT_EQ(reply.status.message(), "no reply on 'ask' in time from users/0, users/2");
  EXPECT_TRUE(gather.answered());
  EXPECT_EQ(gather.Add(0, Json(R"({"count":1})")), Outcome::kUnwanted);  // late
}

TEST(ReplyGatherTest, AMergeErrorIsTheAnswersError) {
  ReplyGather gather("users", {0, 1}, MergeKind::kCustom);  // and no merge function
  EXPECT_EQ(gather.Add(0, Json(R"({"x":1})")), Outcome::kWaiting);
  EXPECT_EQ(gather.Add(1, Json(R"({"x":2})")), Outcome::kAnswered);
  EXPECT_EQ(gather.TakeReply().status.message(), "merge custom: the member class has no merge");
}

TEST(ReplyGatherTest, ACustomMergeRunsEvenForOneReply) {
  MergeFunction doubled = [](const std::vector<const Log*>& replies, LogBuilder* merged) {
    merged->add("x", 2 * replies.front()->get("x").as_int());
    return Status::OK();
  };
  ReplyGather gather("users", {0}, MergeKind::kCustom, &doubled);
  EXPECT_EQ(gather.Add(0, Json(R"({"x":21})")), Outcome::kAnswered);
  EXPECT_EQ(gather.TakeReply().log.to_json(), R"({"x":42})");
}

}  // namespace
}  // namespace datablox::shards
