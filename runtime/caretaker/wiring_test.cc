#include "runtime/caretaker/wiring.h"

#include <gtest/gtest.h>

namespace datablox {
namespace {

control::LinkPlan Link(const std::string& id, const std::string& endpoint) {
  control::LinkPlan link;
  link.id = id;
  link.endpoint = endpoint;
  link.window = 64;
  link.batch = 10;
  return link;
}

// mid pushes to two sinks through "out" and asks a store through "ask";
// its input is in push_in.
control::Connect MidConnect() {
  control::Connect connect;
  connect.element = "t/mid";
  connect.plan.topology = "t";
  connect.plan.name = "mid";
  connect.plan.push_in = {{"in", 64, {Link("src.out>mid.in", "")}, {}}};
  connect.plan.push_out = {
      {"out", 0, {Link("mid.out>a.in", "tcp://127.0.0.1:1"), Link("mid.out>b.in", "tcp://127.0.0.1:2")}, {}}};
  connect.plan.query_out = {{"ask", 0, {Link("mid.ask>store.query", "tcp://127.0.0.1:3")}, {}}};
  return connect;
}

TEST(WiringTest, ARewireMovesOnlyTheLinksItNames) {
  control::Connect connect = MidConnect();
  control::Rewire rewire;
  rewire.element = "t/mid";
  rewire.links = {{"mid.out>b.in", "tcp://127.0.0.2:9"}};
  ApplyRewire(rewire, &connect);
  EXPECT_EQ(connect.plan.push_out[0].links[0].endpoint, "tcp://127.0.0.1:1");
  EXPECT_EQ(connect.plan.push_out[0].links[1].endpoint, "tcp://127.0.0.2:9");
  EXPECT_EQ(connect.plan.push_out[0].links[1].window, 64);  // the rest of the link is kept
  EXPECT_EQ(connect.plan.query_out[0].links[0].endpoint, "tcp://127.0.0.1:3");
}

TEST(WiringTest, AQueryOutputIsRewiredLikeAPushOutput) {
  control::Connect connect = MidConnect();
  control::Rewire rewire;
  rewire.links = {{"mid.ask>store.query", "tcp://127.0.0.3:7"}};
  ApplyRewire(rewire, &connect);
  EXPECT_EQ(connect.plan.query_out[0].links[0].endpoint, "tcp://127.0.0.3:7");
}

TEST(WiringTest, ARewireMovesAQueryLinksStreamServerWithIt) {
  control::Connect connect = MidConnect();
  control::Rewire rewire;
  rewire.element = "t/mid";
  rewire.links = {{"mid.ask>store.query", "tcp://127.0.0.2:3"}};
  rewire.stream_links = {{"mid.ask>store.query", "tcp://127.0.0.2:4"}};
  ApplyRewire(rewire, &connect);
  EXPECT_EQ(connect.plan.query_out[0].links[0].endpoint, "tcp://127.0.0.2:3");
  EXPECT_EQ(connect.plan.query_out[0].links[0].stream_endpoint, "tcp://127.0.0.2:4");
  EXPECT_FALSE(connect.plan.push_out[0].links[0].stream_endpoint);
}

TEST(WiringTest, InputsAndUnknownLinksAreLeftAlone) {
  control::Connect connect = MidConnect();
  control::Rewire rewire;
  rewire.links = {{"src.out>mid.in", "tcp://127.0.0.9:9"}, {"x.out>y.in", "tcp://127.0.0.9:8"}};
  ApplyRewire(rewire, &connect);
  EXPECT_EQ(control::ToJson(connect), control::ToJson(MidConnect()));
}

TEST(WiringTest, RewiresAccumulateAndTheLastAddressWins) {
  control::Connect connect = MidConnect();
  control::Rewire first, second;
  first.links = {{"mid.out>a.in", "tcp://127.0.0.2:1"}};
  second.links = {{"mid.out>a.in", "tcp://127.0.0.2:2"}, {"mid.out>b.in", "tcp://127.0.0.2:3"}};
  ApplyRewire(first, &connect);
  ApplyRewire(second, &connect);
  EXPECT_EQ(connect.plan.push_out[0].links[0].endpoint, "tcp://127.0.0.2:2");
  EXPECT_EQ(connect.plan.push_out[0].links[1].endpoint, "tcp://127.0.0.2:3");
}

// src pushes to a round-robin shard "work" of two members through "out".
control::ElementPlan SenderPlan() {
  control::ElementPlan plan;
  plan.name = "src";
  control::LinkPlan to0 = Link("src.out>work/0.in", "tcp://127.0.0.1:10");
  control::LinkPlan to1 = Link("src.out>work/1.in", "tcp://127.0.0.1:11");
  to0.shard = to1.shard = "work";
  to0.member = 0;
  to1.member = 1;
  control::ShardRoute route;
  route.shard = "work";
  route.version = 1;
  plan.push_out = {{"out", 0, {Link("src.out>log.in", "tcp://127.0.0.1:9"), to0, to1}, {route}}};
  return plan;
}

control::Reroute Grow(uint64_t version) {
  control::Reroute reroute;
  reroute.element = "t/src";
  reroute.port = "out";
  reroute.route.shard = "work";
  reroute.route.version = version;
  control::LinkPlan to2 = Link("src.out>work/2.in", "tcp://127.0.0.1:12");
  to2.shard = "work";
  to2.member = 2;
  reroute.add = {to2};
  return reroute;
}

std::vector<std::string> LinkIds(const control::PortPlan& port) {
  std::vector<std::string> ids;
  for (const control::LinkPlan& link : port.links) ids.push_back(link.id);
  return ids;
}

TEST(WiringTest, ARerouteAddsTheNewMembersLinksAndReplacesTheTable) {
  control::ElementPlan plan = SenderPlan();
  ASSERT_TRUE(ApplyReroute(Grow(2), &plan));
  const control::PortPlan& out = plan.push_out[0];
  EXPECT_EQ(LinkIds(out), (std::vector<std::string>{"src.out>log.in", "src.out>work/0.in", "src.out>work/1.in",
                                                    "src.out>work/2.in"}));
  EXPECT_EQ(out.links[3].member, 2);
  EXPECT_EQ(out.links[3].endpoint, "tcp://127.0.0.1:12");
  ASSERT_EQ(out.shards.size(), 1u);
  EXPECT_EQ(out.shards[0].version, 2u);
}

TEST(WiringTest, ARerouteDropsTheLinksToLeavingMembers) {
  control::ElementPlan plan = SenderPlan();
  control::Reroute shrink;
  shrink.port = "out";
  shrink.route.shard = "work";
  shrink.route.version = 2;
  shrink.route.held = {3};
  shrink.remove = {"src.out>work/1.in"};
  ASSERT_TRUE(ApplyReroute(shrink, &plan));
  EXPECT_EQ(LinkIds(plan.push_out[0]), (std::vector<std::string>{"src.out>log.in", "src.out>work/0.in"}));
  EXPECT_EQ(plan.push_out[0].shards[0].held, std::vector<int>{3});
}

TEST(WiringTest, AnOlderOrRepeatedRerouteChangesNothing) {
  control::ElementPlan plan = SenderPlan();
  ASSERT_TRUE(ApplyReroute(Grow(3), &plan));
  const control::Json before = control::ToJson(plan);
  EXPECT_FALSE(ApplyReroute(Grow(3), &plan));
  EXPECT_FALSE(ApplyReroute(Grow(2), &plan));
  EXPECT_EQ(control::ToJson(plan), before);
}

TEST(WiringTest, ARerouteOfAnUnknownPortOrOfTheOtherKindChangesNothing) {
  control::ElementPlan plan = SenderPlan();
  control::Reroute reroute = Grow(2);
  reroute.port = "rejected";
  EXPECT_FALSE(ApplyReroute(reroute, &plan));
  reroute.port = "out";
  reroute.query = true;  // a query output named "out": src has none
  EXPECT_FALSE(ApplyReroute(reroute, &plan));
  EXPECT_EQ(control::ToJson(plan), control::ToJson(SenderPlan()));
}

TEST(WiringTest, AQueryRerouteChangesTheQueryOutput) {
  control::ElementPlan plan;
  plan.query_out = {{"ask", 0, {Link("a.ask>work/0.query", "tcp://127.0.0.1:3")}, {}}};
  control::Reroute reroute = Grow(1);
  reroute.port = "ask";
  reroute.query = true;
  reroute.add = {Link("a.ask>work/1.query", "tcp://127.0.0.1:4")};
  ASSERT_TRUE(ApplyReroute(reroute, &plan));
  EXPECT_EQ(LinkIds(plan.query_out[0]), (std::vector<std::string>{"a.ask>work/0.query", "a.ask>work/1.query"}));
  EXPECT_EQ(plan.query_out[0].shards.size(), 1u);  // a table it did not have yet is taken
}

TEST(WiringTest, ExpectedLinksJoinTheInputOnce) {
  control::ElementPlan plan;
  plan.push_in = {{"in", 64, {Link("work/0.out>sink.in", "")}, {}}};
  control::ExpectLinks expect;
  expect.port = "in";
  expect.add = {Link("work/1.out>sink.in", ""), Link("work/0.out>sink.in", "")};
  ASSERT_TRUE(ApplyExpectLinks(expect, &plan));
  ASSERT_TRUE(ApplyExpectLinks(expect, &plan));
  EXPECT_EQ(LinkIds(plan.push_in[0]), (std::vector<std::string>{"work/0.out>sink.in", "work/1.out>sink.in"}));
  expect.port = "other";
  EXPECT_FALSE(ApplyExpectLinks(expect, &plan));
}

}  // namespace
}  // namespace datablox
