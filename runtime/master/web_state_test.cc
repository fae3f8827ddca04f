#include "runtime/master/web_state.h"

#include <gtest/gtest.h>

namespace datablox::master {
namespace {

using control::Json;

TopologyRecord Chain() {
  TopologyRecord t;
  t.name = "chain";
  ElementRecord& src = t.elements["src"];
  src.plan.name = "src";
  control::PortPlan& out = src.plan.push_out.emplace_back();
  out.port = "out";
  out.links.push_back({"src.out>sink.in", "", 100, 10, false, {}, {}, {}});
  ElementRecord& ask = t.elements["ask"];
  ask.plan.name = "ask";
  control::PortPlan& q = ask.plan.query_out.emplace_back();
  q.port = "ask";
  q.links.push_back({"ask.ask>sink.query", "", 0, 0, false, {}, {}, {}});
  q.links.push_back({"not a link id", "", 0, 0, false, {}, {}, {}});
  t.elements["sink"].plan.name = "sink";
  return t;
}

TEST(WebStateTest, LinksComeFromThePlansPushAndQuery) {
  const std::vector<WebLink> links = LinksOf(Chain());
  ASSERT_EQ(links.size(), 2u);  // the id that does not parse is left out
  EXPECT_EQ(links[0].id, "ask.ask>sink.query");
  EXPECT_TRUE(links[0].query);
  EXPECT_EQ(links[1].from, "src");
  EXPECT_EQ(links[1].to_port, "in");
  EXPECT_FALSE(links[1].query);
}

TEST(WebStateTest, PushLinksCarryTheirSendersFigures) {
  control::StatusReply status;
  status.name = "chain";
  status.state = "running";
  control::ElementStatus& src = status.elements.emplace_back();
  src.name = "src";
  src.stats = Json{{"out_links", Json::array({{{"id", "src.out>sink.in"}, {"in_flight", 7}, {"window", 100},
                                               {"sent", 500}}})}};
  control::NodesReply nodes;
  nodes.nodes.emplace_back().name = "n1";
  const std::vector<control::EventItem> events{{1700000000000, "chain", "src", "restarted (exit 9)"}};
  const Json state = Json::parse(WebStateJson({status}, {LinksOf(Chain())}, {events}, nodes, 3.5, false));
  EXPECT_EQ(state["topologies"][0]["events"][0]["what"], "restarted (exit 9)");
  EXPECT_EQ(state["topologies"][0]["events"][0]["element"], "src");
  EXPECT_EQ(state["uptime_s"], 3.5);
  EXPECT_EQ(state["writes"], false);
  EXPECT_EQ(state["nodes"][0]["name"], "n1");
  const Json& links = state["topologies"][0]["links"];
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0]["kind"], "query");
  EXPECT_FALSE(links[0].contains("in_flight"));
  EXPECT_EQ(links[1]["kind"], "push");
  EXPECT_EQ(links[1]["in_flight"], 7);
  EXPECT_EQ(links[1]["window"], 100);
  EXPECT_EQ(links[1]["sent"], 500);
  EXPECT_EQ(state["topologies"][0]["elements"][0]["name"], "src");
}

}  // namespace
}  // namespace datablox::master
