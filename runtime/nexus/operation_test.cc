#include "runtime/nexus/operation.h"

#include <gtest/gtest.h>

namespace datablox::nexus {
namespace {

TEST(NexusOperation, ProgressIsSummedOverItsStreams) {
  Operation op(5);
  op.Add(1);
  op.Add(2);
  op.OnProgress(1, 10, 100, 50);
  op.OnProgress(2, 20, 200, 60);
  const OperationProgress p = op.progress();
  EXPECT_EQ(p.items, 30u);
  EXPECT_EQ(p.bytes, 300u);
  EXPECT_EQ(p.expected, 110);
  EXPECT_TRUE(p.expected_known);
  EXPECT_EQ(p.streams, 2u);
  EXPECT_EQ(p.live, 2u);
}

TEST(NexusOperation, AnUnknownExpectedCountIsSaid) {
  Operation op(5);
  op.Add(1);
  op.Add(2);
  op.OnProgress(1, 10, 100, 50);
  EXPECT_FALSE(op.progress().expected_known);
}

TEST(NexusOperation, DoneWhenEveryStreamEndedAndOkWhenNoneFailed) {
  Operation op(5);
  op.Add(1);
  op.Add(2);
  op.OnEnded(1, Status::OK());
  EXPECT_FALSE(op.done());
  op.OnEnded(2, Status::OK());
  EXPECT_TRUE(op.done());
  EXPECT_TRUE(op.status().ok());
  EXPECT_EQ(op.failed_stream(), 0u);
}

TEST(NexusOperation, TheFirstErrorIsTheOperations) {
  Operation op(5);
  op.Add(1);
  op.Add(2);
  op.Add(3);
  op.OnEnded(2, Status::Timeout("stream 2 timed out"));
  op.OnEnded(1, Status::Invalid("stream 1 mismatched"));
  EXPECT_EQ(op.status().message(), "stream 2 timed out");
  EXPECT_EQ(op.failed_stream(), 2u);
  EXPECT_FALSE(op.done());
}

TEST(NexusOperation, CancelReturnsEveryLiveStreamOnce) {
  Operation op(5);
  op.Add(1);
  op.Add(2);
  op.Add(3);
  op.OnEnded(2, Status::OK());
  EXPECT_EQ(op.Cancel(), (std::vector<uint64_t>{1, 3}));
  EXPECT_TRUE(op.done());
  EXPECT_EQ(op.status().message(), "nexus operation 5 cancelled (2 live streams aborted)");
  EXPECT_TRUE(op.Cancel().empty());
  op.OnEnded(1, Status::Unavailable("aborted"));  // the abort's own report changes nothing
  EXPECT_EQ(op.status().message(), "nexus operation 5 cancelled (2 live streams aborted)");
}

TEST(NexusOperation, CancelKeepsAnEarlierError) {
  Operation op(5);
  op.Add(1);
  op.Add(2);
  op.OnEnded(1, Status::Invalid("count mismatch"));
  op.Cancel();
  EXPECT_EQ(op.status().message(), "count mismatch");
}

TEST(NexusOperation, StreamsNotInTheOperationAreIgnored) {
  Operation op(5);
  op.Add(1);
  op.OnEnded(9, Status::Invalid("not mine"));
  op.OnProgress(9, 1, 1, 1);
  EXPECT_TRUE(op.status().ok());
  EXPECT_EQ(op.progress().items, 0u);
}

}  // namespace
}  // namespace datablox::nexus
