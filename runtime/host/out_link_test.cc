// The sending end of a push link, fed fake credit, END acks and resyncs
// (no socket): what it keeps, what it replays, what it may still send.
#include "runtime/host/out_link.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/core/arena.h"

namespace datablox::host {
namespace {

constexpr uint64_t kStream = 0x5eed;

// A log of the given size: its bytes need not be msgpack for the books.
std::string LogOf(int n) { return std::string(static_cast<size_t>(n), 'x'); }

// Appends `count` logs and seals them as one batch; returns its bytes.
std::shared_ptr<std::string> SendBatchOf(OutLinkState& link, int count) {
  for (int i = 0; i < count; ++i) link.Append(LogOf(3));
  return link.Seal();
}

wire::Position CreditAt(uint64_t offset, uint64_t stream = kStream) { return {stream, offset, {}}; }

TEST(OutLinkStateTest, AppendSaysWhenTheBatchIsFull) {
  OutLinkState link(/*window=*/100, /*batch_max=*/3, kStream);
  EXPECT_FALSE(link.Append(LogOf(1)));
  EXPECT_FALSE(link.Append(LogOf(1)));
  EXPECT_TRUE(link.Append(LogOf(1)));
  EXPECT_EQ(link.pending(), 3u);
  EXPECT_EQ(link.emitted(), 3u);
  EXPECT_EQ(link.sent(), 0u);
}

TEST(OutLinkStateTest, ABatchOfLargeLogsIsFullAtItsByteBound) {
  OutLinkState link(/*window=*/1000, /*batch_max=*/1000, kStream);
  const std::string log = LogOf(64 * 1024);  // four of these, with their headers, pass 256 KiB
  EXPECT_FALSE(link.Append(log));
  EXPECT_FALSE(link.Append(log));
  EXPECT_FALSE(link.Append(log));
  EXPECT_TRUE(link.Append(log));
  EXPECT_EQ(link.pending(), 4u);
  EXPECT_GE(4 * log.size(), kBatchBytes);
}

TEST(OutLinkStateTest, ASealedBatchIsNumberedFromWhatWasSentAndKept) {
  OutLinkState link(100, 10, kStream);
  auto first = SendBatchOf(link, 4);
  auto second = SendBatchOf(link, 6);
  ASSERT_EQ(link.unacked().size(), 2u);
  EXPECT_EQ(link.unacked()[0].first, 0u);
  EXPECT_EQ(link.unacked()[0].count, 4u);
  EXPECT_EQ(link.unacked()[1].first, 4u);
  EXPECT_EQ(link.unacked()[1].bytes, second);  // the very buffer, not a copy
  EXPECT_EQ(link.sent(), 10u);
  EXPECT_EQ(link.in_flight(), 10u);
  EXPECT_EQ(link.peak_in_flight(), 10u);
  // The frame is a batch whose header names its first offset.
  detail::Arena arena;
  std::vector<Log> logs;
  uint64_t at = 99;
  ASSERT_TRUE(wire::ReadBatch(*second, &at, &arena, &logs).ok());
  EXPECT_EQ(at, 4u);
  EXPECT_EQ(logs.size(), 6u);
}

TEST(OutLinkStateTest, CreditIsTheWindowLessWhatIsInFlight) {
  OutLinkState link(/*window=*/10, 10, kStream);
  EXPECT_EQ(link.credit(), 10);
  SendBatchOf(link, 8);
  EXPECT_EQ(link.credit(), 2);
  EXPECT_EQ(link.OnCredit(CreditAt(5)), OutLinkState::Credit::kAckedMore);
  EXPECT_EQ(link.credit(), 7);
}

TEST(OutLinkStateTest, CreditFreesEveryBatchItCoversWholly) {
  OutLinkState link(100, 10, kStream);
  SendBatchOf(link, 4);        // 0..4
  SendBatchOf(link, 4);        // 4..8
  SendBatchOf(link, 4);        // 8..12
  link.OnCredit(CreditAt(6));  // covers the first only
  ASSERT_EQ(link.unacked().size(), 2u);
  EXPECT_EQ(link.unacked()[0].first, 4u);
  link.OnCredit(CreditAt(12));
  EXPECT_TRUE(link.unacked().empty());
  EXPECT_EQ(link.in_flight(), 0u);
}

TEST(OutLinkStateTest, CreditIsCumulativeSoARepeatOrAnOlderOneChangesNothing) {
  OutLinkState link(100, 10, kStream);
  SendBatchOf(link, 8);
  EXPECT_EQ(link.OnCredit(CreditAt(8)), OutLinkState::Credit::kAckedMore);
  EXPECT_EQ(link.OnCredit(CreditAt(8)), OutLinkState::Credit::kNoChange);
  EXPECT_EQ(link.OnCredit(CreditAt(3)), OutLinkState::Credit::kNoChange);
  EXPECT_EQ(link.acked(), 8u);
}

TEST(OutLinkStateTest, CreditForAStreamOfAnEarlierLifeIsStale) {
  OutLinkState link(100, 10, kStream);
  SendBatchOf(link, 8);
  EXPECT_EQ(link.OnCredit(CreditAt(8, /*stream=*/kStream + 1)), OutLinkState::Credit::kStale);
  EXPECT_EQ(link.acked(), 0u);
  EXPECT_EQ(link.unacked().size(), 1u);
}

TEST(OutLinkStateTest, TheFirstResumeSaysWhereWeStartAndReplaysNothing) {
  OutLinkState link(100, 10, kStream);
  EXPECT_FALSE(link.resumed());
  OutLinkState::ResumePlan plan = link.StartResume();
  EXPECT_EQ(plan.from.stream, kStream);
  EXPECT_EQ(plan.from.offset, 0u);
  EXPECT_FALSE(plan.replay);
  EXPECT_FALSE(plan.end);
  EXPECT_TRUE(link.resumed());
  EXPECT_EQ(link.replayed_batches(), 0u);
}

TEST(OutLinkStateTest, AResumeAfterARestartOfTheReceiverReplaysWhatIsNotAcked) {
  OutLinkState link(100, 10, kStream);
  link.StartResume();
  SendBatchOf(link, 4);                      // 0..4
  SendBatchOf(link, 4);                      // 4..8
  link.OnCredit({kStream, 4, {{0xa, 40}}});  // with the receiver's own marks
  // The receiver restarted and asks for a resume (a resync).
  OutLinkState::ResumePlan plan = link.StartResume();
  EXPECT_EQ(plan.from.offset, 4u);
  EXPECT_EQ(plan.from.marks, (std::vector<wire::StreamMark>{{0xa, 40}}));
  EXPECT_TRUE(plan.replay);
  ASSERT_EQ(link.unacked().size(), 1u);
  EXPECT_EQ(link.unacked()[0].first, 4u);
  EXPECT_EQ(link.replayed_batches(), 1u);
  EXPECT_FALSE(plan.end);
}

TEST(OutLinkStateTest, AResumeAfterEndSendsEndAgain) {
  OutLinkState link(100, 10, kStream);
  link.StartResume();
  SendBatchOf(link, 2);
  link.EndSent();
  EXPECT_TRUE(link.StartResume().end);
}

TEST(OutLinkStateTest, TheLinkIsDoneOnlyOnceEndIsAckedAndEveryLogIs) {
  OutLinkState link(100, 10, kStream);
  link.StartResume();
  SendBatchOf(link, 5);
  link.EndSent();
  EXPECT_TRUE(link.waiting());
  link.OnEndAck();
  EXPECT_FALSE(link.done());  // END acked, yet 5 logs in flight
  EXPECT_TRUE(link.waiting());
  link.OnCredit(CreditAt(5));
  EXPECT_TRUE(link.done());
  EXPECT_FALSE(link.waiting());
}

TEST(OutLinkStateTest, ASentEndWaitsForItsAck) {
  OutLinkState link(100, 10, kStream);
  EXPECT_FALSE(link.waiting());
  link.EndSent();
  EXPECT_TRUE(link.waiting());
  EXPECT_FALSE(link.done());
  link.OnEndAck();
  EXPECT_TRUE(link.done());
}

TEST(OutLinkStateTest, AnUntouchedLinkAdoptsTheStreamOfItsEarlierLife) {
  OutLinkState link(100, 10, kStream);
  EXPECT_TRUE(link.untouched());
  link.Adopt({0xbeef, 1200});
  EXPECT_EQ(link.stream(), 0xbeefu);
  EXPECT_EQ(link.sent(), 1200u);
  EXPECT_EQ(link.acked(), 1200u);
  EXPECT_EQ(link.in_flight(), 0u);
  SendBatchOf(link, 3);
  EXPECT_EQ(link.unacked()[0].first, 1200u);  // what it emits again lands on the old offsets
}

TEST(OutLinkStateTest, ALinkIsTouchedOnceItBuiltSentOrResumed) {
  OutLinkState built(100, 10, kStream);
  built.Append(LogOf(1));
  EXPECT_FALSE(built.untouched());
  OutLinkState resumed(100, 10, kStream);
  resumed.StartResume();
  EXPECT_FALSE(resumed.untouched());
}

}  // namespace
}  // namespace datablox::host
