#include "runtime/core/host.h"

#include <fmt/format.h>
#include <malloc.h>
#include <sys/prctl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <csignal>
#include <deque>
#include <map>
#include <random>
#include <memory>
#include <set>
#include <vector>

#include "datablox/element.h"
#include "runtime/core/arena.h"
#include "runtime/core/control.h"
#include "runtime/core/handler_check.h"
#include "runtime/core/link_peer.h"
#include "runtime/core/log_shape.h"
#include "runtime/core/schema_check.h"
#include "runtime/core/wire.h"

namespace datablox {
namespace detail {

using Clock = std::chrono::steady_clock;
using control::Json;

namespace {

volatile std::sig_atomic_t g_stop_requested = 0;
void OnStopSignal(int) { g_stop_requested = 1; }

constexpr auto kStatsPeriod = Milliseconds(250);
constexpr auto kPartialBatchAge = Milliseconds(5);  // the batching time limit
// A sender waiting on a receiver that said nothing this long says it is
// there (an empty frame): a restarted receiver learns the sender's id from
// it and asks it to resume. ZMQ_PROBE_ROUTER probes only the first connect
// (a connecting DEALER keeps its pipe across reconnects).
constexpr auto kProbeSilentReceiverAfter = Milliseconds(100);
constexpr int kDrainPerSocket = 64;  // messages read from one socket before looking at the others

int64_t MonotonicMs() {
  return std::chrono::duration_cast<Milliseconds>(Clock::now().time_since_epoch()).count();
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// A peer-chosen id, quoted for a log line: control bytes and non-ASCII
// shown as \xNN, and long ids cut, so garbage cannot garble the terminal.
std::string Printable(std::string_view id) {
  std::string out = "'";
  for (size_t i = 0; i < id.size() && i < 64; ++i) {
    unsigned char c = static_cast<unsigned char>(id[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') out.push_back(static_cast<char>(c));
    else out += fmt::format("\\x{:02x}", c);
  }
  if (id.size() > 64) out += "...";
  return out + "'";
}

// Lets go of a batch buffer once ZeroMQ has sent it: a batch is never
// copied, not even when it is sent again after a resume.
void ReleaseBatch(void*, void* hint) { delete static_cast<std::shared_ptr<std::string>*>(hint); }

int64_t UnixMs() {
  return std::chrono::duration_cast<Milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Reads and drops the remaining parts of a multipart message.
void DropRest(zmq::socket_t& socket, const zmq::message_t& last) {
  bool more = last.more();
  while (more) {
    zmq::message_t extra;
    if (!socket.recv(extra, zmq::recv_flags::dontwait)) return;
    more = extra.more();
  }
}

constexpr auto kResyncEvery = Milliseconds(20);  // how often a receiver asks an unknown sender to resume

}  // namespace

// One upstream link of a push input. The receiver follows the sender's
// stream by offset: it processes each log once, drops what a replay sends
// again, and hands back cumulative credit once a log is *done with*: for an
// element with outputs, once what it emitted while processing the log has
// been acknowledged downstream in turn. So a log is never dropped from its
// sender's replay buffer while a crash anywhere downstream could still lose
// it.
struct InLink {
  bool ended = false;
  bool known = false;         // a resume told us the sender's stream and where to start
  bool resync_due = true;     // ask the sender to resume (and replay what is not acked)
  uint64_t stream = 0;
  uint64_t expect = 0;        // offset of the next log to process
  uint64_t released = 0;      // every log before this offset is done with
  uint64_t granted = 0;       // the last `released` sent back as credit
  bool regrant = false;       // a replay was dropped: say again where we are
  bool reported_done = false;
  bool check_schema = false;  // the upstream's schema does not guarantee ours: check each log
  LinkPeer peer;              // the sender's connection that last resumed; others only claim the link
  std::vector<wire::StreamMark> released_marks;  // our outputs' positions at `released`
  // Processed batches waiting for their outputs to be acked, flat:
  // [offset after the batch, then each output link's offset after it].
  std::deque<uint64_t> holds;
  uint64_t logs = 0;
  std::chrono::steady_clock::time_point last_grant{}, last_resync{};
};

struct InPort {
  std::string name;
  std::unique_ptr<zmq::socket_t> socket;
  uint32_t grant_every = 1;
  SchemaCheck schema;  // what this port requires of the logs of unchecked links
  std::map<std::string, InLink, std::less<>> links;  // the upstream links the plan expects
  size_t ended = 0;
  bool done() const { return ended >= links.size(); }
};

struct SentBatch {
  uint64_t first = 0;
  uint32_t count = 0;
  std::shared_ptr<std::string> bytes;
};

// One downstream link. Everything sent and not yet acked is kept (shared
// with ZeroMQ, not copied): a receiver that restarts asks for a resume and
// gets it again. The window bounds it, as it bounds what is in flight.
struct OutLink {
  std::string id;
  std::string endpoint;
  std::unique_ptr<zmq::socket_t> socket;
  wire::BatchWriter writer;
  Clock::time_point first_pending;
  uint32_t window = 0;
  uint32_t batch_max = 100;
  uint64_t stream = 0;  // this link's stream id: random per incarnation, unless adopted
  uint64_t sent = 0;    // offset after the last log sent
  uint64_t acked = 0;   // every log before this offset is done with downstream
  std::deque<SentBatch> unacked;
  std::vector<wire::StreamMark> resume_marks;  // the receiver's marks at `acked`
  bool resumed = false;  // a resume went out: batches may follow
  uint64_t peak_in_flight = 0;
  uint64_t replays = 0;
  bool end_sent = false;
  bool end_acked = false;
  Clock::time_point last_heard = Clock::now(), last_probe{};
  // Something the receiver has yet to acknowledge: it must be able to reach us.
  bool waiting() const { return in_flight() > 0 || (end_sent && !end_acked); }
  uint64_t in_flight() const { return sent > acked ? sent - acked : 0; }
  // Logs this link may still send before the receiver is done with some.
  int64_t credit() const { return static_cast<int64_t>(window) - static_cast<int64_t>(in_flight()); }
  // Where the next emitted log will be: the mark a hold waits for.
  uint64_t emitted() const { return sent + writer.count(); }
  bool done() const { return end_acked && acked >= sent; }
};

struct OutPort {
  std::string name;
  std::vector<std::unique_ptr<OutLink>> links;
};

struct QueryIn {
  std::string name;
  std::unique_ptr<zmq::socket_t> socket;
  std::set<std::string, std::less<>> expected;  // requester links the plan expects
  std::set<std::string, std::less<>> ended;
  bool done() const { return ended.size() >= expected.size(); }
};

struct QueryOut {
  std::string name;
  std::string link_id, endpoint;
  std::unique_ptr<zmq::socket_t> socket;  // null when unconnected
  bool end_sent = false;
  bool end_acked = false;
};

struct PendingRequest {
  int port = 0;
  ReplyCallback done;
  Clock::time_point deadline;
};

struct Timer {
  int id = 0;
  Clock::time_point due;
  Milliseconds period{0};
};

struct Handler {
  std::function<std::string()> read;
  std::function<Status(std::string_view)> write;
};

class HostContext {
 public:
  explicit HostContext(const HostOptions& options) : options_(options) {}
  int Run();

  // --- Called from the element, through Element's protected members. ------
  void Emit(int port, std::string_view log);
  void Ask(int port, std::string_view request, Milliseconds timeout, ReplyCallback done);
  int SetTimer(Milliseconds delay, Milliseconds period);
  void CancelTimer(int id);
  void WaitUntil(Clock::time_point deadline);
  void AddHandler(std::string name, std::function<std::string()> read,
                  std::function<Status(std::string_view)> write);
  void Fail(const Status& why);
  void Reject(std::string_view why);
  void Answer(const Responder& responder, std::string_view frame);
  int PortIndex(PortKind kind, PortDirection direction, std::string_view name) const;
  bool Connected(int push_out) const;
  const ClassSpec* spec() const { return spec_; }
  InputPosition BatchPosition() const;
  bool restarted() const { return restarted_; }

  static void Attach(Element* element, HostContext* context, const std::string& name) {
    element->context_ = context;
    element->name_ = name;
  }
  static Responder MakeResponder(HostContext* context, int port, std::string peer, uint64_t id) {
    Responder r;
    r.context_ = context;
    r.port_ = port;
    r.peer_ = std::move(peer);
    r.request_id_ = id;
    r.answered_ = std::make_shared<bool>(false);
    return r;
  }
  static HostContext* ContextOf(const Responder& r) { return r.context_; }

 private:
  enum class Phase { kRunning, kEnding, kDone };

  Status Configure();
  Status Connect(const Json& message);
  void Loop();
  void BuildPollSet();
  bool DrainInput(InPort& port, int index);
  void ProcessBatch(InPort& port, int index, const std::string& link_id, InLink& in, std::string_view bytes);
  void Resume(InPort& port, InLink& in, const wire::Position& from);
  void EndOf(InPort& port, InLink& in, std::string_view bytes);
  void ReleaseHolds(InLink& in);
  void ReleaseAllHolds();
  void Grant(InPort& port, const std::string& link_id, InLink& in, bool remainder);
  void GrantRemainders(InPort& port, Clock::time_point now);
  void AskResyncs(Clock::time_point now);
  void SendResume(OutLink& link);
  void SendFrame(OutLink& link, const std::shared_ptr<std::string>& bytes);
  void Rewire(const Json& links);
  bool DrainQueryIn(QueryIn& port, int index);
  void DrainQueryOut(QueryOut& port, int index);
  void DrainOutLink(OutLink& link);
  void ProbeSilentReceivers(Clock::time_point now);
  void HandleControl();
  void HandleControlMessage(const Json& message);
  void SendBatch(OutLink& link);
  void WaitForCredit(OutLink& link, int64_t needed);
  void FlushPartials(bool all_of_them);
  void FireTimers();
  void ExpireRequests();
  void AdvanceEnd();
  bool InputsDone() const;
  Clock::time_point NextWake() const;
  void ReportStats(const char* op);
  Json Stats() const;
  void Malformed(std::string_view where, const Status& why);
  [[noreturn]] void ExitNow(int code);
  void CheckStop();

  HostOptions options_;
  zmq::context_t zmq_{1};
  std::unique_ptr<zmq::socket_t> control_;
  control::ElementPlan plan_;
  const ClassSpec* spec_ = nullptr;
  std::shared_ptr<Element> element_;

  std::vector<InPort> inputs_;
  std::vector<OutPort> outputs_;
  std::vector<QueryIn> query_ins_;
  std::vector<QueryOut> query_outs_;
  std::vector<OutLink*> all_out_links_;

  std::vector<zmq::pollitem_t> poll_items_;
  Arena arena_;
  std::vector<Log> batch_logs_;
  // The batch on_batch is handling: for batch_position(), built on demand.
  const std::string* batch_link_ = nullptr;
  uint64_t batch_stream_ = 0, batch_first_ = 0, batch_end_ = 0;
  bool restarted_ = false;  // the caretaker restarted us: durable sinks continue

  std::map<uint64_t, PendingRequest> pending_;
  uint64_t next_request_id_ = 1;
  std::vector<Timer> timers_;
  int next_timer_id_ = 1;
  std::map<std::string, Handler, std::less<>> handlers_;
  bool handlers_checked_ = false;  // against the spec, once start() returned
  std::vector<std::string> HandlerNames() const {
    std::vector<std::string> names;
    for (const auto& entry : handlers_) names.push_back(entry.first);
    return names;
  }

  Phase phase_ = Phase::kRunning;
  bool adoption_decided_ = false;  // a restarted element continues its old output streams (or not)
  size_t input_links_ = 0;
  bool production_done_ = false;
  Clock::time_point produce_at_;
  bool inputs_ended_called_ = false;
  Status failure_;
  int in_hook_ = 0;

  // Load, as the caretaker and the status show it.
  uint64_t logs_in_ = 0, logs_out_ = 0, batches_in_ = 0, batches_out_ = 0;
  uint64_t malformed_ = 0, rejected_ = 0, dropped_unconnected_ = 0;
  uint64_t queries_in_ = 0, queries_out_ = 0, replies_late_ = 0, query_errors_ = 0;
  uint64_t duplicates_ = 0, stale_ = 0, resumes_ = 0, undeliverable_ = 0;
  int64_t started_unix_ms_ = UnixMs(), first_in_unix_ms_ = 0;
  Clock::duration blocked_{0}, busy_{0};
  Clock::time_point started_ = Clock::now();
  Clock::time_point next_stats_ = Clock::now();
  Clock::time_point last_malformed_log_{};
};

// ------------------------------------------------------------ set-up

Status HostContext::Configure() {
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
    if (op == "stop") ExitNow(0);
    return Status::Invalid("expected a plan, got " + message.dump());
  }
  plan_ = control::PlanFromJson(message["plan"]);
  // A restart binds the addresses its peers already know, and knows which
  // of its inputs had ended for good in an earlier life.
  const Json previous = message.value("bind", Json::object());
  restarted_ = message.contains("bind");
  std::set<std::string> ended_before;
  if (message.contains("ended_links")) {
    for (const Json& id : message["ended_links"]) ended_before.insert(id.get<std::string>());
  }
  auto bind = [&](zmq::socket_t& socket, const std::string& port) {
    std::string want = previous.value(port, "");
    if (!want.empty()) {
      try {
        socket.bind(want);
        return want;
      } catch (const zmq::error_t& e) {
        spdlog::warn("[{}] cannot bind {} again ({}); taking a new address", plan_.name, want, e.what());
      }
    }
    socket.bind(fmt::format("tcp://{}:*", options_.bind_host));
    return control::LastEndpoint(socket);
  };

  for (const std::string& folder : plan_.search_path) Registry::Global().add_search_path(folder);
  spec_ = Registry::Global().find(plan_.class_name);
  if (!spec_ || !spec_->factory) {
    std::string why = Registry::Global().load_error(plan_.class_name);
    return Status::NotFound(why.empty() ? fmt::format("unknown element class '{}'", plan_.class_name)
                                        : fmt::format("cannot load class '{}': {}", plan_.class_name, why));
  }
  Params params;
  Status st = Params::Resolve(*spec_, plan_.params, &params);
  if (!st.ok()) return st;

  element_ = spec_->factory();
  if (!element_) return Status::Internal(fmt::format("could not create an element of class '{}'", plan_.class_name));
  Attach(element_.get(), this, plan_.name);
  st = element_->configure(params);
  if (!st.ok()) return st;

  // Bind every input, in the spec's port order so that indices match.
  Json endpoints = Json::object();
  auto find_plan = [](const std::vector<control::PortPlan>& plans, const std::string& port) -> const control::PortPlan* {
    for (const auto& p : plans) if (p.port == port) return &p;
    return nullptr;
  };
  for (const PortSpec* port : spec_->ports_of(PortKind::kPush, PortDirection::kIn)) {
    InPort in;
    in.name = port->name;
    in.schema = SchemaCheck(port->name, port->schema);
    in.socket = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
    in.socket->set(zmq::sockopt::rcvhwm, 100000);
    in.socket->set(zmq::sockopt::linger, 0);
    in.socket->set(zmq::sockopt::router_mandatory, 1);  // credit for a sender that is gone fails, not queues
    // No handover: a sender's id carries a token of its life (LinkPeer), and
    // a peer merely claiming a link's id must not take the sender's pipe.
    in.socket->set(zmq::sockopt::router_handover, 0);
    if (const auto* p = find_plan(plan_.push_in, port->name)) {
      for (const auto& link : p->links) {
        InLink& in_link = in.links[link.id];
        in_link.check_schema = link.check_schema && !in.schema.empty();
        ++input_links_;
        if (ended_before.count(link.id)) {
          in_link.ended = true;
          in_link.resync_due = false;
          ++in.ended;
        }
      }
      in.grant_every = static_cast<uint32_t>(std::max(1, p->window / 4));
    }
    endpoints[port->name] = bind(*in.socket, port->name);
    inputs_.push_back(std::move(in));
  }
  for (const PortSpec* port : spec_->ports_of(PortKind::kQuery, PortDirection::kIn)) {
    QueryIn in;
    in.name = port->name;
    in.socket = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::router);
    in.socket->set(zmq::sockopt::router_mandatory, 1);
    in.socket->set(zmq::sockopt::router_handover, 0);  // replies go to who asked, never to a later claimant
    in.socket->set(zmq::sockopt::linger, 0);
    if (const auto* p = find_plan(plan_.query_in, port->name)) {
      for (const auto& link : p->links) in.expected.insert(link.id);
    }
    endpoints[port->name] = bind(*in.socket, port->name);
    query_ins_.push_back(std::move(in));
  }
  control::Send(*control_, {{"op", "bound"}, {"element", options_.element}, {"endpoints", endpoints}});
  return Status::OK();
}

Status HostContext::Connect(const Json& message) {
  control::ElementPlan wiring = control::PlanFromJson(message["plan"]);
  std::random_device entropy;
  std::mt19937_64 stream_ids((static_cast<uint64_t>(entropy()) << 32) ^ entropy() ^ static_cast<uint64_t>(::getpid()));
  for (const PortSpec* port : spec_->ports_of(PortKind::kPush, PortDirection::kOut)) {
    OutPort out;
    out.name = port->name;
    for (const auto& p : wiring.push_out) {
      if (p.port != port->name) continue;
      for (const auto& link_plan : p.links) {
        auto link = std::make_unique<OutLink>();
        link->id = link_plan.id;
        link->window = static_cast<uint32_t>(std::max(1, link_plan.window));
        link->endpoint = link_plan.endpoint;
        link->stream = stream_ids();
        // At least two batches fit in a window, so the sender never idles
        // waiting for the credit of the one batch it just sent.
        link->batch_max = static_cast<uint32_t>(std::clamp(link_plan.batch, 1, std::max(1, link_plan.window / 2)));
        link->socket = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::dealer);
        link->socket->set(zmq::sockopt::routing_id, LinkPeer::RoutingId(link->id, stream_ids()));
        // An empty message on every connect: the receiver learns this
        // connection's id at once and asks it to resume.
        link->socket->set(zmq::sockopt::probe_router, 1);
        // Credit bounds what is in flight, and a replay sends the same
        // buffers again: no HWM is needed, and none may block a replay.
        link->socket->set(zmq::sockopt::sndhwm, 0);
        link->socket->set(zmq::sockopt::linger, 0);
        link->socket->set(zmq::sockopt::reconnect_ivl, 10);  // a restarted receiver is back within ms
        link->socket->connect(link_plan.endpoint);
        all_out_links_.push_back(link.get());
        out.links.push_back(std::move(link));
      }
    }
    outputs_.push_back(std::move(out));
  }
  for (const PortSpec* port : spec_->ports_of(PortKind::kQuery, PortDirection::kOut)) {
    QueryOut out;
    out.name = port->name;
    for (const auto& p : wiring.query_out) {
      if (p.port != port->name || p.links.empty()) continue;
      out.socket = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::dealer);
      out.socket->set(zmq::sockopt::routing_id, LinkPeer::RoutingId(p.links[0].id, stream_ids()));
      out.socket->set(zmq::sockopt::linger, 0);
      out.socket->set(zmq::sockopt::reconnect_ivl, 10);
      out.socket->connect(p.links[0].endpoint);
      out.endpoint = p.links[0].endpoint;
      out.link_id = p.links[0].id;
    }
    query_outs_.push_back(std::move(out));
  }
  BuildPollSet();
  return Status::OK();
}

void HostContext::BuildPollSet() {
  poll_items_.clear();
  poll_items_.push_back({control_->handle(), 0, ZMQ_POLLIN, 0});
  for (auto& in : inputs_) poll_items_.push_back({in.socket->handle(), 0, ZMQ_POLLIN, 0});
  for (auto& q : query_ins_) poll_items_.push_back({q.socket->handle(), 0, ZMQ_POLLIN, 0});
  for (auto& q : query_outs_) {
    poll_items_.push_back({q.socket ? q.socket->handle() : nullptr, 0, static_cast<short>(q.socket ? ZMQ_POLLIN : 0), 0});
  }
  for (OutLink* link : all_out_links_) poll_items_.push_back({link->socket->handle(), 0, ZMQ_POLLIN, 0});
}

// ------------------------------------------------------------ the loop

int HostContext::Run() {
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGPIPE, SIG_IGN);
  Status st;
  try {
    st = Configure();
  } catch (const zmq::error_t& e) {
    st = Status::IOError(fmt::format("binding the inputs: {}", e.what()));
  }
  CheckStop();  // a stop that interrupted the start-up is a stop, not a failure
  if (!st.ok()) {
    spdlog::error("[{}] {}", plan_.name.empty() ? options_.element : plan_.name, st.ToString());
    if (control_) control::Send(*control_, {{"op", "failed"}, {"element", options_.element}, {"error", st.ToString()}});
    return 1;
  }
  // Wait for the peers' addresses; nothing else but stop can come meanwhile.
  Json wiring;
  while (true) {
    st = control::Receive(*control_, Milliseconds(200), &wiring);
    CheckStop();
    if (st.IsTimeout() || st.code() == Status::Code::kUnavailable) continue;
    if (!st.ok()) return 2;
    std::string op = wiring.value("op", "");
    if (op == "connect") break;
    if (op == "stop") ExitNow(0);
  }
  try {
    st = Connect(wiring);
  } catch (const zmq::error_t& e) {
    st = Status::IOError(fmt::format("connecting the outputs: {}", e.what()));
  }
  if (st.ok()) {
    ++in_hook_;
    st = element_->start();
    --in_hook_;
  }
  if (st.ok()) st = CheckHandlers(*spec_, HandlerNames());
  handlers_checked_ = st.ok();  // later registrations are checked one by one
  if (!st.ok()) {
    failure_ = st;
  } else {
    control::Send(*control_, {{"op", "started"}, {"element", options_.element}});
    started_ = Clock::now();
    produce_at_ = started_;
    Loop();
  }
  element_->stop();
  if (!failure_.ok()) {
    spdlog::error("[{}] failed: {}", plan_.name, failure_.message());
    Json failed = {{"op", "failed"}, {"element", options_.element}, {"error", failure_.message()}, {"stats", Stats()}};
    control::Send(*control_, failed);
    return 1;
  }
  ReportStats("ended");
  // Wait (briefly) for the caretaker to have read our last word.
  Json bye;
  (void)control::Receive(*control_, Milliseconds(2000), &bye);
  return 0;
}

void HostContext::Loop() {
  Clock::time_point last_flush = Clock::now();
  while (phase_ != Phase::kDone && failure_.ok()) {
    CheckStop();
    Clock::time_point now = Clock::now();
    bool can_produce = phase_ == Phase::kRunning && !production_done_ && InputsDone() && now >= produce_at_;
    Milliseconds timeout(0);
    if (!can_produce) {
      // About to sleep: this is the idle point where partial batches go out.
      FlushPartials(/*all_of_them=*/true);
      for (InPort& in : inputs_) GrantRemainders(in, now);
      last_flush = now;
      timeout = control::TimeoutUntil(NextWake(), Milliseconds(200));
    }
    if (!control::Poll(poll_items_.data(), poll_items_.size(), timeout)) continue;  // a signal: CheckStop
    size_t at = 0;
    if (poll_items_[at++].revents & ZMQ_POLLIN) HandleControl();
    for (size_t i = 0; i < inputs_.size(); ++i, ++at) {
      if (poll_items_[at].revents & ZMQ_POLLIN) DrainInput(inputs_[i], static_cast<int>(i));
    }
    for (size_t i = 0; i < query_ins_.size(); ++i, ++at) {
      if (poll_items_[at].revents & ZMQ_POLLIN) DrainQueryIn(query_ins_[i], static_cast<int>(i));
    }
    for (size_t i = 0; i < query_outs_.size(); ++i, ++at) {
      if (poll_items_[at].revents & ZMQ_POLLIN) DrainQueryOut(query_outs_[i], static_cast<int>(i));
    }
    for (OutLink* link : all_out_links_) {
      if (poll_items_[at++].revents & ZMQ_POLLIN) DrainOutLink(*link);
    }
    FireTimers();
    ExpireRequests();
    AskResyncs(Clock::now());
    if (can_produce && failure_.ok()) {
      auto t0 = Clock::now();
      ++in_hook_;
      Production next = element_->produce();
      --in_hook_;
      busy_ += Clock::now() - t0;
      if (next.next == Production::Next::kDone) production_done_ = true;
      if (next.next == Production::Next::kLater) {
        produce_at_ = Clock::now() + std::min<Milliseconds>(next.delay, std::chrono::hours(24 * 100));
      }
    }
    now = Clock::now();
    if (now - last_flush >= kPartialBatchAge) {
      FlushPartials(/*all_of_them=*/false);
      last_flush = now;
    }
    ProbeSilentReceivers(now);
    AdvanceEnd();
    if (now >= next_stats_) ReportStats("stats");
  }
}

Clock::time_point HostContext::NextWake() const {
  Clock::time_point wake = next_stats_;
  for (const Timer& t : timers_) wake = std::min(wake, t.due);
  for (const auto& [id, request] : pending_) wake = std::min(wake, request.deadline);
  if (phase_ == Phase::kRunning && !production_done_ && InputsDone()) wake = std::min(wake, produce_at_);
  for (const OutLink* link : all_out_links_) {
    if (link->writer.count() > 0) wake = std::min(wake, link->first_pending + kPartialBatchAge);
    if (link->waiting()) wake = std::min(wake, std::max(link->last_heard, link->last_probe) + kProbeSilentReceiverAfter);
  }
  for (const InPort& in : inputs_) {
    for (const auto& [id, link] : in.links) {
      if (link.known && (link.released > link.granted || link.regrant)) wake = std::min(wake, link.last_grant + kPartialBatchAge);
      if (link.resync_due && !(link.ended && link.known)) wake = std::min(wake, link.last_resync + kResyncEvery);
    }
  }
  return wake;
}

// ------------------------------------------------------------ inputs

bool HostContext::DrainInput(InPort& port, int index) {
  for (int n = 0; n < kDrainPerSocket; ++n) {
    zmq::message_t peer, frame;
    if (!port.socket->recv(peer, zmq::recv_flags::dontwait)) return true;
    if (!peer.more()) {
      Malformed(port.name, Status::Invalid("message without a body"));
      continue;
    }
    (void)port.socket->recv(frame, zmq::recv_flags::none);
    while (frame.more()) {  // nothing we send has a third part: drop it
      zmq::message_t extra;
      (void)port.socket->recv(extra, zmq::recv_flags::none);
      frame.swap(extra);
      Malformed(port.name, Status::Invalid("message with extra parts"));
    }
    std::string_view peer_id = peer.to_string_view();
    auto link = port.links.find(LinkPeer::LinkOf(peer_id));
    if (link == port.links.end()) {
      Malformed(port.name, Status::Invalid(fmt::format("data from unknown link {}", Printable(peer_id))));
      continue;
    }
    InLink& in = link->second;
    if (frame.size() == 0) {  // a sender's connect probe (ZMQ_PROBE_ROUTER)
      in.peer.Seen(peer_id);
      continue;
    }
    wire::Kind kind;
    std::string_view bytes = frame.to_string_view();
    Status st = wire::ReadHeader(bytes, &kind);
    if (st.ok() && kind != wire::Kind::kResume && !in.peer.IsPeer(peer_id)) {
      // Not from the connection that resumed last: maybe a sender that does
      // not know we restarted, maybe a stranger. Dropped; it is asked to
      // resume, and becomes the link's peer if it does.
      ++stale_;
      in.peer.Seen(peer_id);
      in.resync_due = true;
    } else if (st.ok() && kind == wire::Kind::kBatch) {
      ProcessBatch(port, index, link->first, in, bytes);
    } else if (st.ok() && kind == wire::Kind::kResume) {
      wire::Position from;
      st = wire::ReadPosition(bytes, &from);
      if (st.ok()) {
        in.peer.Proved(peer_id);
        Resume(port, in, from);
      }
    } else if (st.ok() && kind == wire::Kind::kEnd) {
      EndOf(port, in, bytes);
    } else if (st.ok()) {
      st = Status::Invalid("unexpected frame kind on a push input");
    }
    if (!st.ok()) Malformed(port.name, st);
    if (!failure_.ok()) return false;
  }
  return true;
}

void HostContext::ProcessBatch(InPort& port, int index, const std::string& link_id, InLink& in, std::string_view bytes) {
  uint64_t first = 0;
  arena_.clear();
  Status st = wire::ReadBatch(bytes, &first, &arena_, &batch_logs_);
  if (!st.ok()) {
    Malformed(port.name, st);
    return;
  }
  const uint64_t count = batch_logs_.size();
  if (!in.known || first > in.expect) {
    // Sent before the sender knew where we stand (we restarted), or after
    // something we never got: dropped here, sent again after a resume.
    ++stale_;
    in.resync_due = true;
    return;
  }
  if (first + count <= in.expect) {  // a replay of what was processed already
    duplicates_ += count;
    in.regrant = true;
    return;
  }
  // A replay may straddle what was processed (batches end elsewhere in
  // another incarnation of the sender): only the new tail counts.
  const size_t skip = static_cast<size_t>(in.expect - first);
  duplicates_ += skip;
  uint32_t fresh = static_cast<uint32_t>(count - skip);
  logs_in_ += fresh;
  ++batches_in_;
  if (first_in_unix_ms_ == 0) first_in_unix_ms_ = UnixMs();
  auto t0 = Clock::now();
  // Checked once here, so that no element meets a malformed or too-deep log,
  // nor one its port's schema rejects where the upstream does not guarantee
  // it; the offsets still count them (they were received, and are done with).
  const size_t kept = DropMalformedLogs(batch_logs_, skip, [&](const Status& why) { Malformed(port.name, why); });
  size_t handed = kept - skip;
  if (in.check_schema) {
    handed = port.schema.KeepValid(batch_logs_.data() + skip, handed, [&](const Status& why) {
      Reject(fmt::format("from {}: {}", link_id, why.message()));
    });
  }
  batch_link_ = &link_id;
  batch_stream_ = in.stream;
  batch_first_ = in.expect;
  batch_end_ = first + count;
  ++in_hook_;
  if (handed > 0) element_->on_batch(index, Batch(batch_logs_.data() + skip, handed));
  --in_hook_;
  batch_link_ = nullptr;
  busy_ += Clock::now() - t0;
  if (!failure_.ok()) return;  // not done with (a sink that could not write it): no credit
  in.expect = first + count;
  in.logs += fresh;
  if (all_out_links_.empty()) {
    in.released = in.expect;
  } else {
    in.holds.push_back(in.expect);
    for (const OutLink* out : all_out_links_) in.holds.push_back(out->emitted());
    ReleaseHolds(in);
  }
  Grant(port, link_id, in, /*remainder=*/false);
}

void HostContext::Resume(InPort& port, InLink& in, const wire::Position& from) {
  ++resumes_;
  if (!in.known || from.stream != in.stream) {
    if (in.ended && !in.known && phase_ == Phase::kRunning && !inputs_ended_called_) {
      in.ended = false;  // ended in an earlier life, yet its sender is replaying: follow it
      --port.ended;
    }
    // A new sender (or we are new): start where it says we stand.
    in.known = true;
    in.stream = from.stream;
    in.expect = in.released = in.granted = from.offset;
    in.holds.clear();
    in.released_marks.clear();
    // An element with one input that restarted continues its output streams
    // where they stood when this position was acked: what it emits again for
    // the replay lands on offsets its receivers have seen, and they drop it.
    // With several inputs the interleaving differs from life to life, so it
    // starts new streams instead (at least once, never lost).
    if (!adoption_decided_ && input_links_ == 1 && from.marks.size() == all_out_links_.size() && !from.marks.empty()) {
      bool untouched = true;
      for (const OutLink* out : all_out_links_) untouched = untouched && out->sent == 0 && out->writer.count() == 0 && !out->resumed;
      if (untouched) {
        for (size_t i = 0; i < all_out_links_.size(); ++i) {
          all_out_links_[i]->stream = from.marks[i].stream;
          all_out_links_[i]->sent = all_out_links_[i]->acked = from.marks[i].offset;
        }
        in.released_marks = from.marks;
      }
    }
  } else if (from.offset > in.expect) {
    in.expect = in.released = in.granted = from.offset;  // acked beyond what we saw: nothing to redo
    in.holds.clear();
  } else {
    in.regrant = true;  // the sender is behind us: tell it where we are
  }
  adoption_decided_ = true;
  in.resync_due = false;
}

void HostContext::EndOf(InPort& port, InLink& in, std::string_view bytes) {
  uint64_t stream = 0, offset = 0;
  Status st = wire::ReadEnd(bytes, &stream, &offset);
  if (!st.ok()) {
    Malformed(port.name, st);
    return;
  }
  if (!in.known || stream != in.stream || offset != in.expect) {
    ++stale_;  // an END from before a resume: the resume's replay ends with it again
    in.resync_due = true;
    return;
  }
  if (!in.ended) {
    in.ended = true;
    ++port.ended;
  }
  if (!control::SendFrameTo(*port.socket, in.peer.peer(), wire::EndAck())) ++undeliverable_;
}

void HostContext::ReleaseHolds(InLink& in) {
  const size_t outs = all_out_links_.size();
  while (!in.holds.empty()) {
    for (size_t i = 0; i < outs; ++i) {
      if (all_out_links_[i]->acked < in.holds[1 + i]) return;
    }
    in.released = in.holds[0];
    if (input_links_ == 1) {  // marks are only ever adopted by single-input elements
      in.released_marks.resize(outs);
      for (size_t i = 0; i < outs; ++i) in.released_marks[i] = {all_out_links_[i]->stream, in.holds[1 + i]};
    }
    in.holds.erase(in.holds.begin(), in.holds.begin() + static_cast<std::ptrdiff_t>(1 + outs));
  }
}

void HostContext::ReleaseAllHolds() {
  for (InPort& port : inputs_) {
    for (auto& [id, in] : port.links) {
      if (in.holds.empty()) continue;
      ReleaseHolds(in);
      Grant(port, id, in, /*remainder=*/false);
    }
  }
}

void HostContext::Grant(InPort& port, const std::string& link_id, InLink& in, bool remainder) {
  // Credit goes back in chunks (grant_every); when idle, the rest follows
  // after the batching time limit, so that what senders count in flight is
  // what is really here, without a credit message per batch.
  const uint64_t ungranted = in.released - in.granted;
  if (!in.known || in.peer.peer().empty()) return;
  if (!in.regrant && (ungranted == 0 || (!remainder && ungranted < port.grant_every))) return;
  if (!control::SendFrameTo(*port.socket, in.peer.peer(), wire::Credit({in.stream, in.released, in.released_marks}))) {
    ++undeliverable_;  // the sender is gone or reconnecting; it resumes from what it last heard
    return;
  }
  in.granted = in.released;
  in.regrant = false;
  in.last_grant = Clock::now();
  if (in.ended && in.granted == in.expect && !in.reported_done) {
    // Done with for good: a restart of this element must not wait for it.
    in.reported_done = true;
    control::Send(*control_, {{"op", "link_done"}, {"element", options_.element}, {"link", link_id}});
  }
}

void HostContext::GrantRemainders(InPort& port, Clock::time_point now) {
  for (auto& [link_id, link] : port.links) {
    if (now - link.last_grant < kPartialBatchAge) continue;
    Grant(port, link_id, link, /*remainder=*/true);
  }
}

void HostContext::AskResyncs(Clock::time_point now) {
  for (InPort& port : inputs_) {
    for (auto& [link_id, in] : port.links) {
      if (!in.resync_due || (in.ended && in.known) || now - in.last_resync < kResyncEvery) continue;
      in.last_resync = now;
      // The peer that resumed last, and every connection claiming the link
      // that has not resumed yet: whichever is the sender resumes. Until the
      // sender is connected there is none; its connect probe brings it.
      const std::string& known_peer = in.peer.peer();
      if (in.known && !known_peer.empty() && control::SendFrameTo(*port.socket, known_peer, wire::Resync())) {
        in.resync_due = false;
      }
      const std::vector<std::string> unproven = in.peer.unproven();
      for (const std::string& id : unproven) {
        if (!control::SendFrameTo(*port.socket, id, wire::Resync())) in.peer.Forget(id);
      }
    }
  }
}

bool HostContext::InputsDone() const {
  for (const InPort& in : inputs_) {
    if (!in.done()) return false;
  }
  return true;
}

// ------------------------------------------------------------ queries

bool HostContext::DrainQueryIn(QueryIn& port, int index) {
  for (int n = 0; n < kDrainPerSocket; ++n) {
    zmq::message_t peer, frame;
    if (!port.socket->recv(peer, zmq::recv_flags::dontwait)) return true;
    if (!peer.more()) {
      Malformed(port.name, Status::Invalid("message without a body"));
      continue;
    }
    (void)port.socket->recv(frame, zmq::recv_flags::none);
    if (frame.more()) {
      // A request is [peer][frame]: a part more would be read as the next
      // message's peer, and that peer would get this one's reply.
      DropRest(*port.socket, frame);
      Malformed(port.name, Status::Invalid("message with extra parts"));
      continue;
    }
    std::string peer_id = peer.to_string();
    std::string_view bytes = frame.to_string_view();
    wire::Kind kind;
    Status st = wire::ReadHeader(bytes, &kind);
    if (st.ok() && kind == wire::Kind::kEnd) {
      port.ended.insert(std::string(LinkPeer::LinkOf(peer_id)));  // the requester's link, whichever life
      try {
        port.socket->send(zmq::buffer(peer_id), zmq::send_flags::sndmore);
        port.socket->send(zmq::buffer(wire::EndAck()), zmq::send_flags::dontwait);
      } catch (const zmq::error_t&) {
      }
      continue;
    }
    uint64_t id = 0;
    std::string_view body;
    if (st.ok() && kind != wire::Kind::kRequest) st = Status::Invalid("unexpected frame kind on a query input");
    if (st.ok()) st = wire::ReadAddressed(bytes, &id, &body);
    if (!st.ok()) {
      Malformed(port.name, st);
      continue;
    }
    ++queries_in_;
    arena_.clear();
    Log request(body.data(), body.size(), &arena_);
    Responder responder = MakeResponder(this, index, peer_id, id);
    if (!request.valid()) {
      Malformed(port.name, Status::Invalid("request is not a msgpack map"));
      responder.error("malformed request: not a msgpack map");
      continue;
    }
    auto t0 = Clock::now();
    ++in_hook_;
    element_->on_query(index, request, responder);
    --in_hook_;
    busy_ += Clock::now() - t0;
  }
  return true;
}

void HostContext::Answer(const Responder& responder, std::string_view frame) {
  QueryIn& port = query_ins_.at(responder.port_);
  try {
    port.socket->send(zmq::buffer(responder.peer_), zmq::send_flags::sndmore);
    port.socket->send(zmq::buffer(frame), zmq::send_flags::none);
  } catch (const zmq::error_t& e) {
    ++query_errors_;
    spdlog::warn("[{}] reply to '{}' undeliverable: {}", plan_.name, responder.peer_, e.what());
  }
}

void HostContext::Ask(int port, std::string_view request, Milliseconds timeout, ReplyCallback done) {
  if (port < 0 || port >= static_cast<int>(query_outs_.size()) || !query_outs_[port].socket) {
    Reply reply;
    reply.status = Status::Unavailable(fmt::format("query output {} is not connected", port));
    done(std::move(reply));
    return;
  }
  uint64_t id = next_request_id_++;
  pending_[id] = PendingRequest{port, std::move(done), Clock::now() + timeout};
  ++queries_out_;
  query_outs_[port].socket->send(zmq::buffer(wire::Request(id, request)), zmq::send_flags::none);
}

void HostContext::DrainQueryOut(QueryOut& port, int index) {
  (void)index;
  for (int n = 0; n < kDrainPerSocket; ++n) {
    zmq::message_t frame;
    if (!port.socket->recv(frame, zmq::recv_flags::dontwait)) return;
    std::string_view bytes = frame.to_string_view();
    wire::Kind kind;
    Status st = wire::ReadHeader(bytes, &kind);
    if (st.ok() && kind == wire::Kind::kEndAck) {
      port.end_acked = true;
      continue;
    }
    uint64_t id = 0;
    std::string_view body;
    if (st.ok() && kind != wire::Kind::kReply && kind != wire::Kind::kError) st = Status::Invalid("unexpected frame kind on a query output");
    if (st.ok()) st = wire::ReadAddressed(bytes, &id, &body);
    if (!st.ok()) {
      Malformed(port.name, st);
      continue;
    }
    auto it = pending_.find(id);
    if (it == pending_.end()) {
      ++replies_late_;  // it timed out already: its callback has run
      continue;
    }
    PendingRequest request = std::move(it->second);
    pending_.erase(it);
    Reply reply;
    if (kind == wire::Kind::kReply) {
      reply.log = OwnedLog(std::string(body));
      if (!reply.log.log().valid()) reply.status = Status::Invalid("malformed reply: not a msgpack map");
    } else {
      ++query_errors_;
      reply.status = Status::Invalid(std::string(body));
    }
    auto t0 = Clock::now();
    ++in_hook_;
    request.done(std::move(reply));
    --in_hook_;
    busy_ += Clock::now() - t0;
  }
}

void HostContext::ExpireRequests() {
  if (pending_.empty()) return;
  Clock::time_point now = Clock::now();
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    PendingRequest request = std::move(it->second);
    it = pending_.erase(it);
    ++query_errors_;
    Reply reply;
    reply.status = Status::Timeout(fmt::format("no reply on '{}' in time", query_outs_[request.port].name));
    ++in_hook_;
    request.done(std::move(reply));
    --in_hook_;
  }
}

// ------------------------------------------------------------ outputs

void HostContext::Emit(int port, std::string_view log) {
  if (port < 0 || port >= static_cast<int>(outputs_.size())) {
    Fail(Status::Invalid(fmt::format("emit on push output {}, which {} does not have", port, plan_.class_name)));
    return;
  }
  OutPort& out = outputs_[port];
  if (out.links.empty()) {
    ++dropped_unconnected_;  // an optional output nobody listens to
    return;
  }
  ++logs_out_;
  for (auto& link : out.links) {
    if (link->writer.count() == 0) link->first_pending = Clock::now();
    link->writer.append(log);
    if (link->writer.count() >= link->batch_max) SendBatch(*link);
  }
}

void HostContext::SendBatch(OutLink& link) {
  const int64_t count = link.writer.count();
  if (count == 0) return;
  if (link.credit() < count) WaitForCredit(link, count);
  if (!link.resumed) SendResume(link);  // the receiver learns our stream before our first batch
  auto bytes = std::make_shared<std::string>(link.writer.take(link.sent));
  SendFrame(link, bytes);
  link.unacked.push_back({link.sent, static_cast<uint32_t>(count), std::move(bytes)});
  link.sent += static_cast<uint64_t>(count);
  ++batches_out_;
  link.peak_in_flight = std::max<uint64_t>(link.peak_in_flight, link.in_flight());
}

void HostContext::SendFrame(OutLink& link, const std::shared_ptr<std::string>& bytes) {
  zmq::message_t message(bytes->data(), bytes->size(), ReleaseBatch, new std::shared_ptr<std::string>(bytes));
  link.socket->send(message, zmq::send_flags::none);  // no HWM: never blocks (credit bounds it)
}

void HostContext::SendResume(OutLink& link) {
  // Where the receiver stands by our books, then everything it has not
  // acked, then END if we sent it: after a resume the receiver has it all
  // again, and drops by offset what it had seen.
  link.socket->send(zmq::buffer(wire::Resume({link.stream, link.acked, link.resume_marks})), zmq::send_flags::none);
  if (link.resumed) {
    for (const SentBatch& batch : link.unacked) SendFrame(link, batch.bytes);
    link.replays += link.unacked.size();
  }
  link.resumed = true;
  if (link.end_sent) link.socket->send(zmq::buffer(wire::End(link.stream, link.sent)), zmq::send_flags::none);
}

void HostContext::WaitForCredit(OutLink& link, int64_t needed) {
  // The downstream queue is full: wait here, reading only this link's
  // credits and the control channel. This wait is the backpressure.
  auto t0 = Clock::now();
  zmq::pollitem_t items[2] = {{link.socket->handle(), 0, ZMQ_POLLIN, 0},
                              {control_->handle(), 0, ZMQ_POLLIN, 0}};
  while (link.credit() < needed) {
    CheckStop();
    control::Poll(items, 2, Milliseconds(100));
    if (items[0].revents & ZMQ_POLLIN) DrainOutLink(link);
    if (items[1].revents & ZMQ_POLLIN) HandleControl();
    if (Clock::now() >= next_stats_) ReportStats("stats");
  }
  blocked_ += Clock::now() - t0;
}

void HostContext::DrainOutLink(OutLink& link) {
  bool acked_more = false;
  for (int n = 0; n < kDrainPerSocket; ++n) {
    zmq::message_t frame;
    if (!link.socket->recv(frame, zmq::recv_flags::dontwait)) break;
    link.last_heard = Clock::now();
    std::string_view bytes = frame.to_string_view();
    wire::Kind kind;
    Status st = wire::ReadHeader(bytes, &kind);
    if (st.ok() && kind == wire::Kind::kCredit) {
      wire::Position acked;
      st = wire::ReadPosition(bytes, &acked);
      if (st.ok() && acked.stream != link.stream) {
        ++stale_;  // for a stream of an earlier life
      } else if (st.ok()) {
        if (acked.offset > link.acked) {
          link.acked = acked.offset;
          acked_more = true;
        }
        link.resume_marks = std::move(acked.marks);
        while (!link.unacked.empty() && link.unacked.front().first + link.unacked.front().count <= link.acked) {
          link.unacked.pop_front();
        }
      }
    } else if (st.ok() && kind == wire::Kind::kEndAck) {
      link.end_acked = true;
    } else if (st.ok() && kind == wire::Kind::kResync) {
      SendResume(link);
    } else if (st.ok()) {
      st = Status::Invalid("unexpected frame kind on a push output");
    }
    if (!st.ok()) Malformed(link.id, st);
  }
  if (acked_more) ReleaseAllHolds();
}

void HostContext::Rewire(const Json& links) {
  // A receiver moved (its node died and it was placed elsewhere): what was
  // queued for the old address is dropped with it, and the new receiver's
  // resync brings back everything it has not acked.
  for (OutLink* link : all_out_links_) {
    std::string endpoint = links.value(link->id, "");
    if (endpoint.empty() || endpoint == link->endpoint) continue;
    try {
      link->socket->disconnect(link->endpoint);
    } catch (const zmq::error_t&) {
    }
    link->socket->connect(endpoint);
    spdlog::debug("[{}] link {} now goes to {}", plan_.name, link->id, endpoint);
    link->endpoint = endpoint;
  }
  for (QueryOut& q : query_outs_) {
    std::string endpoint = links.value(q.link_id, "");
    if (!q.socket || endpoint.empty() || endpoint == q.endpoint) continue;
    try {
      q.socket->disconnect(q.endpoint);
    } catch (const zmq::error_t&) {
    }
    q.socket->connect(endpoint);
    q.endpoint = endpoint;
  }
}

void HostContext::ProbeSilentReceivers(Clock::time_point now) {
  for (OutLink* link : all_out_links_) {
    if (!link->waiting() || now - std::max(link->last_heard, link->last_probe) < kProbeSilentReceiverAfter) continue;
    link->last_probe = now;
    (void)link->socket->send(zmq::message_t(), zmq::send_flags::dontwait);
  }
}

void HostContext::FlushPartials(bool all_of_them) {
  Clock::time_point now = Clock::now();
  for (OutLink* link : all_out_links_) {
    if (link->writer.count() == 0) continue;
    bool old = now - link->first_pending >= kPartialBatchAge;
    // An idle flush never waits for credit; an old batch does.
    if ((all_of_them && link->credit() >= link->writer.count()) || old) SendBatch(*link);
  }
}

// ------------------------------------------------------------ timers

int HostContext::SetTimer(Milliseconds delay, Milliseconds period) {
  int id = next_timer_id_++;
  timers_.push_back({id, Clock::now() + delay, period});
  return id;
}

void HostContext::CancelTimer(int id) {
  std::erase_if(timers_, [id](const Timer& t) { return t.id == id; });
}

void HostContext::FireTimers() {
  if (timers_.empty()) return;
  Clock::time_point now = Clock::now();
  std::vector<int> due;
  for (Timer& t : timers_) {
    if (t.due <= now) due.push_back(t.id);
  }
  for (int id : due) {
    auto it = std::find_if(timers_.begin(), timers_.end(), [id](const Timer& t) { return t.id == id; });
    if (it == timers_.end()) continue;  // cancelled by an earlier timer's hook
    if (it->period.count() > 0) {
      it->due += it->period;
      if (it->due < now) it->due = now + it->period;
    } else {
      timers_.erase(it);
    }
    ++in_hook_;
    element_->on_timer(id);
    --in_hook_;
  }
}

void HostContext::WaitUntil(Clock::time_point deadline) {
  auto t0 = Clock::now();
  zmq::pollitem_t item{control_->handle(), 0, ZMQ_POLLIN, 0};
  while (Clock::now() < deadline) {
    CheckStop();
    control::Poll(&item, 1, control::TimeoutUntil(deadline, Milliseconds(100)));
    if (item.revents & ZMQ_POLLIN) HandleControl();
    if (Clock::now() >= next_stats_) ReportStats("stats");
  }
  busy_ -= Clock::now() - t0;  // waiting on purpose is not work
}

// ------------------------------------------------------------ ending

void HostContext::AdvanceEnd() {
  if (phase_ == Phase::kRunning) {
    if (!InputsDone() || !production_done_) return;
    if (!inputs_ended_called_) {
      inputs_ended_called_ = true;
      ++in_hook_;
      element_->on_inputs_ended();
      --in_hook_;
    }
    if (!pending_.empty() || !failure_.ok()) return;  // replies may still emit
    for (OutLink* link : all_out_links_) SendBatch(*link);
    for (OutLink* link : all_out_links_) {
      if (!link->resumed) SendResume(*link);
      link->socket->send(zmq::buffer(wire::End(link->stream, link->sent)), zmq::send_flags::none);
      link->end_sent = true;
    }
    for (QueryOut& q : query_outs_) {
      if (!q.socket) continue;
      q.socket->send(zmq::buffer(wire::End(0, 0)), zmq::send_flags::none);
      q.end_sent = true;
    }
    phase_ = Phase::kEnding;
    ReportStats("stats");
  }
  if (phase_ == Phase::kEnding) {
    // END is acknowledged, and every log done with downstream, before
    // anything closes: until then a receiver that restarts needs our replay.
    for (OutLink* link : all_out_links_) {
      if (!link->done()) return;
    }
    // And our own senders hear that we are done with all they sent.
    for (InPort& port : inputs_) {
      for (auto& [id, in] : port.links) {
        if (!in.known) continue;
        Grant(port, id, in, /*remainder=*/true);
        if (in.granted < in.expect) return;
      }
    }
    for (QueryOut& q : query_outs_) {
      if (q.socket && !q.end_acked) return;
    }
    // A responder stays up while any requester may still ask.
    for (QueryIn& q : query_ins_) {
      if (!q.done()) return;
    }
    phase_ = Phase::kDone;
  }
}

// ------------------------------------------------------------ control

void HostContext::HandleControl() {
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

void HostContext::HandleControlMessage(const Json& message) {
  std::string op = message.value("op", "");
  if (op == "stop") {
    g_stop_requested = 1;
    CheckStop();
  } else if (op == "rewire") {
    Rewire(message.value("links", Json::object()));
  } else if (op == "drain") {
    // A source stops producing; END then flows downstream as at a normal end.
    production_done_ = true;
  } else if (op == "handler") {
    std::string name = message.value("name", "");
    Json answer = {{"op", "handler_reply"}, {"element", options_.element}, {"name", name},
                   {"request", message.value("request", 0)}};
    auto it = handlers_.find(name);
    if (it == handlers_.end()) {
      answer["error"] = fmt::format("{} has no handler '{}'", plan_.name, name);
    } else if (message.contains("value")) {
      if (!it->second.write) {
        answer["error"] = fmt::format("handler '{}' is read-only", name);
      } else {
        Status st = it->second.write(message["value"].get<std::string>());
        if (!st.ok()) answer["error"] = st.message();
      }
    } else if (it->second.read) {
      answer["value"] = it->second.read();
    } else {
      answer["error"] = fmt::format("handler '{}' is write-only", name);
    }
    control::Send(*control_, answer);
  }
}

void HostContext::CheckStop() {
  if (!g_stop_requested) return;
  // Stopping is not ending: nothing is flushed, no END goes downstream.
  if (element_ && in_hook_ == 0) element_->stop();
  if (control_) control::Send(*control_, {{"op", "stopped"}, {"element", options_.element}, {"stats", Stats()}});
  ExitNow(0);
}

void HostContext::ExitNow(int code) {
  // Straight out, without unwinding a hook that may be mid-way: what a stop
  // means. Sockets are left to the kernel; nothing more will be sent.
  std::fflush(nullptr);
  ::_exit(code);
}

// ------------------------------------------------------------ load

Json HostContext::Stats() const {
  Json links = Json::array();
  for (const OutLink* link : all_out_links_) {
    links.push_back({{"id", link->id},
                     {"sent", link->sent},
                     {"acked", link->acked},
                     {"in_flight", link->in_flight()},
                     {"peak_in_flight", link->peak_in_flight},
                     {"replayed_batches", link->replays},
                     {"window", link->window}});
  }
  Json handlers = Json::object();
  for (const auto& [name, handler] : handlers_) {
    if (handler.read) handlers[name] = handler.read();
  }
  return {{"time_ms", MonotonicMs()},
          {"logs_in", logs_in_},
          {"logs_out", logs_out_},
          {"batches_in", batches_in_},
          {"batches_out", batches_out_},
          {"malformed", malformed_},
          {"rejected", rejected_},
          {"dropped_unconnected", dropped_unconnected_},
          {"queries_in", queries_in_},
          {"queries_out", queries_out_},
          {"query_errors", query_errors_},
          {"replies_late", replies_late_},
          {"duplicates_dropped", duplicates_},
          {"stale_dropped", stale_},
          {"resumes", resumes_},
          {"undeliverable", undeliverable_},
          {"started_unix_ms", started_unix_ms_},
          {"first_in_unix_ms", first_in_unix_ms_},
          {"blocked_ms", Ms(blocked_)},
          {"busy_ms", Ms(busy_)},
          {"uptime_ms", Ms(Clock::now() - started_)},
          {"out_links", links},
          {"handlers", handlers}};
}

void HostContext::ReportStats(const char* op) {
  next_stats_ = Clock::now() + kStatsPeriod;
  control::Send(*control_, {{"op", op}, {"element", options_.element}, {"stats", Stats()}});
}

void HostContext::Malformed(std::string_view where, const Status& why) {
  ++malformed_;
  Clock::time_point now = Clock::now();
  if (now - last_malformed_log_ > std::chrono::seconds(1)) {  // rate-limited: a flood must not flood the log
    last_malformed_log_ = now;
    spdlog::warn("[{}] dropped a malformed message on '{}': {} ({} so far)", plan_.name, where, why.message(), malformed_);
  }
}

void HostContext::Reject(std::string_view why) {
  ++rejected_;
  Clock::time_point now = Clock::now();
  if (now - last_malformed_log_ > std::chrono::seconds(1)) {
    last_malformed_log_ = now;
    spdlog::warn("[{}] rejected: {} ({} so far)", plan_.name, why, rejected_);
  }
}

void HostContext::Fail(const Status& why) {
  if (failure_.ok()) failure_ = why.ok() ? Status::Internal("failed without a reason") : why;
}

void HostContext::AddHandler(std::string name, std::function<std::string()> read,
                             std::function<Status(std::string_view)> write) {
  if (handlers_checked_) {
    if (Status st = CheckHandlerDeclared(*spec_, name); !st.ok()) return Fail(st);
  }
  Handler& h = handlers_[name];
  if (read) h.read = std::move(read);
  if (write) h.write = std::move(write);
}

int HostContext::PortIndex(PortKind kind, PortDirection direction, std::string_view name) const {
  auto ports = spec_->ports_of(kind, direction);
  for (size_t i = 0; i < ports.size(); ++i) {
    if (ports[i]->name == name) return static_cast<int>(i);
  }
  return -1;
}

InputPosition HostContext::BatchPosition() const {
  if (!batch_link_) return {};
  return {*batch_link_, batch_stream_, batch_first_, batch_end_};
}

bool HostContext::Connected(int push_out) const {
  return push_out >= 0 && push_out < static_cast<int>(outputs_.size()) && !outputs_[push_out].links.empty();
}

}  // namespace detail

// ------------------------------------------------------------ Element

void Element::on_batch(int port, Batch logs) {
  for (const Log& log : logs) on_log(port, log);
}

void Element::on_query(int port, const Log& request, Responder responder) {
  (void)port;
  (void)request;
  responder.error(fmt::format("{} answers no queries", name()));
}

void Element::emit(LogBuilder& log, int port) { context_->Emit(port, log.bytes()); }
void Element::forward(const Log& log, int port) { context_->Emit(port, log.bytes()); }
int Element::push_out_port(std::string_view n) const { return context_->PortIndex(PortKind::kPush, PortDirection::kOut, n); }
int Element::push_in_port(std::string_view n) const { return context_->PortIndex(PortKind::kPush, PortDirection::kIn, n); }
int Element::query_out_port(std::string_view n) const { return context_->PortIndex(PortKind::kQuery, PortDirection::kOut, n); }
bool Element::connected(int push_out) const { return context_->Connected(push_out); }
void Element::ask(int port, LogBuilder& request, Milliseconds timeout, ReplyCallback done) {
  context_->Ask(port, request.bytes(), timeout, std::move(done));
}
int Element::set_timer(Milliseconds delay, Milliseconds period) { return context_->SetTimer(delay, period); }
void Element::cancel_timer(int timer_id) { context_->CancelTimer(timer_id); }
void Element::wait_until(std::chrono::steady_clock::time_point deadline) { context_->WaitUntil(deadline); }
void Element::add_read_handler(std::string handler, std::function<std::string()> read) {
  context_->AddHandler(std::move(handler), std::move(read), nullptr);
}
void Element::add_write_handler(std::string handler, std::function<Status(std::string_view)> write) {
  context_->AddHandler(std::move(handler), nullptr, std::move(write));
}
void Element::fail(const Status& why) { context_->Fail(why); }
void Element::reject(std::string_view why) { context_->Reject(why); }
const ClassSpec* Element::class_spec() const { return context_ ? context_->spec() : nullptr; }
InputPosition Element::batch_position() const { return context_ ? context_->BatchPosition() : InputPosition{}; }
bool Element::restarted() const { return context_ && context_->restarted(); }

void Responder::reply(LogBuilder& log) const {
  if (!context_ || *answered_) return;
  *answered_ = true;
  context_->Answer(*this, wire::Reply(request_id_, log.bytes()));
}

void Responder::error(std::string_view message) const {
  if (!context_ || *answered_) return;
  *answered_ = true;
  context_->Answer(*this, wire::Error(request_id_, message));
}

int RunElementHost(const HostOptions& options) {
  if (options.parent > 0) {
    // No orphan if the caretaker dies; set here, not between fork and exec,
    // because the caretaker spawns with vfork semantics (posix_spawn): no
    // copy of its page tables per host, which is most of a host's start.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != options.parent) return 3;  // it died before we could tie ourselves to it
  }
  // Batches are allocated by ZeroMQ's I/O thread and freed by this one, at
  // tens of thousands a second: with glibc's default trimming the heap top
  // is handed back to the kernel and faulted in again all the time (measured:
  // about a third of the push throughput). What a host holds is bounded by
  // its links' credit windows, so keeping freed memory costs little.
  ::mallopt(M_TRIM_THRESHOLD, 128 << 20);
  ::mallopt(M_TOP_PAD, 16 << 20);
  detail::HostContext context(options);
  return context.Run();
}

}  // namespace datablox
