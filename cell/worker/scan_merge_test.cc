// The CellWorker's custom merge (ClassSpec::merge), fed members' replies
// built here from real partials of a pressed region.
#include "cell/worker/scan_merge.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cell/query/partial_codec.h"
#include "cell/query/query_test_util.h"
#include "cell/worker/scan_protocol.h"

namespace datablox::worker {
namespace {

namespace t = eql::testing;

constexpr std::string_view kQuery =
    "select user.country, count(user), sum(user.sessions.events.value), count(distinct user.sessions.events.type) "
    "from schema unity group by user.country";

// The sample's users, one per line, split between two members as a deal would.
std::vector<std::string> UserLines() {
  std::vector<std::string> lines;
  std::istringstream in(t::SampleUsers());
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line + "\n");
  }
  return lines;
}

OwnedLog MemberReply(const eql::Plan& plan, const std::string& users, int worker,
                     const std::string& generation = "00000000000000ff") {
  ScanReply reply;
  reply.partial = users.empty() ? eql::EncodePartial(eql::PartialResult(eql::PartialShape::Of(plan)))
                                : eql::EncodePartial(t::Scan(plan, *t::Press(users)));
  reply.generation_text = generation;
  if (!users.empty()) reply.workers = {{worker, "unity/events@255#" + std::to_string(worker), "memory", 3, 1, 0, 0.5}};
  LogBuilder b;
  EncodeScanReply(reply, &b);
  return OwnedLog(std::string(b.bytes()));
}

std::string Merge(const std::vector<OwnedLog>& owned, ScanReply* out) {
  std::vector<const Log*> replies;
  for (const OwnedLog& log : owned) replies.push_back(&log.log());
  LogBuilder merged;
  if (Status st = MergeScanReplies(replies, &merged); !st.ok()) return "error: " + st.message();
  const OwnedLog log{std::string(merged.bytes())};
  if (Status st = DecodeScanReply(log.log(), out); !st.ok()) return "undecodable: " + st.message();
  return "ok";
}

TEST(ScanMergeTest, TheMembersPartialsMergeIntoTheAnswerOfTheWholeData) {
  const eql::Plan plan = t::MustCompile(kQuery);
  const std::vector<std::string> users = UserLines();
  ASSERT_EQ(users.size(), 3u);
  std::vector<OwnedLog> replies;
  replies.push_back(MemberReply(plan, users[0] + users[2], 0));
  replies.push_back(MemberReply(plan, users[1], 1));
  replies.push_back(MemberReply(plan, "", 2));  // dealt nothing: an empty partial, no workers
  ScanReply merged;
  ASSERT_EQ(Merge(replies, &merged), "ok");
  eql::PartialResult partial{eql::PartialShape{}};
  ASSERT_TRUE(eql::DecodePartial(merged.partial, &partial).ok());
  const eql::PartialResult whole = t::Scan(plan, *t::Press(t::SampleUsers()));
  EXPECT_EQ(t::RowsText(eql::FinishResult(plan, partial)), t::RowsText(eql::FinishResult(plan, whole)));
  EXPECT_EQ(t::RowsText(eql::FinishResult(plan, partial)), "DE,1,3.5,2|FR,2,17.5,3");
  EXPECT_EQ(partial.blobs_scanned, 3u);
  EXPECT_EQ(merged.generation_text, "00000000000000ff");
  ASSERT_EQ(merged.workers.size(), 2u);  // in member order
  EXPECT_EQ(merged.workers[0].worker, 0);
  EXPECT_EQ(merged.workers[1].slice, "unity/events@255#1");
}

TEST(ScanMergeTest, OneReplyMergesToItself) {
  const eql::Plan plan = t::MustCompile(kQuery);
  std::vector<OwnedLog> replies;
  replies.push_back(MemberReply(plan, t::SampleUsers(), 4));
  ScanReply merged;
  ASSERT_EQ(Merge(replies, &merged), "ok");
  ScanReply alone;
  ASSERT_TRUE(DecodeScanReply(replies[0].log(), &alone).ok());
  EXPECT_EQ(merged.partial, alone.partial);
  EXPECT_EQ(merged.workers, alone.workers);
}

TEST(ScanMergeTest, AnErrorInAPartialIsTheMergesErrorNamingItsReply) {
  const eql::Plan plan = t::MustCompile(kQuery);
  std::vector<OwnedLog> replies;
  replies.push_back(MemberReply(plan, t::SampleUsers(), 0));
  ScanReply broken;
  ASSERT_TRUE(DecodeScanReply(replies[0].log(), &broken).ok());
  broken.partial.resize(broken.partial.size() / 2);  // truncated
  LogBuilder b;
  EncodeScanReply(broken, &b);
  replies.emplace_back(std::string(b.bytes()));
  ScanReply merged;
  const std::string error = Merge(replies, &merged);
  EXPECT_EQ(error.rfind("error: reply 1: its partial: ", 0), 0u) << error;
}

TEST(ScanMergeTest, PartialsOfAnotherQueryOrGenerationAreRefused) {
  const eql::Plan plan = t::MustCompile(kQuery);
  const eql::Plan other = t::MustCompile("select count(user) from schema unity");
  ScanReply merged;
  std::vector<OwnedLog> replies;
  replies.push_back(MemberReply(plan, t::SampleUsers(), 0));
  replies.push_back(MemberReply(other, t::SampleUsers(), 1));
  EXPECT_EQ(Merge(replies, &merged), "error: reply 1: its partial: partial results of different queries do not merge");
  replies.pop_back();
  replies.push_back(MemberReply(plan, t::SampleUsers(), 1, "0000000000000100"));
  EXPECT_EQ(Merge(replies, &merged), "error: reply 1: generation 0000000000000100 where reply 0 has 00000000000000ff");
}

TEST(ScanMergeTest, AReplyNotOfTheProtocolIsRefused) {
  std::vector<OwnedLog> replies(1);
  ASSERT_TRUE(OwnedLog::FromJson(R"({"count": 3})", &replies[0]).ok());
  ScanReply merged;
  EXPECT_EQ(Merge(replies, &merged), "error: reply 0: scan reply: \"partial\" must be bytes (an encoded partial)");
  EXPECT_EQ(Merge({}, &merged), "error: scan merge: no replies");
}

}  // namespace
}  // namespace datablox::worker
