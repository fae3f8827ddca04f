// The receiving end of a push link, fed fake batches, resumes and ENDs (no
// socket): which logs it processes, which it drops, and what credit it owes.
#include "runtime/host/in_link.h"

#include <gtest/gtest.h>

#include <vector>

namespace datablox::host {
namespace {

constexpr uint64_t kStream = 0x5eed;
constexpr uint32_t kChunk = 10;  // credit goes back in chunks of this many logs
const Clock::time_point kT0 = Clock::time_point() + std::chrono::hours(1);

using Batch = InLinkState::Batch;

// A link whose sender resumed at `offset` on `stream`, from connection "a>b#1".
InLinkState ResumedAt(uint64_t offset, uint64_t stream = kStream) {
  InLinkState link;
  link.peer().Proved("a>b#1");
  link.OnResume({stream, offset, {}}, /*may_reopen=*/true);
  return link;
}

// The batch at `first` of `count` logs arrives and is processed in full by
// an element without outputs.
void Process(InLinkState& link, uint64_t first, uint64_t count) {
  InLinkState::BatchVerdict v = link.OnBatch(first, count);
  ASSERT_EQ(v.kind, Batch::kFresh);
  link.Processed(first + count, count - v.skip);
  link.ReleaseProcessed();
}

TEST(InLinkStateTest, ABatchBeforeAnyResumeIsStaleAndAsksForOne) {
  InLinkState link;
  EXPECT_EQ(link.OnBatch(0, 5).kind, Batch::kStale);
  EXPECT_TRUE(link.resync_wanted());
  EXPECT_FALSE(link.CreditDue(/*remainder=*/true, kChunk));
}

TEST(InLinkStateTest, ABatchPastAGapIsStale) {
  InLinkState link = ResumedAt(0);
  EXPECT_FALSE(link.resync_wanted());
  EXPECT_EQ(link.OnBatch(5, 5).kind, Batch::kStale);  // 0..5 never came
  EXPECT_TRUE(link.resync_wanted());
  EXPECT_EQ(link.expect(), 0u);
}

TEST(InLinkStateTest, BatchesInOrderAreFresh) {
  InLinkState link = ResumedAt(0);
  InLinkState::BatchVerdict v = link.OnBatch(0, 5);
  EXPECT_EQ(v.kind, Batch::kFresh);
  EXPECT_EQ(v.skip, 0u);
  link.Processed(5, 5);
  EXPECT_EQ(link.expect(), 5u);
  EXPECT_EQ(link.OnBatch(5, 5).kind, Batch::kFresh);
}

TEST(InLinkStateTest, AReplayOfWhatWasProcessedIsADuplicateAndOurPositionIsSaidAgain) {
  InLinkState link = ResumedAt(0);
  Process(link, 0, 10);
  ASSERT_TRUE(link.CreditDue(false, kChunk));
  link.Granted(kT0);
  EXPECT_FALSE(link.CreditDue(true, kChunk));
  EXPECT_EQ(link.OnBatch(0, 10).kind, Batch::kDuplicate);
  EXPECT_EQ(link.OnBatch(4, 6).kind, Batch::kDuplicate);
  EXPECT_EQ(link.expect(), 10u);
  EXPECT_TRUE(link.CreditDue(false, kChunk));  // a regrant, although nothing new was released
  EXPECT_EQ(link.Credit().offset, 10u);
}

TEST(InLinkStateTest, AReplayThatStraddlesOurPositionIsProcessedFromItsNewTail) {
  InLinkState link = ResumedAt(0);
  Process(link, 0, 7);
  // The sender restarted and batched anew: 5..15 straddles 7.
  InLinkState::BatchVerdict v = link.OnBatch(5, 10);
  ASSERT_EQ(v.kind, Batch::kFresh);
  EXPECT_EQ(v.skip, 2u);
  link.Processed(15, 10 - v.skip);
  EXPECT_EQ(link.expect(), 15u);
  EXPECT_EQ(link.logs(), 15u);  // 7 + 8: each log once
}

TEST(InLinkStateTest, CreditGoesBackInChunksAndTheRemainderWhenAsked) {
  InLinkState link = ResumedAt(0);
  Process(link, 0, 4);
  EXPECT_FALSE(link.CreditDue(/*remainder=*/false, kChunk));  // 4 < 10
  Process(link, 4, 4);
  EXPECT_FALSE(link.CreditDue(false, kChunk));
  Process(link, 8, 4);
  ASSERT_TRUE(link.CreditDue(false, kChunk));  // 12 >= 10
  EXPECT_EQ(link.Credit().stream, kStream);
  EXPECT_EQ(link.Credit().offset, 12u);
  link.Granted(kT0);
  EXPECT_EQ(link.granted(), 12u);
  Process(link, 12, 3);
  EXPECT_FALSE(link.CreditDue(false, kChunk));
  EXPECT_TRUE(link.credit_owed());            // the loop wakes for it...
  EXPECT_TRUE(link.CreditDue(true, kChunk));  // ...and an idle grant sends the rest
}

TEST(InLinkStateTest, NoCreditGoesToALinkWithoutAPeer) {
  InLinkState link;
  link.OnResume({kStream, 0, {}}, true);  // no connection proved itself
  Process(link, 0, 20);
  EXPECT_FALSE(link.CreditDue(true, kChunk));
}

TEST(InLinkStateTest, WithOutputsCreditWaitsUntilEveryOutputAckedWhatWasEmitted) {
  OutLinkState a(100, 100, 0xa), b(100, 100, 0xb);
  std::vector<OutLinkState*> outs = {&a, &b};
  InLinkState link = ResumedAt(0);
  ASSERT_EQ(link.OnBatch(0, 10).kind, Batch::kFresh);
  for (int i = 0; i < 3; ++i) a.Append("x");  // on_batch emitted 3 logs on a, 1 on b
  b.Append("y");
  link.Processed(10, 10);
  link.Hold(outs);
  link.ReleaseHolds(outs, /*keep_marks=*/true);
  EXPECT_EQ(link.released(), 0u);
  EXPECT_TRUE(link.holding());
  a.StartResume();
  b.StartResume();
  a.Seal();
  b.Seal();
  a.OnCredit({0xa, 3, {}});
  link.ReleaseHolds(outs, true);
  EXPECT_EQ(link.released(), 0u);  // b has not acked yet
  b.OnCredit({0xb, 1, {}});
  link.ReleaseHolds(outs, true);
  EXPECT_EQ(link.released(), 10u);
  EXPECT_FALSE(link.holding());
  // The credit carries where our outputs stood: a restart continues there.
  EXPECT_EQ(link.Credit().marks, (std::vector<wire::StreamMark>{{0xa, 3}, {0xb, 1}}));
}

TEST(InLinkStateTest, HoldsAreReleasedInOrder) {
  OutLinkState out(100, 100, 0xa);
  std::vector<OutLinkState*> outs = {&out};
  InLinkState link = ResumedAt(0);
  out.StartResume();
  for (uint64_t first : {0u, 5u}) {
    ASSERT_EQ(link.OnBatch(first, 5).kind, Batch::kFresh);
    out.Append("x");
    out.Append("x");
    link.Processed(first + 5, 5);
    link.Hold(outs);
    out.Seal();
  }
  out.OnCredit({0xa, 2, {}});  // what the first batch emitted
  link.ReleaseHolds(outs, /*keep_marks=*/false);
  EXPECT_EQ(link.released(), 5u);
  EXPECT_TRUE(link.Credit().marks.empty());  // not kept for an element with several inputs
  out.OnCredit({0xa, 4, {}});
  link.ReleaseHolds(outs, false);
  EXPECT_EQ(link.released(), 10u);
}

TEST(InLinkStateTest, AnOutputAddedLaterDoesNotDelayTheHoldsTakenBefore) {
  OutLinkState a(100, 100, 0xa), added(100, 100, 0xc);
  std::vector<OutLinkState*> outs = {&a};
  InLinkState link = ResumedAt(0);
  a.StartResume();
  ASSERT_EQ(link.OnBatch(0, 5).kind, Batch::kFresh);
  a.Append("x");
  link.Processed(5, 5);
  link.Hold(outs);
  a.Seal();
  // A reroute adds a link to a shard's new member before the hold is released.
  link.OutputsAdded(1, 1);
  outs.push_back(&added);
  added.StartResume();
  ASSERT_EQ(link.OnBatch(5, 5).kind, Batch::kFresh);
  added.Append("y");
  link.Processed(10, 5);
  link.Hold(outs);
  added.Seal();
  a.OnCredit({0xa, 1, {}});
  link.ReleaseHolds(outs, /*keep_marks=*/false);
  EXPECT_EQ(link.released(), 5u);  // the first hold marked nothing on the added link
  added.OnCredit({0xc, 1, {}});
  link.ReleaseHolds(outs, false);
  EXPECT_EQ(link.released(), 10u);
  EXPECT_FALSE(link.holding());
}

TEST(InLinkStateTest, AResumeOnANewStreamStartsWhereTheSenderSaysWeStand) {
  // The sender restarted: a new stream, from the offset it last heard acked.
  InLinkState link = ResumedAt(0);
  Process(link, 0, 30);
  InLinkState::ResumeVerdict v = link.OnResume({kStream + 1, 20, {}}, true);
  EXPECT_EQ(v.kind, InLinkState::Resume::kNewStream);
  EXPECT_EQ(link.stream(), kStream + 1);
  EXPECT_EQ(link.expect(), 20u);
  EXPECT_EQ(link.released(), 20u);
  EXPECT_EQ(link.granted(), 20u);
  EXPECT_EQ(link.OnBatch(20, 5).kind, Batch::kFresh);
}

TEST(InLinkStateTest, AResumeAfterOurOwnRestartAcceptsTheSendersBooks) {
  // We restarted: everything is unknown until the sender resumes.
  InLinkState link;
  link.peer().Proved("a>b#1");
  EXPECT_EQ(link.OnBatch(40, 10).kind, Batch::kStale);
  InLinkState::ResumeVerdict v = link.OnResume({kStream, 40, {{0xa, 7}}}, true);
  EXPECT_EQ(v.kind, InLinkState::Resume::kNewStream);
  EXPECT_FALSE(link.resync_wanted());
  EXPECT_EQ(link.OnBatch(40, 10).kind, Batch::kFresh);  // its replay is what we process
  EXPECT_TRUE(link.Credit().marks.empty());             // marks are adopted by the host's choice only
  link.AdoptMarks({{0xa, 7}});
  EXPECT_EQ(link.Credit().marks, (std::vector<wire::StreamMark>{{0xa, 7}}));
}

TEST(InLinkStateTest, AResumeAheadOfUsSkipsWhatWasAckedAlready) {
  InLinkState link = ResumedAt(0);
  Process(link, 0, 10);
  InLinkState::ResumeVerdict v = link.OnResume({kStream, 25, {}}, true);
  EXPECT_EQ(v.kind, InLinkState::Resume::kAhead);
  EXPECT_EQ(link.expect(), 25u);
  EXPECT_EQ(link.granted(), 25u);
}

TEST(InLinkStateTest, AResumeBehindUsIsToldOurPosition) {
  InLinkState link = ResumedAt(0);
  Process(link, 0, 10);
  link.Granted(kT0);
  InLinkState::ResumeVerdict v = link.OnResume({kStream, 4, {}}, true);
  EXPECT_EQ(v.kind, InLinkState::Resume::kBehind);
  EXPECT_EQ(link.expect(), 10u);
  ASSERT_TRUE(link.CreditDue(false, kChunk));
  EXPECT_EQ(link.Credit().offset, 10u);
  EXPECT_EQ(link.OnBatch(4, 6).kind, Batch::kDuplicate);  // its replay is dropped
}

TEST(InLinkStateTest, EndAtOurPositionEndsTheLinkAndARepeatIsAckedAgain) {
  InLinkState link = ResumedAt(0);
  Process(link, 0, 10);
  EXPECT_EQ(link.OnEnd(kStream, 10), InLinkState::End::kEnded);
  EXPECT_TRUE(link.ended());
  EXPECT_EQ(link.OnEnd(kStream, 10), InLinkState::End::kRepeat);
}

TEST(InLinkStateTest, EndBeforeOurPositionOrOnAnotherStreamIsStale) {
  InLinkState link = ResumedAt(0);
  Process(link, 0, 10);
  EXPECT_EQ(link.OnEnd(kStream, 8), InLinkState::End::kStale);  // from before a resume: its replay ends again
  EXPECT_EQ(link.OnEnd(kStream + 1, 10), InLinkState::End::kStale);
  EXPECT_FALSE(link.ended());
  EXPECT_TRUE(link.resync_wanted());
  InLinkState unknown;
  EXPECT_EQ(unknown.OnEnd(kStream, 0), InLinkState::End::kStale);
}

TEST(InLinkStateTest, TheLastGrantAfterEndReportsTheLinkDoneOnce) {
  InLinkState link = ResumedAt(0);
  Process(link, 0, 3);
  ASSERT_EQ(link.OnEnd(kStream, 3), InLinkState::End::kEnded);
  ASSERT_TRUE(link.CreditDue(/*remainder=*/true, kChunk));
  EXPECT_TRUE(link.Granted(kT0));
  link.OnBatch(0, 3);  // a late duplicate asks for a regrant
  ASSERT_TRUE(link.CreditDue(true, kChunk));
  EXPECT_FALSE(link.Granted(kT0 + Milliseconds(1)));  // reported already
}

TEST(InLinkStateTest, ALinkThatEndedInAnEarlierLifeReopensWhenItsSenderReplays) {
  InLinkState link;
  link.EndedBefore();
  EXPECT_TRUE(link.ended());
  EXPECT_FALSE(link.resync_wanted());
  InLinkState::ResumeVerdict v = link.OnResume({kStream, 50, {}}, /*may_reopen=*/true);
  EXPECT_TRUE(v.reopened);
  EXPECT_FALSE(link.ended());
}

TEST(InLinkStateTest, ALinkThatEndedInAnEarlierLifeStaysEndedOnceTheInputsEnded) {
  InLinkState link;
  link.EndedBefore();
  InLinkState::ResumeVerdict v = link.OnResume({kStream, 50, {}}, /*may_reopen=*/false);
  EXPECT_FALSE(v.reopened);
  EXPECT_TRUE(link.ended());
}

TEST(InLinkStateTest, ResyncIsAskedAtMostEveryResyncPeriod) {
  InLinkState link;  // no resume yet: one is wanted
  EXPECT_TRUE(link.ResyncDue(kT0));
  link.ResyncAsked(kT0);
  EXPECT_FALSE(link.ResyncDue(kT0 + kResyncEvery - Milliseconds(1)));
  EXPECT_TRUE(link.ResyncDue(kT0 + kResyncEvery));
  link.ResyncDelivered();
  EXPECT_FALSE(link.ResyncDue(kT0 + kResyncEvery * 10));
}

TEST(InLinkStateTest, DataFromAStrangerAsksForAResync) {
  InLinkState link = ResumedAt(0);
  EXPECT_FALSE(link.resync_wanted());
  link.FromStranger();
  EXPECT_TRUE(link.resync_wanted());
  link.OnResume({kStream, 0, {}}, true);  // whoever resumes is the sender
  EXPECT_FALSE(link.resync_wanted());
}

}  // namespace
}  // namespace datablox::host
