// The caretaker's state and the methods of its loop, private to
// runtime/caretaker. Each concern has its own file:
//   caretaker.cc        sockets, signals and the poll loop
//   master_messages.cc  what the master says: spawn, connect, rewire, stop...
//   host_messages.cc    what a host says: hello, bound, started, ended...
//   host_lifecycle.cc   exits, restarts and stops of the hosts
//   status_service.cc   what it reports: heartbeats, `caretaker status`, logs
//   shard_relay.cc      the shard messages, relayed both ways
// and the parts without a socket, each tested beside it:
//   restart_policy.h    restart now, after a delay, or give up
//   stderr_tail.h       the last lines of a host's stderr
//   wiring.h            the master's last connect, rewired, for a restart
//   spawn.h             posix_spawn, the host's token and environment
//   master_link.h       hello (join), heartbeat and the outbox to the master
// Every message is a struct of runtime/core/control_protocol.h.
#pragma once

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "runtime/caretaker/caretaker.h"
#include "runtime/caretaker/host_process.h"
#include "runtime/caretaker/master_link.h"
#include "runtime/caretaker/process_load.h"
#include "runtime/core/class_folders.h"
#include "runtime/core/control.h"
#include "runtime/core/control_protocol.h"
#include "runtime/core/privileges.h"
#include "runtime/core/warning_limiter.h"

namespace datablox {

// SIGTERM, SIGINT, or the master's "shutdown": the loop stops every host,
// then returns.
void RequestCaretakerShutdown();

class Caretaker {
 public:
  using Clock = std::chrono::steady_clock;
  using Json = control::Json;

  explicit Caretaker(const CaretakerOptions& options) : options_(options) {}
  int Run();

 private:
  // caretaker.cc
  Status BindSockets();
  // Its CURVE keys, when configured (an exit status: kOk, or why not).
  int LoadKeys(auth::ClientKeys* keys) const;
  void PollOnce();
  Clock::time_point NextWake() const;

  // master_messages.cc
  void FromMaster(const Json& message);
  void NewElement(control::Spawn& spawn);

  // host_messages.cc
  void FromHost(const std::string& peer, const Json& message);
  // False when the host is not there to take it.
  bool SendToHost(const HostProcess& p, const Json& message);
  // A host's message relayed to the master as its element's, stamped by us.
  template <class Message>
  void Forward(const HostProcess& p, const control::ForwardedBy& via, Message& message) {
    message.element = p.id;
    message.via = via;
    master_->Send(message);
  }

  // shard_relay.cc: the shard messages, down to a host and up to the master
  void ShardFromMaster(control::Op op, const Json& message);
  void ShardFromHost(HostProcess& p, const control::ForwardedBy& via, control::Op op, const Json& message);
  // checkpoint_relay.cc
  void CheckpointFromMaster(control::Op op, const Json& message);
  void CheckpointFromHost(HostProcess& p, const control::ForwardedBy& via, const Json& message);
  void AwaitRollback(HostProcess& p, const RestartDecision& decision);
  void RollBack(const control::Rollback& rollback);
  HostProcess* RunningHost(const std::string& element, const char* op);  // null (warned) when unknown

  // host_lifecycle.cc
  void Spawn(HostProcess& p);
  void Reap();
  // The facts of an exit of `p` now (or of the failure it just reported).
  ExitFacts ExitFactsOf(const HostProcess& p) const;
  void BackOff(HostProcess& p, const RestartDecision& decision, Clock::time_point at);
  void ScheduleRestart(HostProcess& p, const RestartDecision& decision);
  void Finish(HostProcess& p, int wait_status);
  void RestartDue();
  void StopHost(HostProcess& p);
  void StopHosts(const std::string& topology);  // "" : all of them
  void KillOverdue();

  // status_service.cc
  void FromClient(const std::string& peer, const Json& message);
  void Heartbeat();
  control::RunningElement RunningElementOf(const HostProcess& p) const;
  control::CaretakerStatusReply StatusReply() const;
  // The last `lines` of an element's stderr, running or finished.
  std::vector<std::string> StderrLines(const std::string& id, size_t lines) const;

  // A message of the wrong shape is dropped and counted; it never takes
  // the caretaker (and every element of its node) down.
  void Malformed(const char* from, const Status& why);
  // `handle(message)` with `json` decoded as a Message, or Malformed.
  template <class Message, class Handle>
  void Decoded(const char* from, const Json& json, Handle handle) {
    Message message;
    if (Status st = control::FromJson(json, &message); !st.ok()) return Malformed(from, st);
    handle(message);
  }
  // Runs `handle`; a JSON error it throws (a reply that cannot be encoded:
  // stderr lines that are not UTF-8) is Malformed, not a crash.
  template <typename Handle>
  void Guarded(const char* from, Handle handle) {
    try {
      handle();
    } catch (const Json::exception& e) {
      Malformed(from, Status::Invalid(e.what()));
    }
  }

  CaretakerOptions options_;
  // The folders plans may load classes from, and the user hosts run as
  // (none: the caretaker's own): this node's operator's, never a plan's.
  ClassFolders class_folders_;
  std::optional<UserIds> run_as_;
  zmq::context_t zmq_{1};
  std::unique_ptr<MasterLink> master_;
  std::unique_ptr<zmq::socket_t> hosts_, clients_;
  std::string hosts_endpoint_;
  std::map<std::string, HostProcess> processes_;  // by id
  std::map<pid_t, std::string> by_pid_;
  std::map<std::string, FinishedElement> finished_;
  NodeLoadMeter node_meter_;
  NodeLoad node_load_;
  unsigned cores_ = 1;
  uint64_t memory_mb_ = 0;
  Clock::time_point next_heartbeat_ = Clock::now();
  bool shutting_down_ = false;
  uint64_t malformed_ = 0;
  WarningLimiter warnings_;
  std::vector<zmq::pollitem_t> poll_items_;
  std::vector<HostProcess*> stderr_owners_;
};

}  // namespace datablox
