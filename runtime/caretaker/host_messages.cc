// What an element host tells its caretaker, and what the caretaker does
// with it: a hello is answered with the plan (configure); everything else
// is relayed to the master, stamped with who sent it (control::ForwardedBy)
// and, with the host's stats, its CPU and memory.
#include <spdlog/spdlog.h>

#include <vector>

#include "runtime/caretaker/caretaker_impl.h"

namespace datablox {

using control::Op;

namespace {

// The host's CPU and memory, measured now, beside the figures it sent.
void AddLoad(HostProcess& p, control::Json* stats) {
  p.load = p.meter.Sample();
  (*stats)["cpu_percent"] = p.load.cpu_percent;
  (*stats)["rss_bytes"] = p.load.rss_bytes;
}

}  // namespace

void Caretaker::FromHost(const std::string& peer, const Json& message) {
  auto it = processes_.find(std::string(peer.substr(0, peer.rfind('#'))));
  if (it == processes_.end() || peer != it->second.routing_id) {
    ++malformed_;
    spdlog::debug("caretaker '{}': message from unknown host '{}'", options_.node, control::PrintableId(peer));
    return;
  }
  HostProcess& p = it->second;
  Op op;
  std::string name;
  if (Status st = control::ReadOp(message, &op, &name); !st.ok()) return Malformed("a host", st);
  const control::ForwardedBy via{options_.node, p.pid, p.restarts};
  switch (op) {
    case Op::kHello:
      return Decoded<control::Hello>("a host", message, [&](control::Hello&) {
        control::Configure configure;
        configure.plan = p.plan;
        configure.ended_links.assign(p.ended_links.begin(), p.ended_links.end());
        if (p.restarts > 0) configure.bind = p.endpoints;  // same addresses: nobody rewires
        configure.restore = p.restore;
        SendToHost(p, control::ToJson(configure));
      });
    case Op::kBound:
      return Decoded<control::Bound>("a host", message, [&](control::Bound& bound) {
        p.endpoints = bound.endpoints;
        if (p.restarts > 0 && p.connect) {
          // A restart is wired from what the master said last time: no round
          // trip through the master (which may itself be away).
          SendToHost(p, control::ToJson(*p.connect));
          bound.restarted = true;
        }
        Forward(p, via, bound);
      });
    case Op::kStarted:
      return Decoded<control::Started>("a host", message, [&](control::Started& started) {
        p.state = HostState::kRunning;
        Forward(p, via, started);
      });
    case Op::kLinkDone:
      return Decoded<control::LinkDone>("a host", message, [&](control::LinkDone& done) {
        p.ended_links.insert(done.link);
        Forward(p, via, done);
      });
    case Op::kStats:
      return Decoded<control::StatsReport>("a host", message, [&](control::StatsReport& report) {
        AddLoad(p, &report.stats);
        Forward(p, via, report);
      });
    case Op::kEnded:
      return Decoded<control::Ended>("a host", message, [&](control::Ended& ended) {
        AddLoad(p, &ended.stats);
        p.reported_end = true;
        p.state = HostState::kEnded;
        SendToHost(p, control::ToJson(control::Bye{}));
        Forward(p, via, ended);
      });
    case Op::kStopped:
      return Decoded<control::Stopped>("a host", message, [&](control::Stopped& stopped) {
        AddLoad(p, &stopped.stats);
        p.reported_end = true;
        p.state = HostState::kStopping;
        SendToHost(p, control::ToJson(control::Bye{}));
        Forward(p, via, stopped);
      });
    case Op::kFailed:
      return Decoded<control::Failed>("a host", message, [&](control::Failed& failed) {
        if (failed.stats) AddLoad(p, &*failed.stats);
        p.reported_end = true;
        p.failed_on_purpose = true;
        p.state = HostState::kFailed;
        // Told now, before the exit: the master knows at once whether it waits.
        failed.will_restart = DecideRestart(p.restart, p.crashes_in_a_row, ExitFactsOf(p)).restarts();
        SendToHost(p, control::ToJson(control::Bye{}));
        Forward(p, via, failed);
      });
    case Op::kHandlerReply:
      return Decoded<control::HandlerReply>("a host", message,
                                            [&](control::HandlerReply& reply) { Forward(p, via, reply); });
    case Op::kFenced:
    case Op::kCanAddReply:
    case Op::kStateExported:
    case Op::kStateImported: return ShardFromHost(p, via, op, message);  // shard_relay.cc
    case Op::kCheckpointTaken: return CheckpointFromHost(p, via, message);  // checkpoint_relay.cc
    default: return Malformed("a host", Status::Invalid(fmt::format("no host sends '{}'", name)));
  }
}

bool Caretaker::SendToHost(const HostProcess& p, const Json& message) {
  return control::SendTo(*hosts_, p.routing_id, message);
}

}  // namespace datablox
