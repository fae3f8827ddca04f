#include "runtime/master/metrics_text.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace datablox::master {
namespace {

using control::Json;

control::StatusReply Topology() {
  control::StatusReply t;
  t.name = "chain";
  t.state = "running";
  control::ElementStatus& src = t.elements.emplace_back();
  src.name = "src";
  src.class_name = "Sequence";
  src.node = "n1";
  src.state = "running";
  src.logs_out = 1200;
  src.out_rate = 400.5;
  src.cpu_percent = 50;
  src.rss_bytes = 4096;
  src.stats = Json{{"rejected", 3},
                   {"malformed", 1},
                   {"handlers", {{"count", "17"}, {"mode", "fast"}, {"empty", ""}}},
                   {"out_links", Json::array({{{"id", "src.out->sink.in"}, {"in_flight", 40}, {"window", 100},
                                               {"sent", 1200}, {"acked", 1160}}})}};
  control::ElementStatus& sink = t.elements.emplace_back();
  sink.name = "users/0";
  sink.class_name = "Count\"er";
  sink.node = "n2";
  sink.state = "ended";
  sink.logs_in = 1160;
  sink.restarts = 2;
  sink.shard = "users";
  control::ShardStatus& shard = t.shards.emplace_back();
  shard.name = "users";
  shard.members = {0};
  return t;
}

control::NodesReply Nodes() {
  control::NodesReply nodes;
  control::NodeStatus& n = nodes.nodes.emplace_back();
  n.name = "n1";
  n.state = "alive";
  n.cores = 2;
  n.cpu_percent = 25;
  n.memory_mb = 1024;
  n.memory_used_mb = 512;
  n.elements = 1;
  n.last_seen_s = 0.25;
  control::NodeStatus& dead = nodes.nodes.emplace_back();
  dead.name = "n2";
  dead.state = "dead";
  return nodes;
}

std::string Render() { return RenderMetrics({Topology()}, Nodes(), {12.5, 4}); }

bool Has(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

TEST(MetricsTextTest, ElementsCountersAndGaugesWithTheirLabels) {
  const std::string text = Render();
  const std::string src = "{topology=\"chain\",element=\"src\",class=\"Sequence\",node=\"n1\"}";
  EXPECT_TRUE(Has(text, "datablox_element_logs_out_total" + src + " 1200")) << text;
  EXPECT_TRUE(Has(text, "datablox_element_logs_out_per_second" + src + " 400.5"));
  EXPECT_TRUE(Has(text, "datablox_element_rejected_total" + src + " 3"));
  EXPECT_TRUE(Has(text, "datablox_element_malformed_total" + src + " 1"));
  EXPECT_TRUE(Has(text, "datablox_element_cpu_ratio" + src + " 0.5"));
  EXPECT_TRUE(Has(text, "datablox_element_resident_memory_bytes" + src + " 4096"));
  EXPECT_TRUE(Has(text, "datablox_element_state{topology=\"chain\",element=\"src\",class=\"Sequence\",node=\"n1\","
                        "state=\"running\"} 1"));
  EXPECT_TRUE(Has(text, "datablox_element_restarts_total{topology=\"chain\",element=\"users/0\",class=\"Count\\\"er\","
                        "node=\"n2\",shard=\"users\"} 2"));
}

TEST(MetricsTextTest, OnlyNumericHandlersAreShown) {
  const std::string text = Render();
  EXPECT_TRUE(Has(text, "datablox_element_handler_value{topology=\"chain\",element=\"src\",class=\"Sequence\","
                        "node=\"n1\",handler=\"count\"} 17"));
  EXPECT_EQ(text.find("handler=\"mode\""), std::string::npos);
  EXPECT_EQ(text.find("handler=\"empty\""), std::string::npos);
}

TEST(MetricsTextTest, LinksTopologiesShardsNodesAndTheMaster) {
  const std::string text = Render();
  EXPECT_TRUE(Has(text, "datablox_link_in_flight_logs{topology=\"chain\",element=\"src\",link=\"src.out->sink.in\"} 40"));
  EXPECT_TRUE(Has(text, "datablox_link_window_logs{topology=\"chain\",element=\"src\",link=\"src.out->sink.in\"} 100"));
  EXPECT_TRUE(Has(text, "datablox_topology_state{topology=\"chain\",state=\"running\"} 1"));
  EXPECT_TRUE(Has(text, "datablox_topology_elements{topology=\"chain\",state=\"ended\"} 1"));
  EXPECT_TRUE(Has(text, "datablox_shard_members{topology=\"chain\",shard=\"users\"} 1"));
  EXPECT_TRUE(Has(text, "datablox_node_up{node=\"n1\"} 1"));
  EXPECT_TRUE(Has(text, "datablox_node_up{node=\"n2\"} 0"));
  EXPECT_TRUE(Has(text, "datablox_node_memory_used_bytes{node=\"n1\"} 536870912"));
  EXPECT_TRUE(Has(text, "datablox_node_heartbeat_age_seconds{node=\"n1\"} 0.25"));
  EXPECT_TRUE(Has(text, "datablox_master_uptime_seconds 12.5"));
  EXPECT_TRUE(Has(text, "datablox_master_malformed_total 4"));
}

// The format wants one HELP and one TYPE per metric, before all its samples.
TEST(MetricsTextTest, EachMetricsSamplesComeTogetherAfterItsTypeLine) {
  const std::string text = Render();
  std::istringstream in(text);
  std::set<std::string> typed, done;
  std::string current;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      const std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(typed.insert(name).second) << "typed twice: " << name;
      if (!current.empty()) done.insert(current);
      current = name;
      continue;
    }
    const std::string name = line.substr(0, line.find_first_of("{ "));
    EXPECT_EQ(name, current) << line;
    EXPECT_FALSE(done.count(name)) << line;
  }
  EXPECT_GT(typed.size(), 20u);
}

TEST(MetricsTextTest, LabelValuesAreEscaped) {
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

}  // namespace
}  // namespace datablox::master
