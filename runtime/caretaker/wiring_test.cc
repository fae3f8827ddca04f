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

}  // namespace
}  // namespace datablox
