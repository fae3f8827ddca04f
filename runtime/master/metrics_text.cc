#include "runtime/master/metrics_text.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <utility>

namespace datablox::master {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Samples gathered by metric, so that each metric's HELP, TYPE and samples
// come together, as the format requires, in the order first met.
class Exposition {
 public:
  void Add(const std::string& name, const char* type, const char* help, const Labels& labels, double value) {
    auto [it, added] = index_.try_emplace(name, metrics_.size());
    if (added) metrics_.push_back({name, type, help, {}});
    std::string& samples = metrics_[it->second].samples;
    samples += name;
    if (!labels.empty()) {
      samples += '{';
      for (size_t i = 0; i < labels.size(); ++i)
        samples += fmt::format("{}{}=\"{}\"", i ? "," : "", labels[i].first, EscapeLabelValue(labels[i].second));
      samples += '}';
    }
    samples += ' ';
    samples += Number(value);
    samples += '\n';
  }
  std::string Text() const {
    std::string text;
    for (const Metric& m : metrics_) text += fmt::format("# HELP {} {}\n# TYPE {} {}\n{}", m.name, m.help, m.name, m.type, m.samples);
    return text;
  }

 private:
  static std::string Number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == std::floor(v) && std::fabs(v) < 9.007199254740992e15) return fmt::format("{}", static_cast<int64_t>(v));
    return fmt::format("{}", v);
  }
  struct Metric {
    std::string name, type, help, samples;
  };
  std::vector<Metric> metrics_;
  std::map<std::string, size_t> index_;
};

constexpr const char* kCounter = "counter";
constexpr const char* kGauge = "gauge";

double StatNumber(const Json& stats, const char* key) {
  auto it = stats.find(key);
  return it != stats.end() && it->is_number() ? it->get<double>() : 0;
}

void ElementMetrics(const control::StatusReply& t, const control::ElementStatus& e, Exposition* out) {
  Labels labels{{"topology", t.name}, {"element", e.name}, {"class", e.class_name}, {"node", e.node}};
  if (e.shard) labels.emplace_back("shard", *e.shard);
  Labels with_state = labels;
  with_state.emplace_back("state", e.state);
  out->Add("datablox_element_state", kGauge, "1 for the element's state now (starting, running, ended, failed, ...)",
           with_state, 1);
  out->Add("datablox_element_logs_in_total", kCounter, "logs received, over every life of the element", labels,
           static_cast<double>(e.logs_in));
  out->Add("datablox_element_logs_out_total", kCounter, "logs sent, over every life of the element", labels,
           static_cast<double>(e.logs_out));
  out->Add("datablox_element_logs_in_per_second", kGauge, "logs received per second, between the last two reports",
           labels, e.in_rate);
  out->Add("datablox_element_logs_out_per_second", kGauge, "logs sent per second, between the last two reports",
           labels, e.out_rate);
  out->Add("datablox_element_rejected_total", kCounter, "logs the element rejected (this life)", labels,
           StatNumber(e.stats, "rejected"));
  out->Add("datablox_element_malformed_total", kCounter, "malformed messages dropped on its ports (this life)", labels,
           StatNumber(e.stats, "malformed"));
  out->Add("datablox_element_restarts_total", kCounter, "restarts by its caretaker", labels, e.restarts);
  out->Add("datablox_element_queue_logs", kGauge, "logs its upstreams have in flight towards it", labels,
           static_cast<double>(e.queue));
  out->Add("datablox_element_blocked_ratio", kGauge, "share of its time its sends waited for credit (backpressure)",
           labels, e.blocked_share);
  out->Add("datablox_element_busy_ratio", kGauge, "share of its time spent in its hooks", labels, e.busy_share);
  out->Add("datablox_element_cpu_ratio", kGauge, "CPU used by its process, in cores (1 = one core busy)", labels,
           e.cpu_percent / 100);
  out->Add("datablox_element_resident_memory_bytes", kGauge, "resident memory of its process", labels,
           static_cast<double>(e.rss_bytes));
  // Handlers whose value reads as a number: a figure the element chose to show.
  if (auto handlers = e.stats.find("handlers"); handlers != e.stats.end() && handlers->is_object()) {
    for (const auto& [name, value] : handlers->items()) {
      if (!value.is_string()) continue;
      const std::string text = value.get<std::string>();
      char* end = nullptr;
      const double number = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) continue;
      Labels handler = labels;
      handler.emplace_back("handler", name);
      out->Add("datablox_element_handler_value", kGauge, "a read handler's value, when it is a number", handler, number);
    }
  }
  if (auto links = e.stats.find("out_links"); links != e.stats.end() && links->is_array()) {
    for (const Json& link : *links) {
      Labels l{{"topology", t.name}, {"element", e.name}, {"link", link.value("id", "")}};
      out->Add("datablox_link_in_flight_logs", kGauge, "logs sent on the link and not yet acknowledged", l,
               StatNumber(link, "in_flight"));
      out->Add("datablox_link_window_logs", kGauge, "logs the link may have in flight (its credit)", l,
               StatNumber(link, "window"));
      out->Add("datablox_link_sent_total", kCounter, "logs sent on the link (this life of the sender)", l,
               StatNumber(link, "sent"));
      out->Add("datablox_link_acked_total", kCounter, "logs acknowledged on the link (this life of the sender)", l,
               StatNumber(link, "acked"));
    }
  }
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string RenderMetrics(const std::vector<control::StatusReply>& topologies, const control::NodesReply& nodes,
                          const MasterFigures& master) {
  Exposition out;
  out.Add("datablox_master_uptime_seconds", kGauge, "seconds since the master started", {}, master.uptime_s);
  out.Add("datablox_master_malformed_total", kCounter, "control messages the master could not decode", {},
          static_cast<double>(master.malformed));
  out.Add("datablox_topologies", kGauge, "topologies the master knows", {}, static_cast<double>(topologies.size()));
  for (const control::StatusReply& t : topologies) {
    out.Add("datablox_topology_state", kGauge, "1 for the topology's state now", {{"topology", t.name}, {"state", t.state}},
            1);
    std::map<std::string, int> by_state;
    for (const control::ElementStatus& e : t.elements) ++by_state[e.state];
    for (const auto& [state, n] : by_state)
      out.Add("datablox_topology_elements", kGauge, "the topology's elements, by state",
              {{"topology", t.name}, {"state", state}}, n);
  }
  for (const control::StatusReply& t : topologies)
    for (const control::ElementStatus& e : t.elements) ElementMetrics(t, e, &out);
  for (const control::StatusReply& t : topologies)
    for (const control::ShardStatus& s : t.shards)
      out.Add("datablox_shard_members", kGauge, "a shard's members now", {{"topology", t.name}, {"shard", s.name}},
              static_cast<double>(s.members.size()));
  for (const control::NodeStatus& n : nodes.nodes) {
    const Labels labels{{"node", n.name}};
    out.Add("datablox_node_up", kGauge, "1 while the node's caretaker heartbeats, 0 once it is declared dead", labels,
            n.state == "alive" ? 1 : 0);
    out.Add("datablox_node_cores", kGauge, "cores the caretaker reported", labels, n.cores);
    out.Add("datablox_node_cpu_ratio", kGauge, "the node's CPU in use, as a share of all its cores", labels,
            n.cpu_percent / 100);
    out.Add("datablox_node_memory_bytes", kGauge, "the node's memory", labels, static_cast<double>(n.memory_mb) * 1048576);
    out.Add("datablox_node_memory_used_bytes", kGauge, "the node's memory in use", labels,
            static_cast<double>(n.memory_used_mb) * 1048576);
    out.Add("datablox_node_elements", kGauge, "live elements on the node", labels, n.elements);
    out.Add("datablox_node_heartbeat_age_seconds", kGauge, "seconds since the node was last heard from", labels,
            n.last_seen_s);
  }
  return out.Text();
}

}  // namespace datablox::master
