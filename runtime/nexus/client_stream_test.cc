#include "runtime/nexus/client_stream.h"

#include <gtest/gtest.h>

namespace datablox::nexus {
namespace {

ClientStream Streaming(uint32_t window = 4, int64_t timeout_ms = 1000) {
  ClientStream s(9, ClientStreamOptions{window, timeout_ms}, 0);
  EXPECT_EQ(s.OnFrame(Frame{9, Initiated{kUnknownCount}}, 0, 0), ClientAction::kNothing);
  EXPECT_EQ(s.state(), ClientState::kStreaming);
  return s;
}

TEST(NexusClientStream, InitiateCarriesTheWindowAndParadata) {
  ClientStream s(9, ClientStreamOptions{4, 1000}, 0);
  const Frame f = s.MakeInitiate(3, "view=users");
  EXPECT_EQ(f.stream_id, 9u);
  const auto& i = std::get<Initiate>(f.body);
  EXPECT_EQ(i.operation_id, 3u);
  EXPECT_EQ(i.window, 4u);
  EXPECT_EQ(i.paradata, "view=users");
}

TEST(NexusClientStream, CompletionMatchingTheItemsReceivedCompletes) {
  ClientStream s = Streaming();
  EXPECT_EQ(s.OnFrame(Frame{9, Parcel{10, {}}}, 100, 1), ClientAction::kDeliver);
  EXPECT_EQ(s.OnFrame(Frame{9, Parcel{5, {}}}, 50, 2), ClientAction::kDeliver);
  EXPECT_EQ(s.OnFrame(Frame{9, Completion{15, 15, 15, 0}}, 0, 3), ClientAction::kEnded);
  EXPECT_EQ(s.state(), ClientState::kComplete);
  EXPECT_TRUE(s.status().ok());
  EXPECT_EQ(s.items_received(), 15u);
  EXPECT_EQ(s.bytes_received(), 150u);
  EXPECT_EQ(s.parcels_received(), 2u);
}

TEST(NexusClientStream, CompletionCountingMoreThanReceivedIsAMismatch) {
  ClientStream s = Streaming();
  s.OnFrame(Frame{9, Parcel{10, {}}}, 100, 1);
  EXPECT_EQ(s.OnFrame(Frame{9, Completion{11, kUnknownCount, 11, 0}}, 0, 2), ClientAction::kEnded);
  EXPECT_EQ(s.state(), ClientState::kFailed);
  EXPECT_EQ(s.status().message(), "nexus stream 9: count mismatch: the completion says 11 items, 10 were received");
}

TEST(NexusClientStream, ItemsPlusRejectsShortOfExpectedIsAShortLoad) {
  ClientStream s = Streaming();
  s.OnFrame(Frame{9, Parcel{10, {}}}, 100, 1);
  s.OnFrame(Frame{9, Completion{10, 13, 13, 2}}, 0, 2);
  EXPECT_EQ(s.state(), ClientState::kFailed);
  EXPECT_EQ(s.status().message(), "nexus stream 9: short load: 10 items + 2 rejected, 13 expected");
}

TEST(NexusClientStream, RejectsMakeUpTheExpectedCount) {
  ClientStream s = Streaming();
  s.OnFrame(Frame{9, Parcel{10, {}}}, 100, 1);
  s.OnFrame(Frame{9, Completion{10, 12, 12, 2}}, 0, 2);
  EXPECT_EQ(s.state(), ClientState::kComplete);
}

TEST(NexusClientStream, RefusalFailsWithTheServersMessage) {
  ClientStream s(9, ClientStreamOptions{4, 1000}, 0);
  EXPECT_EQ(s.OnFrame(Frame{9, Error{ErrorCode::kRefused, "no view x"}}, 0, 1), ClientAction::kEnded);
  EXPECT_EQ(s.state(), ClientState::kFailed);
  EXPECT_EQ(s.status().message(), "nexus stream 9 refused (code 1): no view x");
}

TEST(NexusClientStream, ServerErrorMidStreamFails) {
  ClientStream s = Streaming();
  s.OnFrame(Frame{9, Parcel{1, {}}}, 1, 1);
  EXPECT_EQ(s.OnFrame(Frame{9, ServerError{ErrorCode::kFailed, "disk gone"}}, 0, 2), ClientAction::kEnded);
  EXPECT_EQ(s.status().message(), "nexus stream 9 failed at the server (code 4): disk gone");
}

TEST(NexusClientStream, AParcelBeforeInitiatedIsAProtocolError) {
  ClientStream s(9, ClientStreamOptions{4, 1000}, 0);
  EXPECT_EQ(s.OnFrame(Frame{9, Parcel{1, {}}}, 1, 1), ClientAction::kEnded);
  EXPECT_EQ(s.status().message(), "nexus stream 9: unexpected parcel frame while initiating");
}

TEST(NexusClientStream, SilenceLongerThanTheTimeoutFails) {
  ClientStream s = Streaming(4, 1000);
  EXPECT_FALSE(s.OnTick(999));
  EXPECT_EQ(s.OnFrame(Frame{9, Heartbeat{0, 0, 100}}, 0, 999), ClientAction::kNothing);
  EXPECT_EQ(s.expected(), 100);
  EXPECT_FALSE(s.OnTick(1998));  // the heartbeat counted as a frame
  EXPECT_TRUE(s.OnTick(1999));
  EXPECT_EQ(s.state(), ClientState::kFailed);
  EXPECT_TRUE(s.status().IsTimeout());
  EXPECT_FALSE(s.OnTick(5000));  // fails once
}

TEST(NexusClientStream, TimeoutAppliesWhileInitiating) {
  ClientStream s(9, ClientStreamOptions{4, 1000}, 0);
  EXPECT_TRUE(s.OnTick(1000));
  EXPECT_EQ(s.status().message(),
            "nexus stream 9: no frame from the server for 1000 ms (timeout 1000 ms) while initiating");
}

TEST(NexusClientStream, CreditGoesBackInBatchesOfHalfTheWindow) {
  ClientStream s = Streaming(4);
  for (int i = 0; i < 4; ++i) s.OnFrame(Frame{9, Parcel{1, {}}}, 1, 1);
  EXPECT_EQ(s.max_unconsumed(), 4u);
  EXPECT_EQ(s.Consumed(1), 0u);
  EXPECT_EQ(s.Consumed(1), 2u);
  EXPECT_EQ(s.Consumed(1), 0u);
  EXPECT_EQ(s.Consumed(1), 2u);
  EXPECT_EQ(s.Consumed(1), 0u);  // nothing left unconsumed: nothing to grant
}

TEST(NexusClientStream, AWindowOfOneGrantsEveryParcel) {
  ClientStream s = Streaming(1);
  s.OnFrame(Frame{9, Parcel{1, {}}}, 1, 1);
  EXPECT_EQ(s.Consumed(1), 1u);
}

TEST(NexusClientStream, AbortEndsTheStreamAndLateParcelsAreIgnored) {
  ClientStream s = Streaming();
  s.OnFrame(Frame{9, Parcel{1, {}}}, 1, 1);
  EXPECT_TRUE(s.Abort());
  EXPECT_EQ(s.state(), ClientState::kAborted);
  EXPECT_FALSE(s.Abort());
  EXPECT_EQ(s.OnFrame(Frame{9, Parcel{1, {}}}, 1, 2), ClientAction::kIgnore);
  EXPECT_EQ(s.items_received(), 1u);
  EXPECT_EQ(s.Consumed(1), 0u);  // no credit for an ended stream
}

}  // namespace
}  // namespace datablox::nexus
