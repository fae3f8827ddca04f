// What the caretaker reports: its whole state in every heartbeat to the
// master, and `datablox caretaker status` / `datablox logs` to a client on
// this machine, whether or not the master is there.
#include <fmt/format.h>
#include <unistd.h>

#include "runtime/caretaker/caretaker_impl.h"

namespace datablox {
namespace {

// Exits told again in heartbeats for this long (a master restarting may
// have missed them), and their stderr kept for `datablox logs`.
constexpr auto kFinishedKept = std::chrono::seconds(120);

}  // namespace

Caretaker::Json Caretaker::ElementJson(const HostProcess& p) const {
  return {{"element", p.id},
          {"pid", p.pid},
          {"state", HostStateName(p.state)},
          {"restarts", p.restarts},
          {"last_exit", p.last_exit},
          {"cpu_percent", p.load.cpu_percent},
          {"rss_bytes", p.load.rss_bytes},
          {"age_s", std::chrono::duration<double>(Clock::now() - p.started).count()},
          {"endpoints", p.endpoints},
          {"ended_links", p.ended_links}};
}

void Caretaker::Heartbeat() {
  Clock::time_point now = Clock::now();
  next_heartbeat_ = now + kHeartbeatInterval;
  node_load_ = node_meter_.Sample();
  std::erase_if(finished_, [&](const auto& entry) { return now - entry.second.at > kFinishedKept; });
  // The whole state, every time: a master that restarted re-adopts from it.
  Json elements = Json::array();
  for (const auto& [id, p] : processes_) elements.push_back(ElementJson(p));
  Json finished = Json::array();
  for (const auto& [id, done] : finished_) finished.push_back(done.exit);
  master_->Heartbeat(node_load_, std::move(elements), std::move(finished), malformed_);
}

Caretaker::Json Caretaker::StatusJson() const {
  Json elements = Json::array();
  for (const auto& [id, p] : processes_) elements.push_back(ElementJson(p));
  for (const auto& [id, done] : finished_) {
    Json e = {{"element", id}, {"pid", done.exit.value("pid", 0)}, {"state", "exited"},
              {"restarts", done.exit.value("restarts", 0)}, {"last_exit", done.exit.value("last_exit", "")}};
    elements.push_back(e);
  }
  return {{"ok", true},
          {"node", options_.node},
          {"address", options_.bind_host},
          {"pid", ::getpid()},
          {"master", master_->StatusJson(Clock::now())},
          {"cpu_percent", node_load_.cpu_percent},
          {"memory_used_mb", node_load_.memory_used_mb},
          {"memory_mb", memory_mb_},
          {"cores", cores_},
          {"malformed", malformed_},
          {"to_master", master_->OutboxJson()},
          {"elements", elements}};
}

std::vector<std::string> Caretaker::StderrLines(const std::string& id, size_t lines) const {
  if (auto it = processes_.find(id); it != processes_.end()) return it->second.stderr_tail.Last(lines);
  if (auto done = finished_.find(id); done != finished_.end()) return done->second.stderr_tail.Last(lines);
  return {};
}

void Caretaker::FromClient(const std::string& peer, const Json& message) {
  std::string op = message.value("op", "");
  Json reply;
  if (op == "status") {
    reply = StatusJson();
  } else if (op == "logs") {
    std::string id = message.value("element", "");
    if (!processes_.count(id) && !finished_.count(id)) {
      reply = {{"ok", false}, {"error", fmt::format("node '{}' runs no element '{}'", options_.node, id)}};
    } else {
      reply = {{"ok", true}, {"element", id}, {"lines", StderrLines(id, message.value("lines", 50))}};
    }
  } else {
    reply = {{"ok", false}, {"error", fmt::format("unknown request '{}'", op)}};
  }
  control::SendTo(*clients_, peer, reply);
}

}  // namespace datablox
