// The shard messages a caretaker passes on. Down, from the master to a
// host: reroute and expect_links (kept in the plan as well, so a host that
// restarts is wired to the shard as it is now: wiring.h), links_ended (kept
// with the links its host ended, so that a restart does not wait on them), can_add,
// export_state and import_state (answered for the host, with an error,
// when it is not up to take them: the master never waits on a dead host).
// Up, from a host to the master, stamped with who sent it: fenced,
// can_add_reply, state_exported, state_imported.
#include <spdlog/spdlog.h>

#include "runtime/caretaker/caretaker_impl.h"
#include "runtime/caretaker/wiring.h"

namespace datablox {

using control::Op;

namespace {

constexpr const char* kNotRunning = "element not running";

}  // namespace

HostProcess* Caretaker::RunningHost(const std::string& element, const char* op) {
  auto process = processes_.find(element);
  if (process == processes_.end()) {
    spdlog::warn("caretaker '{}': no element '{}' for '{}'", options_.node, element, op);
    return nullptr;
  }
  return &process->second;
}

void Caretaker::ShardFromMaster(Op op, const Json& message) {
  constexpr const char* kFrom = "the master";
  switch (op) {
    case Op::kReroute:
      return Decoded<control::Reroute>(kFrom, message, [&](control::Reroute& reroute) {
        HostProcess* p = RunningHost(reroute.element, "reroute");
        if (!p) return;
        if (p->connect) ApplyReroute(reroute, &p->connect->plan);
        if (p->pid > 0 && !SendToHost(*p, control::ToJson(reroute))) {
          spdlog::debug("caretaker '{}': '{}' is not up to take 'reroute'; it gets it when it is", options_.node,
                        p->id);
        }
      });
    case Op::kExpectLinks:
      return Decoded<control::ExpectLinks>(kFrom, message, [&](control::ExpectLinks& expect) {
        HostProcess* p = RunningHost(expect.element, "expect_links");
        if (!p) return;
        ApplyExpectLinks(expect, &p->plan);  // what a restarted host binds and expects
        if (p->connect) ApplyExpectLinks(expect, &p->connect->plan);
        if (p->pid > 0 && !SendToHost(*p, control::ToJson(expect))) {
          spdlog::debug("caretaker '{}': '{}' is not up to take 'expect_links'; it gets it when it is", options_.node,
                        p->id);
        }
      });
    case Op::kLinksEnded:
      return Decoded<control::LinksEnded>(kFrom, message, [&](control::LinksEnded& ended) {
        HostProcess* p = RunningHost(ended.element, "links_ended");
        if (!p) return;
        p->ended_links.insert(ended.links.begin(), ended.links.end());
        if (p->pid > 0 && !SendToHost(*p, control::ToJson(ended))) {
          spdlog::debug("caretaker '{}': '{}' is not up to take 'links_ended'; it reads them when it starts",
                        options_.node, p->id);
        }
      });
    case Op::kCanAdd:
      return Decoded<control::CanAdd>(kFrom, message, [&](control::CanAdd& ask) {
        HostProcess* p = RunningHost(ask.element, "can_add");
        if (p && p->pid > 0 && SendToHost(*p, control::ToJson(ask))) return;
        control::CanAddReply reply;
        reply.element = ask.element;
        reply.request = ask.request;
        reply.yes = false;
        reply.why = kNotRunning;
        master_->Send(reply);
      });
    case Op::kExportState:
      return Decoded<control::ExportState>(kFrom, message, [&](control::ExportState& ask) {
        HostProcess* p = RunningHost(ask.element, "export_state");
        if (p && p->pid > 0 && SendToHost(*p, control::ToJson(ask))) return;
        control::StateExported reply;
        reply.element = ask.element;
        reply.request = ask.request;
        reply.error = kNotRunning;
        master_->Send(reply);
      });
    case Op::kImportState:
      return Decoded<control::ImportState>(kFrom, message, [&](control::ImportState& ask) {
        HostProcess* p = RunningHost(ask.element, "import_state");
        if (p && p->pid > 0 && SendToHost(*p, control::ToJson(ask))) return;
        control::StateImported reply;
        reply.element = ask.element;
        reply.request = ask.request;
        reply.error = kNotRunning;
        master_->Send(reply);
      });
    default: return;
  }
}

void Caretaker::ShardFromHost(HostProcess& p, const control::ForwardedBy& via, Op op, const Json& message) {
  constexpr const char* kFrom = "a host";
  switch (op) {
    case Op::kFenced:
      return Decoded<control::Fenced>(kFrom, message, [&](control::Fenced& fenced) { Forward(p, via, fenced); });
    case Op::kCanAddReply:
      return Decoded<control::CanAddReply>(kFrom, message,
                                           [&](control::CanAddReply& reply) { Forward(p, via, reply); });
    case Op::kStateExported:
      return Decoded<control::StateExported>(kFrom, message,
                                             [&](control::StateExported& reply) { Forward(p, via, reply); });
    case Op::kStateImported:
      return Decoded<control::StateImported>(kFrom, message,
                                             [&](control::StateImported& reply) { Forward(p, via, reply); });
    default: return;
  }
}

}  // namespace datablox
