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

control::RunningElement Caretaker::RunningElementOf(const HostProcess& p) const {
  control::RunningElement e;
  e.element = p.id;
  e.pid = p.pid;
  e.state = HostStateName(p.state);
  e.restarts = p.restarts;
  e.last_exit = p.last_exit;
  e.cpu_percent = p.load.cpu_percent;
  e.rss_bytes = p.load.rss_bytes;
  e.age_s = std::chrono::duration<double>(Clock::now() - p.started).count();
  e.endpoints = p.endpoints;
  e.ended_links.assign(p.ended_links.begin(), p.ended_links.end());
  return e;
}

void Caretaker::Heartbeat() {
  Clock::time_point now = Clock::now();
  next_heartbeat_ = now + kHeartbeatInterval;
  node_load_ = node_meter_.Sample();
  std::erase_if(finished_, [&](const auto& entry) { return now - entry.second.at > kFinishedKept; });
  // The whole state, every time: a master that restarted re-adopts from it.
  std::vector<control::RunningElement> elements;
  for (const auto& [id, p] : processes_) elements.push_back(RunningElementOf(p));
  std::vector<control::Exited> finished;
  for (const auto& [id, done] : finished_) finished.push_back(done.exit);
  master_->Heartbeat(node_load_, std::move(elements), std::move(finished), malformed_);
  (void)master_->CheckHandshake();
}

control::CaretakerStatusReply Caretaker::StatusReply() const {
  control::CaretakerStatusReply reply;
  reply.node = options_.node;
  reply.address = options_.bind_host;
  reply.pid = ::getpid();
  reply.master = master_->LinkStatus(Clock::now());
  reply.cpu_percent = node_load_.cpu_percent;
  reply.memory_used_mb = node_load_.memory_used_mb;
  reply.memory_mb = memory_mb_;
  reply.cores = static_cast<int>(cores_);
  reply.malformed = malformed_;
  reply.to_master = master_->OutboxFigures();
  for (const auto& [id, p] : processes_) reply.elements.push_back(RunningElementOf(p));
  for (const auto& [id, done] : finished_) {
    control::RunningElement& e = reply.elements.emplace_back();
    e.element = id;
    e.pid = done.exit.pid;
    e.state = "exited";
    e.restarts = done.exit.restarts;
    e.last_exit = done.exit.last_exit;
  }
  return reply;
}

std::vector<std::string> Caretaker::StderrLines(const std::string& id, size_t lines) const {
  if (auto it = processes_.find(id); it != processes_.end()) return it->second.stderr_tail.Last(lines);
  if (auto done = finished_.find(id); done != finished_.end()) return done->second.stderr_tail.Last(lines);
  return {};
}

void Caretaker::FromClient(const std::string& peer, const Json& message) {
  control::Op op;
  std::string name;
  if (Status st = control::ReadOp(message, &op, &name); !st.ok()) return Malformed("a client", st);
  if (op == control::Op::kStatus) {
    control::SendTo(*clients_, peer, control::ToJson(StatusReply()));
  } else if (op == control::Op::kLogs) {
    Decoded<control::LogsRequest>("a client", message, [&](control::LogsRequest& request) {
      // The answer the master relays, without a request id: the CLI reads both alike.
      control::LogsReply reply;
      reply.element = request.element;
      if (!processes_.count(request.element) && !finished_.count(request.element)) {
        reply.error = fmt::format("node '{}' runs no element '{}'", options_.node, request.element);
      } else {
        reply.lines = StderrLines(request.element, request.lines.value_or(control::kDefaultLogLines));
      }
      control::SendTo(*clients_, peer, control::ToClientJson(reply));
    });
  } else {
    control::SendTo(*clients_, peer, control::ToJson(control::Refusal{fmt::format("unknown request '{}'", name), {}}));
  }
}

}  // namespace datablox
