#include "runtime/host/shard_fence.h"

#include <gtest/gtest.h>

namespace datablox::host {
namespace {

// `logs` logs emitted on `link`, in one batch, sent.
void Send(OutLinkState& link, int logs) {
  for (int i = 0; i < logs; ++i) link.Append("x");
  link.Seal();
}

void Ack(OutLinkState& link, uint64_t offset) { link.OnCredit({link.stream(), offset, {}}); }

TEST(ShardFenceTest, IsReachedOnceEveryLinkAckedWhatWasEmittedBeforeIt) {
  OutLinkState a(100, 10, 1), b(100, 10, 2);
  Send(a, 5);
  Send(b, 3);
  ShardFence fence;
  fence.Arm(7, {&a, &b});
  EXPECT_FALSE(fence.Reached());
  Ack(a, 5);
  EXPECT_FALSE(fence.Reached());
  Ack(b, 3);
  EXPECT_TRUE(fence.Reached());
  EXPECT_EQ(fence.version(), 7u);
  EXPECT_FALSE(fence.Reached());  // reported once
  EXPECT_FALSE(fence.armed());
}

TEST(ShardFenceTest, ABatchBeingBuiltCountsAsEmitted) {
  OutLinkState a(100, 10, 1);
  Send(a, 2);
  a.Append("pending");
  ShardFence fence;
  fence.Arm(1, {&a});
  Ack(a, 2);
  EXPECT_FALSE(fence.Reached());
  a.Seal();
  Ack(a, 3);
  EXPECT_TRUE(fence.Reached());
}

TEST(ShardFenceTest, LogsSentAfterTheFenceDoNotDelayIt) {
  OutLinkState a(100, 10, 1);
  Send(a, 2);
  ShardFence fence;
  fence.Arm(1, {&a});
  Send(a, 4);  // to groups that are not held
  Ack(a, 2);
  EXPECT_TRUE(fence.Reached());
}

TEST(ShardFenceTest, WithoutLinksItIsReachedAtOnce) {
  ShardFence fence;
  fence.Arm(3, {});
  EXPECT_TRUE(fence.Reached());
}

TEST(ShardFenceTest, ANewerTableReplacesTheFenceAndADisarmedOneIsNeverReached) {
  OutLinkState a(100, 10, 1), b(100, 10, 2);
  Send(a, 1);
  Send(b, 1);
  ShardFence fence;
  fence.Arm(1, {&a});
  fence.Arm(2, {&b});
  Ack(a, 1);
  EXPECT_FALSE(fence.Reached());
  Ack(b, 1);
  EXPECT_TRUE(fence.Reached());
  EXPECT_EQ(fence.version(), 2u);
  fence.Arm(3, {&a});
  fence.Disarm();
  EXPECT_FALSE(fence.Reached());
}

}  // namespace
}  // namespace datablox::host
