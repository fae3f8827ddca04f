#include "runtime/nexus/server_stream.h"

#include <gtest/gtest.h>

namespace datablox::nexus {
namespace {

TEST(NexusServerStream, SendsNoMoreThanTheWindowWithoutCredit) {
  ServerStream s(3, 500, 0);
  int sent = 0;
  while (s.CanSend() && sent < 100) {
    s.OnSent(10, 1000, 1);
    ++sent;
  }
  EXPECT_EQ(sent, 3);
  EXPECT_EQ(s.in_flight(), 3u);
}

TEST(NexusServerStream, CreditLetsItSendAsManyMore) {
  ServerStream s(2, 500, 0);
  s.OnSent(1, 1, 1);
  s.OnSent(1, 1, 1);
  EXPECT_FALSE(s.CanSend());
  EXPECT_TRUE(s.OnCredit(1).ok());
  EXPECT_EQ(s.in_flight(), 1u);
  EXPECT_TRUE(s.CanSend());
  s.OnSent(1, 1, 2);
  EXPECT_FALSE(s.CanSend());
  EXPECT_EQ(s.max_in_flight(), 2u);
}

TEST(NexusServerStream, ASlowClientKeepsInFlightAtTheWindowForever) {
  // 10000 parcels, the client consuming one at a time: never more than the window out.
  ServerStream s(4, 500, 0);
  for (int i = 0; i < 10000; ++i) {
    while (s.CanSend()) s.OnSent(1, 1 << 20, i);
    ASSERT_TRUE(s.OnCredit(1).ok());
  }
  EXPECT_EQ(s.max_in_flight(), 4u);
  EXPECT_EQ(s.items_sent(), 10003u);
}

TEST(NexusServerStream, CreditForParcelsNeverSentIsAProtocolErrorAndClamped) {
  ServerStream s(2, 500, 0);
  s.OnSent(1, 1, 1);
  const Status st = s.OnCredit(5);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "nexus credit: 5 parcels granted, 4 more than were sent");
  EXPECT_EQ(s.in_flight(), 0u);
  s.OnSent(1, 1, 1);
  s.OnSent(1, 1, 1);
  EXPECT_FALSE(s.CanSend());  // still bounded by the window
}

TEST(NexusServerStream, HeartbeatIsDueAfterSilenceAndCarriesProgress) {
  ServerStream s(1, 500, 0);
  s.OnSent(7, 700, 100);
  EXPECT_FALSE(s.HeartbeatDue(599));
  EXPECT_TRUE(s.HeartbeatDue(600));
  const Heartbeat h = s.MakeHeartbeat(70, 600);
  EXPECT_EQ(h.items, 7u);
  EXPECT_EQ(h.bytes, 700u);
  EXPECT_EQ(h.expected, 70);
  EXPECT_FALSE(s.HeartbeatDue(1099));
}

TEST(NexusServerStream, CompletionCountsWhatWasSent) {
  ServerStream s(8, 500, 0);
  s.OnSent(10, 1, 1);
  s.OnSent(20, 1, 1);
  const Completion c = s.Complete(32, 40, 2, 2);
  EXPECT_EQ(c.items, 30u);
  EXPECT_EQ(c.expected, 32);
  EXPECT_EQ(c.potential, 40u);
  EXPECT_EQ(c.rejected, 2u);
  EXPECT_EQ(s.state(), ServerState::kEnded);
  EXPECT_FALSE(s.CanSend());
  EXPECT_FALSE(s.HeartbeatDue(100000));
}

TEST(NexusServerStream, AbortStopsSending) {
  ServerStream s(8, 500, 0);
  s.OnAbort();
  EXPECT_EQ(s.state(), ServerState::kAborted);
  EXPECT_FALSE(s.CanSend());
}

TEST(NexusServerStream, TheWindowIsBounded) {
  ServerStream huge(1u << 30, 500, 0);
  EXPECT_EQ(huge.window(), kMaxWindow);
  ServerStream zero(0, 500, 0);
  EXPECT_EQ(zero.window(), 1u);
}

}  // namespace
}  // namespace datablox::nexus
