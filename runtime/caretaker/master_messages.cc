// What the master tells a caretaker: run an element (spawn), wire it
// (connect, rewire), ask it (handler, logs), end it (drain, stop,
// kill_element), and shut the node down.
#include <spdlog/spdlog.h>

#include "runtime/caretaker/caretaker_impl.h"

namespace datablox {

void Caretaker::FromMaster(const Json& message) {
  std::string op = message.value("op", "");
  std::string id = message.value("element", "");
  auto process = processes_.find(id);
  if (op == "spawn") {
    NewElement(message["plan"], message.value("ended_links", Json::array()));
  } else if (op == "connect" || op == "rewire") {
    if (process == processes_.end()) {
      spdlog::warn("caretaker '{}': no element '{}' to {}", options_.node, id, op);
      return;
    }
    HostProcess& p = process->second;
    if (op == "connect") {
      p.connect = message;
    } else if (p.connect.is_object()) {
      // A restart later must reach the receiver where it is now.
      const Json& links = message["links"];
      for (const char* ports : {"push_out", "query_out"}) {
        for (Json& port : p.connect["plan"][ports]) {
          for (Json& link : port["links"]) {
            std::string link_id = link.value("id", "");
            if (links.contains(link_id)) link["endpoint"] = links[link_id];
          }
        }
      }
    }
    if (p.pid > 0 && !control::SendTo(*hosts_, p.routing_id, message)) {
      spdlog::debug("caretaker '{}': '{}' is not up to take '{}'; it gets it when it is", options_.node, id, op);
    }
  } else if (op == "handler") {
    if (process == processes_.end() || !control::SendTo(*hosts_, process->second.routing_id, message)) {
      master_->Send({{"op", "handler_reply"}, {"element", id}, {"request", message.value("request", 0)},
                     {"error", "element not running"}});
    }
  } else if (op == "logs") {
    Json lines = StderrLines(id, message.value("lines", 50));
    master_->Send({{"op", "logs_reply"}, {"element", id}, {"request", message.value("request", 0)}, {"lines", lines}});
  } else if (op == "drain") {
    std::string topology = message.value("topology", "");
    for (const auto& [pid_id, p] : processes_) {
      if (p.topology == topology) control::SendTo(*hosts_, p.routing_id, message);
    }
  } else if (op == "stop") {
    StopHosts(message.value("topology", ""));
  } else if (op == "kill_element") {
    // Placed elsewhere while this node was away: this copy must go.
    if (process != processes_.end()) StopHost(process->second);
  } else if (op == "shutdown") {
    RequestCaretakerShutdown();
  }
  // heartbeat_ack: hearing from the master is all it says
}

void Caretaker::NewElement(const Json& plan, const Json& ended_links) {
  std::string id = plan.value("topology", "") + "/" + plan.value("name", "");
  auto existing = processes_.find(id);
  if (existing != processes_.end()) {
    spdlog::warn("caretaker '{}': '{}' is running already", options_.node, id);
    return;
  }
  finished_.erase(id);
  HostProcess& p = processes_[id];
  p.id = id;
  p.topology = plan.value("topology", "");
  p.plan = plan;
  p.restart.mode = ParseRestartMode(plan.value("restart", "on-failure"));
  p.restart.limit = plan.value("restart_limit", 5);
  p.restart.backoff = std::chrono::milliseconds(plan.value("backoff_ms", 100));
  for (const Json& link : ended_links) p.ended_links.insert(link.get<std::string>());
  p.first_started = Clock::now();
  Spawn(p);
}

}  // namespace datablox
