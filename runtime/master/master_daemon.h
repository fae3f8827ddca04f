// The master daemon's class, private to runtime/master: one object, one
// ROUTER socket, one thread. Its methods live in one file per concern:
//   loop.cc                the poll loop, dispatch by op, sending to nodes
//   client_requests.cc     what the CLI asks (submit, status, stop, ...)
//   caretaker_messages.cc  what the caretakers tell (join, heartbeat, an element's life)
//   wiring.cc              telling elements where their outputs go
//   node_loss.cc           a node gone silent: its elements placed elsewhere
//   lifecycle.cc           a topology failing, stopping and settling
//   registry_mapping.cc    the records to and from the registry's rows
//   shard_scaling.cc       growing and shrinking shards (scale, autoscaler, migrations)
//   class_access.cc        the allowed class folders and the class inspector
#pragma once

#include <zmq.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/core/class_folders.h"
#include "runtime/core/client_replies.h"
#include "runtime/core/control.h"
#include "runtime/core/outbox.h"
#include "runtime/core/warning_limiter.h"
#include "runtime/master/master.h"
#include "runtime/master/class_inspector.h"
#include "runtime/auth/zap_guard.h"
#include "runtime/master/http_server.h"
#include "runtime/master/placement.h"
#include "runtime/master/registry_store.h"
#include "runtime/master/state.h"
#include "shards/migration.h"

namespace datablox::master {

// A refusal to a client: {"ok": false, "error": WHY} (client_requests.cc).
Json Refuse(std::string why);

class Master {
 public:
  explicit Master(const MasterOptions& options);
  int Run();

 private:
  // loop.cc
  void FromCaretaker(const std::string& peer, const Json& message);
  void FromClient(const std::string& peer, const Json& message);
  // Decodes `message`; a malformed one is counted and warned about, false.
  template <class Message>
  bool Decode(const std::string& peer, const Json& message, Message* out);
  // Counts a dropped message and warns about it, rate-limited per kind of
  // peer (a flood of garbage must not flood the log), its id escaped.
  void Malformed(const std::string& peer, std::string_view why);
  ElementRecord* Find(const std::string& id, TopologyRecord** topology);
  bool SendToNode(const std::string& node, const Json& message, std::string key = "");
  Outbox::TrySend SendToPeer(const std::string& peer);
  int LiveElementsOn(const std::string& node) const;  // of every topology: its current load
  Placement LiveNodes() const;                        // the live nodes and their load, in name order

  // client_requests.cc
  Json Submit(const control::Submit& request);
  Json StatusOf(const std::string& topology) const;
  Json List() const;
  Json Events(const control::EventsRequest& request) const;
  Json Kill(const std::string& topology, double wait_s);
  Json Nodes() const;
  control::StatusReply StatusReplyOf(const TopologyRecord& topology) const;
  control::NodesReply NodesReplyNow() const;
  // Renders /metrics and /api/state for the HTTP server, at most every kMetricsEvery.
  void PublishMetrics();
  // `forward` (a handler or logs request with its request id) to the element's node.
  void Relay(const std::string& client, const std::string& id, uint64_t request, const Json& forward);

  // caretaker_messages.cc
  void NodeSeen(const std::string& peer, const std::string& node_name, const control::NodeFigures& figures);
  void Heartbeat(NodeRecord& node, const control::Heartbeat& message);
  void Left(const std::string& peer, const std::string& node_name);
  void Reply(const Json& reply, uint64_t request);
  // The element a caretaker's message is about, its pid and stats taken;
  // null when the message must be ignored (see there).
  ElementRecord* Heard(const std::string& node_name, const std::string& id, int pid, const Json* stats, bool exited,
                       TopologyRecord** topology);
  void FromElement(const std::string& node_name, control::Op op, const Json& message, const std::string& peer);
  void Exited(TopologyRecord& topology, ElementRecord& element, const control::Exited& message);

  // wiring.cc
  void Wire(TopologyRecord& topology);
  void RewireUpstreams(TopologyRecord& topology, const std::string& moved);

  // node_loss.cc
  void CheckNodes();
  void NodeDied(const std::string& node, const std::string& why);
  void Move(TopologyRecord& topology, ElementRecord& element, Placement* placement);

  // lifecycle.cc
  void FailTopology(TopologyRecord& topology, const std::string& why);
  void StopTopology(TopologyRecord& topology, TopologyState final_state);
  void Settle(TopologyRecord& topology);

  // shard_scaling.cc
  // At submit: each shard at its minimum (its state kind from `classes`).
  void AdoptShards(TopologyRecord& topology, const InspectedClasses& classes);
  Json Scale(const control::Scale& request);
  void NextChange(TopologyRecord& topology, ShardRecord& shard, const std::string& why);
  void StartChange(TopologyRecord& topology, ShardRecord& shard, bool grow, const std::string& why);
  ShardLoad ShardLoadOf(const TopologyRecord& topology, const ShardRecord& shard) const;
  void Carry(TopologyRecord& topology, ShardRecord& shard, std::vector<shards::Action> actions);
  ElementRecord* ElementNamed(TopologyRecord& topology, const std::string& element);  // null when there is none
  void SpawnMember(TopologyRecord& topology, ShardRecord& shard, int id);
  void Reroute(TopologyRecord& topology, ShardRecord& shard, const shards::Action& action);
  // What an element's host said, to every change under way in its topology.
  void ToMigration(TopologyRecord& topology, const std::string& element, shards::Event event);
  // An element's life (bound, started, crashed, restarted), told as a member's or a sender's.
  void ShardLife(TopologyRecord& topology, const ElementRecord& element, shards::EventKind member_kind,
                 shards::EventKind sender_kind);
  void TickShards();  // timeouts of the changes under way, and the autoscalers
  // A change read back from the registry, resumed once its topology's
  // elements are re-adopted (shards::Migration::Resume).
  void ResumeChange(TopologyRecord& topology, ShardRecord& shard, double now);
  // shard_senders.cc: an element that sends to shards has ended.
  void SenderEnded(TopologyRecord& topology, const ElementRecord& element);
  // The push inputs of `plan` whose senders have ended, by link id.
  static std::vector<std::string> InputsFromEnded(const TopologyRecord& topology, const control::ElementPlan& plan);
  // The shards' figures for status.
  std::vector<control::ShardStatus> ShardsStatus(const TopologyRecord& topology) const;

  // class_access.cc: the folders classes may come from, and the inspector
  // that loads them for the check (the master itself loads no user code).
  int StartInspector();  // an exit status: kOk, or why the master cannot start
  // Checks `topology`, its classes loaded from the requested folders that
  // are allowed (returned; the others appended to *refused).
  std::vector<std::string> CheckClasses(dsl::Topology& topology, const std::vector<std::string>& requested,
                                        std::vector<std::string> known_nodes, InspectedClasses* classes,
                                        std::vector<dsl::Diagnostic>* errors, std::vector<std::string>* refused) const;

  // security.cc: with --secret-key, the ZAP guard (before the socket
  // binds: libzmq lets any CURVE client in while no handler is there) and
  // the CURVE server socket; an exit status.
  int StartSecurity();
  Status ProtectSocket();
  // Whether `message` may be acted on, given who sent it; a refused one is
  // counted, logged and (to a client) answered.
  bool MaySend(const std::string& peer, const std::string& user_id, const Json& message);
  control::SecurityStatus SecurityNow() const;
  // A fresh key pair for a topology's links, and its client key.
  static Status MakeLinkCurve(std::optional<control::LinkCurve>* curve);

  // checkpoints.cc: a topology's checkpoints, started, taken and ended.
  // At submit, and when read back from the registry: `policy * { checkpoint: MS }` of `checked`.
  void AdoptCheckpoints(TopologyRecord& topology, const dsl::Topology& checked);
  void TickCheckpoints();
  void CheckpointTaken(TopologyRecord& topology, const ElementRecord& element, control::CheckpointTaken& taken);
  // An element's life: ended (nothing waits for it), or crashed, restarted,
  // failed or moved (`what`): the checkpoint in progress is lost with its barrier.
  void CheckpointLife(TopologyRecord& topology, const ElementRecord& element, const std::string& what);
  void CheckpointEnded(TopologyRecord& topology);  // the one in progress completed or was abandoned
  // An element crashed: every element goes back to the last complete
  // checkpoint (or to its start), in a new epoch (rollback.cc).
  // `resume`: a stopped topology starts again from it (its stopped
  // elements spawned again, on live nodes).
  void RollBack(TopologyRecord& topology, const std::string& why, bool resume = false);
  // dataflow.cc: `datablox stop` / `resume`, and `registry dump`.
  Json Dataflow(const control::DataflowRequest& request);
  Json RegistryDump() const;
  Json Checkpoints(const control::CheckpointsRequest& request) const;

  // registry_mapping.cc: written on every change of state, read back at start.
  void Load();
  // A running topology read back: its text checked again, its shards at the
  // layouts (members, owners, version) their last change left.
  void AdoptShardsAgain(TopologyRecord& topology, const std::vector<ShardRow>& rows);
  void Save(const TopologyRecord& topology);
  void Save(const TopologyRecord& topology, const ElementRecord& element);
  void Save(const TopologyRecord& topology, const ShardRecord& shard);
  void Event(const std::string& topology, const std::string& element, const std::string& what);

  MasterOptions options_;
  ClassFolders class_folders_;
  std::unique_ptr<ClassInspector> inspector_;
  Clock::duration node_timeout_;
  zmq::context_t zmq_{1};
  std::unique_ptr<zmq::socket_t> socket_;
  std::unique_ptr<auth::ZapGuard> guard_;  // with keys only; destroyed before the socket it watches
  std::string secret_key_;
  auth::ClientKeys relay_keys_;  // the web view's
  uint64_t refused_requests_ = 0;
  std::vector<std::string> recent_denials_;
  std::unique_ptr<RegistryStore> store_;
  std::map<std::string, NodeRecord> nodes_;
  std::map<std::string, TopologyRecord> topologies_;
  std::map<uint64_t, std::string> waiters_;  // request id -> client peer (handler, logs)
  uint64_t next_request_ = 1;
  uint64_t malformed_ = 0;
  WarningLimiter warnings_;
  bool shutdown_requested_ = false;
  Clock::time_point next_autoscale_ = Clock::now();
  Clock::time_point started_ = Clock::now();
  // /metrics and the web view, when options_.http names an address: their
  // texts are rendered here, on the loop, and served from the server's own threads.
  static constexpr std::chrono::milliseconds kMetricsEvery{500};
  static constexpr int kWebEvents = 30;  // a topology's latest events on its page
  std::unique_ptr<HttpServer> http_;
  Clock::time_point next_metrics_ = Clock::now();
  bool state_published_ = false;  // the web view's state was rendered once
};

template <class Message>
bool Master::Decode(const std::string& peer, const Json& message, Message* out) {
  Status st = control::FromJson(message, out);
  if (st.ok()) return true;
  Malformed(peer, st.message());
  return false;
}

}  // namespace datablox::master
