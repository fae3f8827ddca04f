// The host's control channel: every message between this host and its
// caretaker, in both directions, is read or written here. The caretaker
// knows this host as ELEMENT#TOKEN (the token of this spawn).
//
//   host -> caretaker: hello, bound, started, stats, ended, stopped, failed,
//                      link_done, handler_reply
//   caretaker -> host: configure (the plan), connect (the peers), rewire,
//                      drain, handler, stop
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "runtime/host/element_host.h"
#include "runtime/host/stop_signal.h"

namespace datablox::host {

Status ElementHost::AwaitPlan(Assignment* assignment) {
  control_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::dealer);
  // The id our caretaker expects: the element and the token of this spawn.
  const char* token = std::getenv(std::string(control::kHostTokenVariable).c_str());
  control_->set(zmq::sockopt::routing_id, token ? options_.element + "#" + token : options_.element);
  control_->set(zmq::sockopt::linger, 1000);
  control_->connect(options_.caretaker_endpoint);
  control::Send(*control_, {{"op", "hello"}, {"element", options_.element}, {"pid", ::getpid()}});

  // Wait for the plan; a handler request may come first (a client asking
  // early): answered "not started", never taken for a broken plan.
  Json message;
  auto deadline = Clock::now() + Milliseconds(10000);
  while (true) {
    Status st = control::Receive(*control_, control::TimeoutUntil(deadline, Milliseconds(10000)), &message);
    CheckStop();
    if (st.code() == Status::Code::kUnavailable && Clock::now() < deadline) continue;  // a signal
    if (!st.ok()) return Status::Unavailable("no plan from the caretaker: " + st.message());
    std::string op = message.value("op", "");
    if (op == "configure") break;
    if (op == "handler") {
      control::Send(*control_, {{"op", "handler_reply"}, {"element", options_.element}, {"name", message.value("name", "")},
                                {"request", message.value("request", 0)}, {"error", "the element has not started yet"}});
      continue;
    }
    if (op == "stop") ExitNow(exit_code::kOk);
    return Status::Invalid("expected a plan, got " + message.dump());
  }
  assignment->plan = control::PlanFromJson(message["plan"]);
  // A restart binds the addresses its peers already know, and knows which
  // of its inputs had ended for good in an earlier life.
  assignment->bind = message.value("bind", Json::object());
  assignment->restarted = message.contains("bind");
  if (message.contains("ended_links")) {
    for (const Json& id : message["ended_links"]) assignment->ended_links.insert(id.get<std::string>());
  }
  return Status::OK();
}

void ElementHost::SendBound(const Json& endpoints) {
  control::Send(*control_, {{"op", "bound"}, {"element", options_.element}, {"endpoints", endpoints}});
}

void ElementHost::SendFailed(const std::string& error, bool with_stats) {
  Json failed = {{"op", "failed"}, {"element", options_.element}, {"error", error}};
  if (with_stats) failed["stats"] = Stats();
  control::Send(*control_, failed);
}

void ElementHost::SendStarted() { control::Send(*control_, {{"op", "started"}, {"element", options_.element}}); }

void ElementHost::AwaitGoodbye() {
  // Briefly: the caretaker has read our last word once it answers (or not).
  Json bye;
  (void)control::Receive(*control_, Milliseconds(2000), &bye);
}

Status ElementHost::AwaitWiring(control::ElementPlan* wiring) {
  // Nothing else but stop can come meanwhile.
  Json message;
  while (true) {
    Status st = control::Receive(*control_, Milliseconds(200), &message);
    CheckStop();
    if (st.IsTimeout() || st.code() == Status::Code::kUnavailable) continue;
    if (!st.ok()) return st;
    std::string op = message.value("op", "");
    if (op == "connect") break;
    if (op == "stop") ExitNow(exit_code::kOk);
  }
  *wiring = control::PlanFromJson(message["plan"]);
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
      Malformed("control", Status::Invalid(e.what()));  // a field of the wrong type
    }
  }
}

void ElementHost::HandleControlMessage(const Json& message) {
  std::string op = message.value("op", "");
  if (op == "stop") {
    RequestStop();
    CheckStop();
  } else if (op == "rewire") {
    Rewire(message.value("links", Json::object()));
  } else if (op == "drain") {
    // A source stops producing; END then flows downstream as at a normal end.
    production_done_ = true;
  } else if (op == "handler") {
    control::Send(*control_, AnswerHandler(message));
  }
}

Json ElementHost::AnswerHandler(const Json& request) const {
  std::string name = request.value("name", "");
  Json answer = {{"op", "handler_reply"}, {"element", options_.element}, {"name", name},
                 {"request", request.value("request", 0)}};
  auto it = handlers_.find(name);
  if (it == handlers_.end()) {
    answer["error"] = fmt::format("{} has no handler '{}'", plan_.name, name);
  } else if (request.contains("value")) {
    if (!it->second.write) {
      answer["error"] = fmt::format("handler '{}' is read-only", name);
    } else {
      Status st = it->second.write(request["value"].get<std::string>());
      if (!st.ok()) answer["error"] = st.message();
    }
  } else if (it->second.read) {
    answer["value"] = it->second.read();
  } else {
    answer["error"] = fmt::format("handler '{}' is write-only", name);
  }
  return answer;
}

void ElementHost::SendLinkDone(const std::string& link_id) {
  control::Send(*control_, {{"op", "link_done"}, {"element", options_.element}, {"link", link_id}});
}

void ElementHost::ReportStats(const char* op) {
  next_stats_ = Clock::now() + kStatsPeriod;
  control::Send(*control_, {{"op", op}, {"element", options_.element}, {"stats", Stats()}});
}

void ElementHost::CheckStop() {
  if (!StopRequested()) return;
  // Stopping is not ending: nothing is flushed, no END goes downstream.
  if (element_ && in_hook_ == 0) element_->stop();
  if (control_) control::Send(*control_, {{"op", "stopped"}, {"element", options_.element}, {"stats", Stats()}});
  ExitNow(exit_code::kOk);
}

void ElementHost::ExitNow(int code) {
  // Straight out, without unwinding a hook that may be mid-way: what a stop
  // means. Sockets are left to the kernel; nothing more will be sent.
  std::fflush(nullptr);
  ::_exit(code);
}

}  // namespace datablox::host
