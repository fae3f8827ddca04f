// The element host: runs one element in this process (see host.h).
//
// One class, its members defined by concern in the files of this folder:
//   control_channel.cc  every message to and from the caretaker
//   setup.cc            the plan: the class, its parameters, binding the inputs
//   wiring.cc           connecting the outputs, rewiring them, the poll set
//   event_loop.cc       Run() and the poll loop
//   push_input.cc       draining push inputs: batches, resumes, END, credit
//   push_output.cc      emit, batching, credit waits, replays
//   shard_routing.cc    outputs to a shard's members: routing, held groups, fences, reroutes
//   queries.cc          query inputs and outputs (a shard's members asked, answers merged)
//   shard_control.cc    shard messages: query reroute, can_add, export/import state
//   end_of_stream.cc    the end phases: flush, END, wait for every ack
//   checkpoints.cc      checkpoint barriers: aligning the inputs, snapshots, commits
//   stats.cc            the load the caretaker reads; malformed and rejected input
//   streams.cc          streamed replies (Nexus): the server, the client, their handlers
//   element_host.cc     the rest of what an element calls (timers, handlers, ...)
// The decisions of a link, and the timers, are socket-free classes
// (in_link.h, out_link.h, timer_queue.h, shard_fence.h, and the shard's
// router in shards/) with unit tests beside them.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "datablox/element.h"
#include "runtime/auth/zap_guard.h"
#include "runtime/core/arena.h"
#include "runtime/core/control.h"
#include "runtime/core/control_protocol.h"
#include "runtime/core/exit_codes.h"
#include "runtime/core/host_context.h"
#include "runtime/host/barrier_aligner.h"
#include "runtime/host/host.h"
#include "runtime/host/ports.h"
#include "runtime/host/timer_queue.h"
#include "runtime/host/timing.h"
#include "shards/answered_requests.h"
#include "shards/reply_gather.h"

namespace datablox::nexus {
struct StreamRequest;
class ParcelSource;
class Client;
}  // namespace datablox::nexus

namespace datablox::host {

using control::Json;
struct StreamState;

// Wall-clock milliseconds since the epoch (stats.cc).
int64_t UnixMs();

// What the caretaker's configure message says, as the host uses it.
struct Assignment {
  control::ElementPlan plan;
  control::Endpoints bind;            // a restart: port -> the address its peers already know
  bool restarted = false;             // the caretaker restarted this element
  std::set<std::string> ended_links;  // inputs that ended for good in an earlier life
  std::optional<control::Restore> restore;  // a rollback: the snapshot to restore before start()
};

class ElementHost final : public detail::HostContext {
 public:
  // Out of line (streams.cc): streams_ is of a type this header only names.
  explicit ElementHost(const HostOptions& options);
  ~ElementHost() override;
  // Returns the process exit status (exit_codes.h).
  int Run();

  // --- detail::HostContext: what the element calls. ------------------------
  void Emit(int port, std::string_view log) override;
  void Ask(int port, std::string_view request, Milliseconds timeout, ReplyCallback done) override;
  void AskLink(int port, int link, std::string_view request, Milliseconds timeout, ReplyCallback done) override;
  std::vector<std::string> LinkedElements(int port) const override;
  std::vector<int> LinkedMembers(int port) const override;
  int SetTimer(Milliseconds delay, Milliseconds period) override;
  void CancelTimer(int id) override;
  void WaitUntil(Clock::time_point deadline) override;
  void AddHandler(std::string name, std::function<std::string()> read,
                  std::function<Status(std::string_view)> write) override;
  void Fail(const Status& why) override;
  void Reject(std::string_view why) override;
  void Answer(int port, const std::string& peer, std::string_view frame) override;
  bool Connected(int push_out) const override;
  const ClassSpec* spec() const override { return spec_; }
  InputPosition BatchPosition() const override;
  bool restarted() const override { return restarted_; }
  const ShardMembership* membership() const override;
  uint64_t CheckpointId() const override { return checkpoint_in_hook_; }
  bool Checkpointed() const override { return plan_.checkpoints; }
  // streams.cc
  Status OpenStream(int port, const std::string* address, std::string paradata, StreamConsumer consume, StreamDone done,
                    const StreamOptions& options, uint64_t* stream_id) override;
  uint64_t NewStreamOperation() override;
  void AbortStream(uint64_t stream_id) override;
  void CancelStreamOperation(uint64_t operation_id) override;
  std::string StreamAddress() const override;
  std::vector<std::string> StreamPeers(int port) const override;

 private:
  enum class Phase { kRunning, kEnding, kDone };
  struct PendingRequest {
    int port = 0;
    ReplyCallback done;
    Clock::time_point deadline;
    std::unique_ptr<shards::ReplyGather> gather;  // asked of a shard's members
    // Not sent yet: the shard's table holds key groups it depends on
    // (shards::WaitsForHeldGroups); sent when a table releases them.
    std::optional<std::string> waiting;  // the request itself, while it waits
  };
  struct Handler {
    std::function<std::string()> read;
    std::function<Status(std::string_view)> write;
    bool host_owned = false;  // the host's own (stream metrics): not the class's to declare
  };

  // control_channel.cc
  Status AwaitPlan(Assignment* assignment);
  void SendBound(const control::Endpoints& endpoints);
  void SendFailed(const std::string& error, bool with_stats);
  void SendStarted();
  void AwaitGoodbye();
  Status AwaitWiring(control::ElementPlan* wiring);
  void HandleControl();
  void HandleControlMessage(const Json& message);
  control::HandlerReply AnswerHandler(const control::HandlerRequest& request) const;
  void SendLinkDone(const std::string& link_id);
  void ReportStats();  // every kStatsPeriod, and at the start of the end
  void ReportEnded();  // the last word at a normal end
  void CheckStop();
  [[noreturn]] void ExitNow(int code);
  // setup.cc
  Status SetUp(const Assignment& assignment, control::Endpoints* endpoints);
  // wiring.cc
  Status Connect(const control::ElementPlan& wiring);
  // A link out, connected, in all_out_links_ and out_states_ (not in its port yet).
  std::unique_ptr<OutLink> OpenOutLink(const control::LinkPlan& link_plan);
  void Rewire(const std::map<std::string, std::string>& links, const std::map<std::string, std::string>& streams);
  void BuildPollSet();
  void ConnectQueryLink(QueryOut& out, const control::LinkPlan& plan, uint64_t life);
  Status AdoptShardRoute(QueryOut& out, const control::ShardRoute& route);
  // event_loop.cc
  void Loop();
  Clock::time_point NextWake() const;
  void FireTimers();
  // push_input.cc
  bool DrainInput(InPort& port, int index);
  // One frame from `peer_id`; `released`: a held frame handled now, in its turn.
  void HandleInputFrame(InPort& port, int index, std::string_view peer_id, zmq::message_t& frame,
                        bool released = false);
  void ProcessBatch(InPort& port, int index, const std::string& link_id, InLinkState& in, std::string_view bytes);
  void Resume(InPort& port, InLinkState& in, const wire::Position& from);
  void EndOf(InPort& port, InLinkState& in, std::string_view bytes);
  void ReleaseAllHolds();
  void Grant(InPort& port, const std::string& link_id, InLinkState& in, bool remainder);
  void GrantRemainders(InPort& port, Clock::time_point now);
  void AskResyncs(Clock::time_point now);
  bool InputsDone() const;
  // push_output.cc
  void SendBatch(OutLink& link);
  void SendFrame(OutLink& link, const std::shared_ptr<std::string>& bytes);
  void SendResume(OutLink& link);
  void SendEnd(OutLink& link);
  void WaitForCredit(OutLink& link, int64_t needed);
  void DrainOutLink(OutLink& link);
  void ProbeSilentReceivers(Clock::time_point now);
  void FlushPartials(bool all_of_them);
  void AppendTo(OutLink& link, std::string_view log);
  // shard_routing.cc: a push output's links to shard members
  void RouteToShards(OutPort& out, const std::vector<control::ShardRoute>& routes);
  void EmitRouted(OutPort& out, std::string_view log);
  void RouteBatch(ShardOut& shard, std::string_view log);
  void RouteByKey(ShardOut& shard, std::string_view log);
  void SendToGroup(ShardOut& shard, int group, std::string_view log);
  int PickBatchSlot(ShardOut& shard);
  void WaitForAnyCredit(ShardOut& shard);
  void WaitForHeldRoom(ShardOut& shard);
  void ReroutePush(const control::Reroute& reroute);
  void ApplyReroute(const control::Reroute& reroute);
  void CheckFences();
  bool AnyHeldLogs() const;
  void AdvanceClosingLinks();
  void RetireLink(OutLink* link);
  // push_input.cc
  void ExpectMoreLinks(const control::ExpectLinks& expect);
  void EndUnheardLinks(const control::LinksEnded& ended);
  // queries.cc
  bool DrainQueryIn(QueryIn& port, int index);
  void DrainQueryOut(QueryOut& port, QueryLink& link);
  // Sends request `id` (pending_, of a shard's port) to the members it is
  // for, or leaves it waiting while the table holds groups it depends on;
  // false when it failed (its callback has run).
  bool AskShard(QueryOut& out, uint64_t id, std::string_view request);
  void AskWaitingRequests(int port);  // after a new table for that port
  void ExpireRequests();
  void SendQueryEnd(QueryLink& link);
  // shard_control.cc
  void AdoptMembership();
  Status HandleShardMessage(control::Op op, const Json& message);
  Status RerouteQueryOut(const control::Reroute& reroute);
  void ArmQueryFence(QueryOut& out,
                     const control::ShardRoute& route);  // a held table: fence once in-flight requests are done
  void CheckQueryFences();
  void AnswerStateQuestions();  // can_add, export_state, import_state that came, outside any hook
  Status AnswerCanAdd(const Json& message);
  Status AnswerExportState(const Json& message);
  Status AnswerImportState(const Json& message);
  // checkpoints.cc
  void HoldFrame(InPort& port, const std::string& link_id, std::string_view peer_id, zmq::message_t& frame);
  void OnBarrier(const std::string& link_id, InLinkState& in, std::string_view bytes);
  void OnStartCheckpoint(const control::StartCheckpoint& start);  // a source's: taken at the loop's next turn
  void OnCheckpointDone(const control::CheckpointDone& done);
  void ServiceCheckpoints();  // after each poll: due snapshots, held frames, completions
  bool CheckpointWorkDue() const;
  void TakeCheckpoint(uint64_t checkpoint);
  Status RestoreSnapshot();  // a rollback's, before start()
  uint64_t NewStreamId();    // random, in this element's epoch
  void ReleaseHeldFrames();
  std::vector<std::string> OpenInputLinks() const;
  Json CheckpointStats() const;
  // end_of_stream.cc
  void AdvanceEnd();
  // streams.cc
  StreamState& Streams();  // made on first use
  nexus::Client& StreamClient();
  Status BindStreamServer(const Assignment& assignment, control::Endpoints* endpoints);
  Status ServeStream(const nexus::StreamRequest& request, std::unique_ptr<nexus::ParcelSource>* out);
  void AddHostHandler(const std::string& name, std::function<std::string()> read);
  void AddStreamPollItems();  // the servers' and clients' sockets, at the poll set's end
  void ServiceStreams();      // after each poll: frames, parcels, done callbacks
  Clock::time_point StreamWake(Clock::time_point wake) const;
  bool StreamsQuiet() const;  // no stream live, no done callback left to run
  // curve_links.cc: CURVE on the data links when the plan carries a key.
  Status GuardLinks();
  Status ProtectInput(zmq::socket_t& socket, const char* domain);
  void MakeLinkClient(zmq::socket_t& socket) const;

  // stats.cc
  Json Stats() const;
  void Malformed(std::string_view where, const Status& why);

  HostOptions options_;
  zmq::context_t zmq_{1};
  // With plan_.curve (curve_links.cc): the ZAP handler its inputs ask, which
  // lets in its topology's link key only (and the call key on query ports).
  std::unique_ptr<auth::ZapGuard> link_guard_;
  std::unique_ptr<zmq::socket_t> control_;
  control::ElementPlan plan_;
  const ClassSpec* spec_ = nullptr;
  std::shared_ptr<Element> element_;

  std::vector<InPort> inputs_;
  std::vector<OutPort> outputs_;
  std::vector<QueryIn> query_ins_;
  std::vector<QueryOut> query_outs_;
  std::vector<std::pair<QueryOut*, QueryLink*>> all_query_links_;  // in the poll set's order
  std::vector<OutLink*> all_out_links_;
  std::vector<OutLinkState*> out_states_;  // the same links' states, for the inputs' holds
  std::mt19937_64 stream_ids_;             // each link's stream id, random per life
  // Shards among our receivers (shard_routing.cc).
  bool routes_to_shards_ = false;      // some push output routes to a shard
  bool outputs_deterministic_ = true;  // no round robin nor work queue: a restart may adopt its streams
  size_t closing_links_ = 0;           // links to members that left, not closed yet
  std::vector<std::unique_ptr<OutLink>> retired_links_;  // closed; their states stay for out_states_
  std::vector<shards::MemberLinkView> member_views_;     // scratch of PickBatchSlot
  detail::Arena route_arena_;                            // the key field of a hash-routed log
  bool rerouting_ = false;
  std::deque<control::Reroute> deferred_reroutes_;  // came while a reroute was being applied
  uint64_t reroutes_stale_ = 0;

  std::vector<zmq::pollitem_t> poll_items_;
  std::unique_ptr<StreamState> streams_;  // null unless the element serves or opens streams
  size_t stream_poll_items_ = 0;          // at poll_items_' end, AddStreamPollItems()'s
  detail::Arena arena_;
  std::vector<Log> batch_logs_;
  // The batch on_batch is handling: for batch_position(), built on demand.
  const std::string* batch_link_ = nullptr;
  uint64_t batch_stream_ = 0, batch_first_ = 0, batch_end_ = 0;
  bool restarted_ = false;                     // the caretaker restarted us: durable sinks continue
  std::optional<ShardMembership> membership_;  // a shard's member (plan_.member)
  std::optional<control::Restore> restore_;    // a rollback's snapshot, restored before start()
  std::deque<Json> state_questions_;           // shard questions waiting for the loop
  shards::AnsweredRequests answered_states_;   // exports and imports, answered again the same

  // Checkpoints (checkpoints.cc).
  BarrierAligner checkpoints_;
  uint64_t source_checkpoint_due_ = 0;       // a source's: the master asked for it
  std::deque<uint64_t> completed_checkpoints_;  // on_checkpoint_complete still to call
  size_t held_frames_ = 0;                      // in every InPort::held together
  uint64_t checkpoints_taken_ = 0, checkpoints_failed_ = 0, barriers_stale_ = 0, peak_held_frames_ = 0;
  uint64_t last_snapshot_bytes_ = 0;
  uint64_t checkpoint_in_hook_ = 0;  // while snapshot() or restore() runs: CheckpointId()

  std::map<uint64_t, PendingRequest> pending_;
  uint64_t next_request_id_ = 1;
  TimerQueue timers_;
  std::map<std::string, Handler, std::less<>> handlers_;
  bool handlers_checked_ = false;  // against the spec, once start() returned
  std::vector<std::string> HandlerNames() const;

  Phase phase_ = Phase::kRunning;
  bool adoption_decided_ = false;  // a restarted element continues its old output streams (or not)
  size_t input_links_ = 0;
  bool production_done_ = false;
  Clock::time_point produce_at_;
  bool inputs_ended_called_ = false;
  Status failure_;
  int in_hook_ = 0;  // HookScope depth: inside an element's hook when > 0

  // Load, as the caretaker and the status show it.
  uint64_t logs_in_ = 0, logs_out_ = 0, batches_in_ = 0, batches_out_ = 0;
  uint64_t malformed_ = 0, rejected_ = 0, dropped_unconnected_ = 0;
  uint64_t queries_in_ = 0, queries_out_ = 0, replies_late_ = 0, query_errors_ = 0;
  uint64_t duplicates_ = 0, stale_ = 0, resumes_ = 0, undeliverable_ = 0;
  uint64_t unannounced_ = 0;  // data on a link not (yet) expected: dropped, replayed once it is
  int64_t started_unix_ms_ = UnixMs(), first_in_unix_ms_ = 0;
  Clock::duration blocked_{0}, busy_{0};
  Clock::time_point started_ = Clock::now();
  Clock::time_point next_stats_ = Clock::now();
  Clock::time_point last_malformed_log_{};
};

}  // namespace datablox::host
