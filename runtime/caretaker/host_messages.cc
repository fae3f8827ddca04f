// What an element host tells its caretaker, and what the caretaker does
// with it: a hello is answered with the plan; everything else is relayed to
// the master, with who sent it (element, node, pid, restarts) and, with its
// stats, the host's CPU and memory.
#include <spdlog/spdlog.h>

#include "runtime/caretaker/caretaker_impl.h"

namespace datablox {

void Caretaker::FromHost(const std::string& peer, const Json& message) {
  auto it = processes_.find(std::string(peer.substr(0, peer.rfind('#'))));
  if (it == processes_.end() || peer != it->second.routing_id) {
    ++malformed_;
    spdlog::debug("caretaker '{}': message from unknown host '{}'", options_.node, control::PrintableId(peer));
    return;
  }
  HostProcess& p = it->second;
  std::string op = message.value("op", "");
  if (op == "hello") {
    Json configure = {{"op", "configure"}, {"plan", p.plan}, {"ended_links", p.ended_links}};
    if (p.restarts > 0) configure["bind"] = p.endpoints;  // same addresses: nobody rewires
    control::SendTo(*hosts_, peer, configure);
    return;
  }
  Json forward = message;
  forward["element"] = p.id;
  forward["node"] = options_.node;
  forward["pid"] = p.pid;
  forward["restarts"] = p.restarts;
  if (message.contains("stats")) {
    p.load = p.meter.Sample();
    forward["stats"]["cpu_percent"] = p.load.cpu_percent;
    forward["stats"]["rss_bytes"] = p.load.rss_bytes;
  }
  if (op == "bound") {
    p.endpoints = message.value("endpoints", Json::object());
    if (p.restarts > 0 && p.connect.is_object()) {
      // A restart is wired from what the master said last time: no round
      // trip through the master (which may itself be away).
      control::SendTo(*hosts_, peer, p.connect);
      forward["restarted"] = true;
    }
  } else if (op == "started") {
    p.state = HostState::kRunning;
  } else if (op == "link_done") {
    p.ended_links.insert(message.value("link", ""));
  } else if (op == "ended" || op == "stopped") {
    p.reported_end = true;
    p.state = op == "ended" ? HostState::kEnded : HostState::kStopping;
    control::SendTo(*hosts_, peer, {{"op", "bye"}});
  } else if (op == "failed") {
    p.reported_end = true;
    p.failed_on_purpose = true;
    p.state = HostState::kFailed;
    // Told now, before the exit: the master knows at once whether it waits.
    forward["will_restart"] = DecideRestart(p.restart, p.crashes_in_a_row, ExitFactsOf(p)).restarts();
    control::SendTo(*hosts_, peer, {{"op", "bye"}});
  }
  master_->Send(forward);
}

}  // namespace datablox
