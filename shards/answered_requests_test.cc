#include "shards/answered_requests.h"

#include <gtest/gtest.h>

namespace datablox::shards {

TEST(AnsweredRequestsTest, AQuestionAskedAgainFindsItsFirstAnswer) {
  AnsweredRequests answered;
  EXPECT_EQ(answered.Find(7), nullptr);
  answered.Keep(7, control::Json{{"request", 7}, {"logs", {"a", "b"}}});
  answered.Keep(8, control::Json{{"request", 8}});
  ASSERT_NE(answered.Find(7), nullptr);
  EXPECT_EQ((*answered.Find(7))["logs"], (control::Json{"a", "b"}));
  EXPECT_EQ((*answered.Find(8))["request"], 8);
  EXPECT_EQ(answered.Find(9), nullptr);
}

TEST(AnsweredRequestsTest, TheOldestAnswerGoesWhenFull) {
  AnsweredRequests answered(2);
  answered.Keep(1, control::Json{{"n", 1}});
  answered.Keep(2, control::Json{{"n", 2}});
  answered.Keep(3, control::Json{{"n", 3}});
  EXPECT_EQ(answered.size(), 2u);
  EXPECT_EQ(answered.Find(1), nullptr);
  EXPECT_NE(answered.Find(2), nullptr);
  EXPECT_NE(answered.Find(3), nullptr);
}

TEST(AnsweredRequestsTest, ALeaverOfTheLargestShardKeepsEveryExportOfOneShrink) {
  AnsweredRequests answered;
  for (uint64_t id = 100; id < 100 + 63; ++id) answered.Keep(id, control::Json{{"request", id}});
  for (uint64_t id = 100; id < 100 + 63; ++id) EXPECT_NE(answered.Find(id), nullptr) << id;
}

}  // namespace datablox::shards
