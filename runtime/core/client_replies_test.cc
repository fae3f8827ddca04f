#include "runtime/core/client_replies.h"

#include <gtest/gtest.h>

#include <string>

namespace datablox::control {
namespace {

// Encodes, decodes (through text, as on the wire) into a fresh struct and
// encodes again: the same JSON, nothing lost, nothing added.
template <class Reply>
Json RoundTrip(const Reply& reply) {
  Json wire = ToJson(reply);
  Json parsed = Json::parse(wire.dump());
  Refusal refusal;
  EXPECT_FALSE(ReadRefusal(parsed, &refusal));
  Reply back;
  Status st = FromJson(parsed, &back);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ToJson(back), wire);
  return wire;
}

ElementStatus SampleElement() {
  ElementStatus e;
  e.name = "keep";
  e.class_name = "Filter";
  e.node = "n1";
  e.pid = 4242;
  e.state = "running";
  e.in_rate = 1500.5;
  e.out_rate = 750.25;
  e.logs_in = 10000;
  e.logs_out = 5000;
  e.queue = 12;
  e.blocked_share = 0.25;
  e.busy_share = 0.5;
  e.cpu_percent = 12.5;
  e.rss_bytes = 1048576;
  e.restarts = 1;
  e.moves = 2;
  e.last_exit = "signal 9";
  e.age_s = 3.5;
  e.endpoints = {{"in", "tcp://127.0.0.1:4242"}};
  e.stats = {{"logs_in", 10000}, {"handlers", {{"count", "3"}}}};
  return e;
}

TEST(ClientRepliesTest, RefusalIsOkFalseWithTheError) {
  EXPECT_EQ(ToJson(Refusal{"no topology 'x'", {}}).dump(), R"({"error":"no topology 'x'","ok":false})");
}

TEST(ClientRepliesTest, CheckRefusalListsEveryErrorInsteadOfOne) {
  Refusal refusal{"", {"t.topo:1:1: error: a", "t.topo:2:3: error: b"}};
  EXPECT_EQ(ToJson(refusal).dump(), R"({"errors":["t.topo:1:1: error: a","t.topo:2:3: error: b"],"ok":false})");
  Refusal back;
  ASSERT_TRUE(ReadRefusal(ToJson(refusal), &back));
  EXPECT_EQ(back.error, "");
  EXPECT_EQ(back.errors, refusal.errors);
}

TEST(ClientRepliesTest, ReadRefusalTellsAnAnswerFromARefusal) {
  Refusal refusal{"unchanged", {}};
  EXPECT_FALSE(ReadRefusal(Json{{"ok", true}, {"topology", "t"}}, &refusal));
  EXPECT_EQ(refusal.error, "unchanged");
  ASSERT_TRUE(ReadRefusal(Json{{"ok", false}, {"error", "kill refused"}}, &refusal));
  EXPECT_EQ(refusal.error, "kill refused");
}

TEST(ClientRepliesTest, AReplyWithoutATrueOkIsARefusal) {
  Refusal refusal;
  EXPECT_TRUE(ReadRefusal(Json{{"topology", "t"}}, &refusal));
  EXPECT_TRUE(ReadRefusal(Json{{"ok", "yes"}}, &refusal));
  EXPECT_TRUE(ReadRefusal(Json::array(), &refusal));
  EXPECT_EQ(refusal.error, "");
}

TEST(ClientRepliesTest, SubmitReplyNamesTheTopology) {
  EXPECT_EQ(RoundTrip(SubmitReply{"chain"}).dump(), R"({"ok":true,"topology":"chain"})");
}

TEST(ClientRepliesTest, StatusReplyKeepsEveryFieldAndItsType) {
  StatusReply reply{"chain", "running", "", {SampleElement()}, {}};
  Json wire = RoundTrip(reply);
  EXPECT_EQ(wire.dump(),
            R"({"elements":[{"age_s":3.5,"blocked_share":0.25,"busy_share":0.5,"class":"Filter",)"
            R"("cpu_percent":12.5,"endpoints":{"in":"tcp://127.0.0.1:4242"},"error":"","in_rate":1500.5,)"
            R"("last_exit":"signal 9","logs_in":10000,"logs_out":5000,"moves":2,"name":"keep","node":"n1",)"
            R"("out_rate":750.25,"pid":4242,"queue":12,"restarts":1,"rss_bytes":1048576,"state":"running",)"
            R"("stats":{"handlers":{"count":"3"},"logs_in":10000}}],"failure":"","name":"chain","ok":true,)"
            R"("state":"running"})");
}

TEST(ClientRepliesTest, StatusFiguresStayNumbersOfTheirKindWhenZero) {
  // A double that is 0 is written 0.0, an int 0: scripts see the same types as before.
  Json wire = RoundTrip(StatusReply{"t", "starting", "", {ElementStatus{}}, {}});
  EXPECT_EQ(wire["elements"][0]["in_rate"].dump(), "0.0");
  EXPECT_EQ(wire["elements"][0]["logs_in"].dump(), "0");
  EXPECT_EQ(wire["elements"][0]["endpoints"].dump(), "{}");
}

TEST(ClientRepliesTest, MemberOfAShardNamesItsShardOthersDoNot) {
  ElementStatus member = SampleElement();
  member.name = "users/1";
  member.shard = "users";
  Json wire = RoundTrip(StatusReply{"t", "running", "", {SampleElement(), member}, {}});
  EXPECT_FALSE(wire["elements"][0].contains("shard"));
  EXPECT_EQ(wire["elements"][1]["shard"], "users");
}

TEST(ClientRepliesTest, ListReplyGivesEachTopologysSummary) {
  ListReply reply{{{"chain", "running", 4, "/tmp/chain.topo"}}};
  EXPECT_EQ(RoundTrip(reply).dump(),
            R"({"ok":true,"topologies":[{"elements":4,"file":"/tmp/chain.topo","name":"chain","state":"running"}]})");
  EXPECT_EQ(RoundTrip(ListReply{}).dump(), R"({"ok":true,"topologies":[]})");
}

TEST(ClientRepliesTest, NodesReplyGivesEachNodeWithBothOutboxes) {
  NodeStatus node;
  node.name = "local";
  node.address = "127.0.0.1";
  node.state = "alive";
  node.cores = 2;
  node.memory_mb = 4096;
  node.cpu_percent = 25.5;
  node.memory_used_mb = 1024;
  node.elements = 3;
  node.last_seen_s = 0.5;
  node.to_node = {1, 2, 0};
  node.to_master = {{"waiting", 0}, {"deferred", 0}, {"dropped", 0}};
  EXPECT_EQ(RoundTrip(NodesReply{{node}, {}}).dump(),
            R"({"nodes":[{"address":"127.0.0.1","cores":2,"cpu_percent":25.5,"elements":3,"last_seen_s":0.5,)"
            R"("memory_mb":4096,"memory_used_mb":1024,"name":"local","state":"alive",)"
            R"("to_master":{"deferred":0,"dropped":0,"waiting":0},"to_node":{"deferred":2,"dropped":0,"waiting":1}}],)"
            R"("ok":true,"security":{"accepted":0,"allow":"","allow_errors":[],"caretakers":0,"mode":"open",)"
            R"("operators":0,"recent_refusals":[],"refused_handshakes":0,"refused_keys":0,"refused_requests":0}})");
}

TEST(ClientRepliesTest, NodesReplyCarriesWhoTheMasterLetsInAndRefused) {
  NodesReply reply;
  reply.security.mode = "curve";
  reply.security.allow = "/keys/allow";
  reply.security.caretakers = 2;
  reply.security.refused_keys = 3;
  reply.security.refused_requests = 1;
  reply.security.recent_refusals = {"tcp://127.0.0.1:5: key abc... is not in the allow-list"};
  Json json = RoundTrip(reply);
  EXPECT_EQ(json["security"]["mode"], "curve");
  EXPECT_EQ(json["security"]["refused_keys"], 3);
  EXPECT_EQ(json["security"]["refused_requests"], 1);
  EXPECT_EQ(json["security"]["recent_refusals"].size(), 1u);
}

TEST(ClientRepliesTest, EventsReplyGivesEachEvent) {
  EventsReply reply{{{1700000000000, "chain", "", "submitted (4 elements)"}, {1700000000100, "chain", "src", "x"}}};
  EXPECT_EQ(RoundTrip(reply).dump(),
            R"j({"events":[{"element":"","topology":"chain","unix_ms":1700000000000,"what":"submitted (4 elements)"},)j"
            R"j({"element":"src","topology":"chain","unix_ms":1700000000100,"what":"x"}],"ok":true})j");
}

TEST(ClientRepliesTest, KillReplySaysHowLongItDrainsOnlyWhenItDrains) {
  EXPECT_EQ(RoundTrip(KillReply{}).dump(), R"({"ok":true})");
  EXPECT_EQ(RoundTrip(KillReply{2.5}).dump(), R"({"draining_s":2.5,"ok":true})");
}

TEST(ClientRepliesTest, ShutdownReplyIsOkAlone) { EXPECT_EQ(RoundTrip(ShutdownReply{}).dump(), R"({"ok":true})"); }

TEST(ClientRepliesTest, HandlerAnswerIsTheCaretakersReplyInTheEnvelope) {
  HandlerReply reply;
  reply.element = "t/count";
  reply.name = "count";
  reply.request = 7;
  reply.value = "42";
  Json answer = ToClientJson(reply);
  EXPECT_EQ(answer.dump(),
            R"({"element":"t/count","name":"count","ok":true,"op":"handler_reply","request":7,"value":"42"})");
  Refusal refusal;
  EXPECT_FALSE(ReadRefusal(answer, &refusal));
  HandlerReply back;
  ASSERT_TRUE(FromJson(answer, &back).ok());
  EXPECT_EQ(back.value, "42");

  reply.value.reset();
  reply.error = "no handler 'x'";
  ASSERT_TRUE(ReadRefusal(ToClientJson(reply), &refusal));
  EXPECT_EQ(refusal.error, "no handler 'x'");
}

TEST(ClientRepliesTest, LogsAnswerIsTheCaretakersReplyInTheEnvelope) {
  LogsReply reply{"t/src", 3, {"a", "b"}, std::nullopt};
  Json answer = ToClientJson(reply);
  EXPECT_EQ(answer.dump(), R"({"element":"t/src","lines":["a","b"],"ok":true,"op":"logs_reply","request":3})");
  LogsReply back;
  ASSERT_TRUE(FromJson(answer, &back).ok());
  EXPECT_EQ(back.lines, reply.lines);
}

// `caretaker status`, answered by the caretaker itself: the fields scripts
// read through -o json, with their types, and an exit still told.
TEST(ClientRepliesTest, CaretakerStatusKeepsEveryFieldAndItsType) {
  CaretakerStatusReply reply;
  reply.node = "n1";
  reply.address = "127.0.0.1";
  reply.pid = 77;
  reply.master = {"tcp://127.0.0.1:5000", true, 0.5};
  reply.cpu_percent = 12.5;
  reply.memory_used_mb = 900;
  reply.memory_mb = 2048;
  reply.cores = 2;
  reply.malformed = 3;
  reply.to_master = {1, 2, 0};
  RunningElement running;
  running.element = "t/src";
  running.pid = 4242;
  running.state = "running";
  running.cpu_percent = 50.0;
  running.rss_bytes = 1048576;
  running.age_s = 2.5;
  running.endpoints = {{"in", "tcp://127.0.0.1:4242"}};
  RunningElement exited;
  exited.element = "t/old";
  exited.pid = 4000;
  exited.state = "exited";
  exited.restarts = 1;
  exited.last_exit = "exited with status 1";
  reply.elements = {running, exited};
  Json wire = RoundTrip(reply);
  EXPECT_EQ(wire["ok"], true);
  EXPECT_EQ(wire["master"].dump(), R"({"connected":true,"endpoint":"tcp://127.0.0.1:5000","last_heard_s":0.5,"refused":""})");
  EXPECT_TRUE(wire["memory_mb"].is_number_unsigned() && wire["cores"].is_number_integer());
  EXPECT_EQ(wire["to_master"].dump(), R"({"deferred":2,"dropped":0,"waiting":1})");
  ASSERT_EQ(wire["elements"].size(), 2u);
  EXPECT_EQ(wire["elements"][0]["rss_bytes"], 1048576);
  EXPECT_EQ(wire["elements"][1]["state"], "exited");
  EXPECT_FALSE(wire["elements"][1].contains("cpu_percent"));  // an exit has no load
}

TEST(ClientRepliesTest, CaretakerStatusOfAMalformedMasterLinkNamesIt) {
  Json wire = ToJson(CaretakerStatusReply{});
  wire["master"]["connected"] = "yes";
  CaretakerStatusReply back;
  EXPECT_EQ(FromJson(wire, &back).message(),
            "caretaker status: 'master': master link: 'connected' must be a bool, found string");
}

TEST(ClientRepliesTest, AFieldOfTheWrongTypeIsAnErrorNamingIt) {
  Json wire = ToJson(StatusReply{"t", "running", "", {SampleElement()}, {}});
  wire["elements"][0]["pid"] = "4242";
  StatusReply back;
  Status st = FromJson(wire, &back);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "status reply: 'elements[0]': element status: 'pid' must be an int, found string");
}

}  // namespace
}  // namespace datablox::control
