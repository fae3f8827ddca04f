// The host's control channel: every message between this host and its
// caretaker, in both directions, is read or written here, in the types of
// runtime/core/control_protocol.h. The caretaker knows this host as
// ELEMENT#TOKEN (the token of this spawn).
//
//   host -> caretaker: hello, bound, started, stats, ended, stopped, failed,
//                      link_done, handler_reply
//   caretaker -> host: configure (the plan), connect (the peers), rewire,
//                      drain, handler, stop; then anything (bye) once it
//                      read our last word; the shard messages (reroute,
//                      expect_links, links_ended: shard_routing.cc,
//                      push_input.cc; a query
//                      reroute, can_add, export_state, import_state:
//                      shard_control.cc)
//   host -> caretaker, a shard's sender: fenced; a member: can_add_reply,
//                      state_exported, state_imported
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "runtime/host/element_host.h"
#include "runtime/host/stop_signal.h"

namespace datablox::host {

namespace {

// The operation of a message; kUnknown when it has none, or no valid one.
control::Op OpOf(const Json& message) {
  control::Op op = control::Op::kUnknown;
  if (!control::ReadOp(message, &op).ok()) return control::Op::kUnknown;
  return op;
}

}  // namespace

Status ElementHost::AwaitPlan(Assignment* assignment) {
  control_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::dealer);
  // The id our caretaker expects: the element and the token of this spawn.
  const char* token = std::getenv(std::string(control::kHostTokenVariable).c_str());
  control_->set(zmq::sockopt::routing_id, token ? options_.element + "#" + token : options_.element);
  control_->set(zmq::sockopt::linger, 1000);
  control_->connect(options_.caretaker_endpoint);
  control::Send(*control_, control::ToJson(control::Hello{options_.element, ::getpid()}));

  // Wait for the plan; a handler request may come first (a client asking
  // early): answered "not started", never taken for a broken plan.
  Json message;
  auto deadline = Clock::now() + Milliseconds(10000);
  while (true) {
    Status st = control::Receive(*control_, control::TimeoutUntil(deadline, Milliseconds(10000)), &message);
    CheckStop();
    if (st.code() == Status::Code::kUnavailable && Clock::now() < deadline) continue;  // a signal
    if (!st.ok()) return Status::Unavailable("no plan from the caretaker: " + st.message());
    const control::Op op = OpOf(message);
    if (op == control::Op::kConfigure) break;
    if (op == control::Op::kHandler) {
      control::HandlerRequest request;
      (void)control::FromJson(message, &request);  // what it names, as far as it reads
      control::HandlerReply reply;
      reply.element = options_.element;
      reply.name = request.name;
      reply.request = request.request.value_or(0);
      reply.error = "the element has not started yet";
      control::Send(*control_, control::ToJson(reply));
      continue;
    }
    if (op == control::Op::kStop) ExitNow(exit_code::kOk);
    // What the caretaker keeps in the plan and wiring it hands over anyway
    // (a rewire, new or ended links), or a checkpoint's word for the life
    // before this one (a rollback restarts every element at once): moot here.
    if (op == control::Op::kRewire || op == control::Op::kExpectLinks || op == control::Op::kLinksEnded ||
        op == control::Op::kCheckpoint || op == control::Op::kCheckpointDone) {
      continue;
    }
    return Status::Invalid("expected a plan, got " + message.dump());
  }
  control::Configure configure;
  if (Status st = control::FromJson(message, &configure); !st.ok()) return st;
  assignment->plan = std::move(configure.plan);
  // A restart binds the addresses its peers already know, and knows which
  // of its inputs had ended for good in an earlier life.
  assignment->restarted = configure.bind.has_value();
  if (configure.bind) assignment->bind = std::move(*configure.bind);
  assignment->ended_links.insert(configure.ended_links.begin(), configure.ended_links.end());
  assignment->restore = std::move(configure.restore);
  return Status::OK();
}

void ElementHost::SendBound(const control::Endpoints& endpoints) {
  control::Bound bound;
  bound.element = options_.element;
  bound.endpoints = endpoints;
  control::Send(*control_, control::ToJson(bound));
}

void ElementHost::SendFailed(const std::string& error, bool with_stats) {
  control::Failed failed;
  failed.element = options_.element;
  failed.error = error;
  if (with_stats) failed.stats = Stats();
  control::Send(*control_, control::ToJson(failed));
}

void ElementHost::SendStarted() {
  control::Started started;
  started.element = options_.element;
  control::Send(*control_, control::ToJson(started));
}

void ElementHost::AwaitGoodbye() {
  // Briefly: the caretaker has read our last word once it says bye (what
  // else comes meanwhile is too late to matter). Without it the caretaker
  // may reap the exit before it reads a "failed", and the master hear of a
  // crash instead of the element's own words.
  const auto deadline = Clock::now() + Milliseconds(2000);
  while (Clock::now() < deadline) {
    Json message;
    Status st = control::Receive(*control_, control::TimeoutUntil(deadline, Milliseconds(2000)), &message);
    if (!st.ok() || OpOf(message) == control::Op::kBye) return;  // a timeout, a bye, or a channel gone
  }
}

Status ElementHost::AwaitWiring(control::ElementPlan* wiring) {
  // Nothing else but stop can come meanwhile.
  Json message;
  while (true) {
    Status st = control::Receive(*control_, Milliseconds(200), &message);
    CheckStop();
    if (st.IsTimeout() || st.code() == Status::Code::kUnavailable) continue;
    if (!st.ok()) return st;
    const control::Op op = OpOf(message);
    if (op == control::Op::kConnect) break;
    if (op == control::Op::kStop) ExitNow(exit_code::kOk);
  }
  control::Connect connect;
  if (Status st = control::FromJson(message, &connect); !st.ok()) return st;
  *wiring = std::move(connect.plan);
  return Status::OK();
}

void ElementHost::HandleControl() {
  while (true) {
    Json message;
    Status st = control::TryReceive(*control_, &message);
    if (st.IsNotFound()) return;
    if (!st.ok()) {
      Malformed("control", st);
      continue;
    }
    try {
      HandleControlMessage(message);
    } catch (const Json::exception& e) {
      Malformed("control", Status::Invalid(e.what()));  // a handler's answer JSON cannot carry (not UTF-8)
    }
  }
}

void ElementHost::HandleControlMessage(const Json& message) {
  control::Op op = control::Op::kUnknown;
  Status st = control::ReadOp(message, &op);
  if (st.ok() && op == control::Op::kStop) {
    RequestStop();
    CheckStop();
  } else if (st.ok() && op == control::Op::kRewire) {
    control::Rewire rewire;
    st = control::FromJson(message, &rewire);
    if (st.ok()) Rewire(rewire.links, rewire.stream_links);
  } else if (st.ok() && op == control::Op::kReroute) {
    control::Reroute reroute;
    st = control::FromJson(message, &reroute);
    if (st.ok() && !reroute.query) ReroutePush(reroute);                 // shard_routing.cc
    if (st.ok() && reroute.query) st = HandleShardMessage(op, message);  // shard_control.cc
  } else if (st.ok() && op == control::Op::kExpectLinks) {
    control::ExpectLinks expect;
    st = control::FromJson(message, &expect);
    if (st.ok()) ExpectMoreLinks(expect);  // push_input.cc
  } else if (st.ok() && op == control::Op::kLinksEnded) {
    control::LinksEnded ended;
    st = control::FromJson(message, &ended);
    if (st.ok()) EndUnheardLinks(ended);  // push_input.cc
  } else if (st.ok() && op == control::Op::kDrain) {
    // A source stops producing; END then flows downstream as at a normal end.
    production_done_ = true;
  } else if (st.ok() &&
             (op == control::Op::kCanAdd || op == control::Op::kExportState || op == control::Op::kImportState)) {
    st = HandleShardMessage(op, message);  // shard_control.cc
  } else if (st.ok() && op == control::Op::kCheckpoint) {
    control::StartCheckpoint start;
    st = control::FromJson(message, &start);
    if (st.ok()) OnStartCheckpoint(start);  // checkpoints.cc
  } else if (st.ok() && op == control::Op::kCheckpointDone) {
    control::CheckpointDone done;
    st = control::FromJson(message, &done);
    if (st.ok()) OnCheckpointDone(done);  // checkpoints.cc
  } else if (st.ok() && op == control::Op::kHandler) {
    control::HandlerRequest request;
    st = control::FromJson(message, &request);
    if (st.ok()) control::Send(*control_, control::ToJson(AnswerHandler(request)));
  }
  if (!st.ok()) Malformed("control", st);  // a field of the wrong type
}

control::HandlerReply ElementHost::AnswerHandler(const control::HandlerRequest& request) const {
  control::HandlerReply reply;
  reply.element = options_.element;
  reply.name = request.name;
  reply.request = request.request.value_or(0);
  auto it = handlers_.find(request.name);
  if (it == handlers_.end()) {
    reply.error = fmt::format("{} has no handler '{}'", plan_.name, request.name);
  } else if (request.value) {
    if (!it->second.write) {
      reply.error = fmt::format("handler '{}' is read-only", request.name);
    } else {
      Status st = it->second.write(*request.value);
      if (!st.ok()) reply.error = st.message();
    }
  } else if (it->second.read) {
    reply.value = it->second.read();
  } else {
    reply.error = fmt::format("handler '{}' is write-only", request.name);
  }
  return reply;
}

void ElementHost::SendLinkDone(const std::string& link_id) {
  control::LinkDone done;
  done.element = options_.element;
  done.link = link_id;
  control::Send(*control_, control::ToJson(done));
}

void ElementHost::ReportStats() {
  next_stats_ = Clock::now() + kStatsPeriod;
  control::StatsReport report;
  report.element = options_.element;
  report.stats = Stats();
  control::Send(*control_, control::ToJson(report));
}

void ElementHost::ReportEnded() {
  next_stats_ = Clock::now() + kStatsPeriod;
  control::Ended ended;
  ended.element = options_.element;
  ended.stats = Stats();
  control::Send(*control_, control::ToJson(ended));
}

void ElementHost::CheckStop() {
  if (!StopRequested()) return;
  // Stopping is not ending: nothing is flushed, no END goes downstream.
  if (element_ && in_hook_ == 0) element_->stop();
  if (control_) {
    control::Stopped stopped;
    stopped.element = options_.element;
    stopped.stats = Stats();
    control::Send(*control_, control::ToJson(stopped));
  }
  ExitNow(exit_code::kOk);
}

void ElementHost::ExitNow(int code) {
  // Straight out, without unwinding a hook that may be mid-way: what a stop
  // means. Sockets are left to the kernel; nothing more will be sent.
  std::fflush(nullptr);
  ::_exit(code);
}

}  // namespace datablox::host
