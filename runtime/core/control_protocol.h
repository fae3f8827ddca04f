// The control protocol, declared once: every operation the CLI, the master,
// the caretakers and the element hosts send each other, each message as a
// struct with its encode (ToJson) and decode (FromJson), the element plan
// they hand on, the link id's format and the restart policy.
//
// A message is one JSON object with an "op" string (the wire names below
// are the wire format: never change one). A decode never throws: a message
// of the wrong shape is a Status naming the message and the field, which
// the receiver counts and drops. A field absent from a message takes the
// default its struct declares; a field present with the wrong type is an
// error. Fields some senders leave out are std::optional, so that what goes
// out is exactly what went out before the protocol was declared.
//
// Who talks to whom (docs/control-protocol.md tells the order of a life):
//
//   CLI -> master (ROUTER, peer "client:..."), one request, one reply
//   ({"ok": bool, ...}, declared in client_replies.h): submit, status,
//   list, nodes, events, stop, kill, handler, logs, shutdown.
//
//   caretaker -> master (peer "node:NAME#TOKEN"): join at start, heartbeat
//   every period (the caretaker's whole state: a master that restarted
//   re-adopts from it), left at the end; spawned, restarting, exited (and
//   failed when a host cannot even be started) about its elements; and,
//   forwarded from its hosts with the ForwardedBy stamp: bound, started,
//   link_done, stats, ended, stopped, failed, handler_reply; logs_reply.
//
//   master -> caretaker: heartbeat_ack, spawn, connect, rewire, drain, stop,
//   kill_element, shutdown; handler and logs (client requests relayed, with
//   a request id the reply carries back).
//
//   host -> caretaker (peer "TOPOLOGY/ELEMENT#TOKEN"): hello, bound, started,
//   link_done, stats, ended, stopped, failed, handler_reply.
//
//   caretaker -> host: configure (answer to hello), connect and rewire (the
//   master's, passed on), drain, handler, bye (its last word was read).
//
//   CLI -> caretaker (its status endpoint): status, logs.
//
// The control plane is not a hot path: readable messages beat compact ones.
// No socket here: the socket helpers are in runtime/core/control.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "datablox/spec.h"
#include "datablox/status.h"
#include "runtime/core/shard_policy.h"

namespace datablox::control {

using Json = nlohmann::json;

// ------------------------------------------------------------ operations

enum class Op {
  kUnknown,  // an "op" no one sends: the receiver answers or counts it
  // CLI -> master (status and logs also CLI -> caretaker)
  kSubmit,
  kStatus,
  kList,
  kNodes,
  kEvents,
  kStop,
  kKill,
  kHandler,
  kLogs,
  kShutdown,
  // caretaker -> master
  kJoin,
  kHeartbeat,
  kLeft,
  kSpawned,
  kRestarting,
  kExited,
  kHandlerReply,
  kLogsReply,
  // master -> caretaker (stop, shutdown, handler and logs above)
  kHeartbeatAck,
  kSpawn,
  kConnect,
  kRewire,
  kDrain,
  kKillElement,
  // host -> caretaker, most forwarded to the master
  kHello,
  kBound,
  kStarted,
  kLinkDone,
  kStats,
  kEnded,
  kStopped,
  kFailed,
  // caretaker -> host (connect, rewire, drain, handler above)
  kConfigure,
  kBye,
  // shards (shard_messages.cc): CLI -> master, master -> hosts and back
  kScale,
  kReroute,
  kFenced,
  kExpectLinks,
  kCanAdd,
  kCanAddReply,
  kExportState,
  kStateExported,
  kImportState,
  kStateImported,
};

// The wire name: "submit", "heartbeat_ack", "kill_element", ...
std::string_view OpName(Op op);
// kUnknown for a name no operation has.
Op OpFromName(std::string_view name);
// The "op" of a message: kUnknown (and `name` "") when it has none, an
// Invalid status when it is not a string. `name` (if given) gets the name
// as sent, for an "unknown request 'NAME'" answer.
Status ReadOp(const Json& message, Op* op, std::string* name = nullptr);

// ------------------------------------------------------------ link ids

// A link is named by its two ends, "src.out>keep.in": unique per receiving
// port, the key of credit, replay and ended links everywhere.
struct LinkId {
  std::string from_element, from_port, to_element, to_port;
  std::string ToString() const;
};
// Invalid unless `text` is "ELEMENT.PORT>ELEMENT.PORT" with no part empty.
Status ParseLinkId(std::string_view text, LinkId* id);

// ------------------------------------------------------------ restart policy

// What an element's caretaker does when the element dies (the topology's
// `policy NAME { restart: ..., restart_limit: ..., backoff_ms: ... }`).
enum class RestartPolicy {
  kOnFailure,  // "on-failure": when it crashes, not when it fails on purpose
  kAlways,     // "always": also when it fails on purpose
  kNever,      // "never"
};
inline constexpr RestartPolicy kDefaultRestartPolicy = RestartPolicy::kOnFailure;
inline constexpr int kDefaultRestartLimit = 5;  // crashes in a row before the element is failed
inline constexpr int kDefaultBackoffMs = 100;   // before the second restart in a row, doubled after

std::string_view RestartPolicyName(RestartPolicy policy);
// The names in the order a user is told them: on-failure, always, never.
const std::vector<std::string>& RestartPolicyNames();
// Invalid (naming the choices) for any other string.
Status ParseRestartPolicy(std::string_view name, RestartPolicy* policy);

// ------------------------------------------------------------ the plan
// What the master decides for one element, in two parts: what it needs to
// bind its inputs (configure), and where its peers are (connect).

struct LinkPlan {
  std::string id;             // LinkId::ToString()
  std::string endpoint;       // the receiving port's address (filled at connect)
  int window = 0;             // logs in flight on this link at most
  int batch = 0;              // logs per message at most
  bool check_schema = false;  // push: the receiver checks each log against its port's schema
  // An output's link to a shard's member: the shard ("users") and the
  // member's id (the 2 of "users/2"). Absent on every other link.
  std::optional<std::string> shard;
  std::optional<int> member;
};

// A shard as the ports that reach it know it (a sender's push output, a
// requester's query output): how to pick the members, and how their
// answers merge. The port's links to the members carry `shard`/`member`.
struct ShardRoute {
  std::string shard;
  RouteKind route = kDefaultRoute;
  std::string key;  // hash: the field routed by
  MergeKind merge = kDefaultMerge;
  int key_groups = 0;       // hash: the key space's groups (shard.h)
  std::vector<int> owners;  // hash: key group -> the member id that owns it (key_groups items)
  // Key groups whose logs are held (not sent) while their state moves.
  std::vector<int> held;
  uint64_t version = 0;  // of this table: a host ignores an older one
};

struct PortPlan {
  std::string port;
  int window = 0;                  // push inputs: logs in flight per link
  std::vector<LinkPlan> links;     // inputs: the links expected in; outputs: the links out
  std::vector<ShardRoute> shards;  // outputs: the shards among the links' receivers
};

// What a shard's member knows of its shard.
struct MemberPlan {
  std::string shard;  // "users"
  int id = 0;         // this member's id: its element is "users/ID"
  std::string key;    // hash routing: the key field
  int key_groups = 0;
};

struct ElementPlan {
  std::string topology;
  std::string name;
  std::string class_name;
  std::string node;
  std::map<std::string, ParamValue, std::less<>> params;
  std::vector<PortPlan> push_in, push_out, query_in, query_out;
  int query_timeout_ms = 5000;
  RestartPolicy restart = kDefaultRestartPolicy;
  int restart_limit = kDefaultRestartLimit;
  int backoff_ms = kDefaultBackoffMs;
  std::vector<std::string> search_path;  // where class loaders look (Python modules)
  std::optional<MemberPlan> member;      // a shard's member
};

Json ToJson(const LinkPlan& link);
Status FromJson(const Json& json, LinkPlan* link);
Json ToJson(const ShardRoute& route);
Status FromJson(const Json& json, ShardRoute* route);
Json ToJson(const MemberPlan& member);
Status FromJson(const Json& json, MemberPlan* member);
Json ToJson(const PortPlan& port);
Status FromJson(const Json& json, PortPlan* port);
Json ParamToJson(const ParamValue& value);
Status ParamFromJson(const Json& json, ParamValue* value);
Json ToJson(const ElementPlan& plan);
Status FromJson(const Json& json, ElementPlan* plan);
// For callers not converted to FromJson yet: a field of the wrong type
// keeps its default (the plan comes from our own processes).
ElementPlan PlanFromJson(const Json& json);

// A port's address by port name ("in" -> "tcp://127.0.0.1:4242").
using Endpoints = std::map<std::string, std::string>;

// ------------------------------------------------------------ CLI -> master

struct Submit {  // a topology to check, place and run
  static constexpr Op kOp = Op::kSubmit;
  std::string file = "topology.topo";  // absolute (errors point into it)
  std::string text;                    // as written
  std::optional<std::string> name;     // else the file's stem
  std::optional<std::vector<std::string>> search_path;
  // {element: {parameter: absolute path}}: kept as JSON, the master checks
  // its shape and answers an error (not a drop) when it is wrong.
  std::optional<Json> absolute_paths;
};
struct StatusRequest {  // to the master: one topology's status; to a caretaker: its own
  static constexpr Op kOp = Op::kStatus;
  std::optional<std::string> topology;
};
struct ListRequest {
  static constexpr Op kOp = Op::kList;
};
struct NodesRequest {
  static constexpr Op kOp = Op::kNodes;
};
struct EventsRequest {
  static constexpr Op kOp = Op::kEvents;
  std::string topology;  // "" for all
  std::optional<int> limit;
};
struct Stop {  // CLI -> master, master -> caretaker: stop a topology's elements now
  static constexpr Op kOp = Op::kStop;
  std::string topology;
};
struct Kill {  // CLI -> master: stop, or drain for up to wait_s first
  static constexpr Op kOp = Op::kKill;
  std::string topology;
  std::optional<double> wait_s;
};
struct Shutdown {  // CLI -> master -> every caretaker: stop everything
  static constexpr Op kOp = Op::kShutdown;
};

// CLI -> master -> caretaker -> host: read (no value) or write a handler.
struct HandlerRequest {
  static constexpr Op kOp = Op::kHandler;
  std::string element;  // "TOPOLOGY/ELEMENT"
  std::string name;
  std::optional<std::string> value;
  std::optional<uint64_t> request;  // set by the master, carried back by the reply
};
// CLI -> master -> caretaker, CLI -> caretaker: the element's stderr tail.
struct LogsRequest {
  static constexpr Op kOp = Op::kLogs;
  std::string element;
  std::optional<int> lines;  // the caretaker's default: kDefaultLogLines
  std::optional<uint64_t> request;
};
inline constexpr int kDefaultLogLines = 50;

// ------------------------------------------------------------ caretaker -> master

// A caretaker's figures of its node; what is absent keeps the master's last.
struct NodeFigures {
  std::optional<int> cores;
  std::optional<uint64_t> memory_mb;
  std::optional<std::string> address;  // the address its elements bind
  std::optional<double> cpu_percent;
  std::optional<uint64_t> memory_used_mb;
};
struct OutboxFigures {  // messages a full queue held back (sent later) or lost
  uint64_t waiting = 0, deferred = 0, dropped = 0;
};
Json ToJson(const OutboxFigures& figures);
Status FromJson(const Json& json, OutboxFigures* figures);

struct Join {
  static constexpr Op kOp = Op::kJoin;
  std::string node;
  NodeFigures figures;
  std::optional<int> pid;
};
struct Left {
  static constexpr Op kOp = Op::kLeft;
  std::string node;
};
// One element a caretaker runs, as its heartbeat tells it.
struct RunningElement {
  std::string element;
  int pid = 0;
  std::string state;  // the caretaker's: "starting", "running", "backoff", ...
  int restarts = 0;
  std::string last_exit;
  std::optional<double> cpu_percent;
  std::optional<uint64_t> rss_bytes;
  std::optional<double> age_s;
  Endpoints endpoints;
  std::vector<std::string> ended_links;
};
// An element's process is gone for good (no restart follows).
struct Exited {
  static constexpr Op kOp = Op::kExited;
  std::string element;
  std::string node;
  int pid = 0;
  int restarts = 0;
  std::string last_exit;
  bool stopped = false;       // its caretaker asked it to go: not a failure
  bool said_ended = false;    // its last word was "ended" (that word may be lost)
  std::optional<int> code;    // exit status, when it exited
  std::optional<int> signal;  // when a signal killed it
};
struct Heartbeat {
  static constexpr Op kOp = Op::kHeartbeat;
  std::string node;
  NodeFigures figures;
  std::vector<RunningElement> elements;
  std::vector<Exited> finished;  // exits told again for a while
  std::optional<uint64_t> malformed;
  std::optional<OutboxFigures> to_master;
};
struct Spawned {
  static constexpr Op kOp = Op::kSpawned;
  std::string element;
  int pid = 0;
  std::string node;
  int restarts = 0;
};
struct Restarting {
  static constexpr Op kOp = Op::kRestarting;
  std::string element;
  std::string node;
  std::optional<int> restarts;  // the master counts one more when absent
  std::string last_exit;
  std::optional<int64_t> delay_ms;
};

// ------------------------------------------------------------ master -> caretaker

struct HeartbeatAck {
  static constexpr Op kOp = Op::kHeartbeatAck;
};
struct Spawn {
  static constexpr Op kOp = Op::kSpawn;
  ElementPlan plan;
  std::optional<std::vector<std::string>> ended_links;  // placed again: inputs ended for good
};
struct Connect {  // master -> caretaker -> host: where the element's outputs go
  static constexpr Op kOp = Op::kConnect;
  std::string element;
  ElementPlan plan;  // with every output link's endpoint filled
};
struct Rewire {  // master -> caretaker -> host: receivers that moved
  static constexpr Op kOp = Op::kRewire;
  std::string element;
  std::map<std::string, std::string> links;  // link id -> its receiver's new address
};
struct Drain {  // master -> caretaker -> host: sources stop; END flows downstream
  static constexpr Op kOp = Op::kDrain;
  std::string topology;
};
struct KillElement {  // a copy on a node it was moved away from
  static constexpr Op kOp = Op::kKillElement;
  std::string element;
};

// ------------------------------------------------------------ host -> caretaker (-> master)

// What a caretaker adds to a host's message it forwards to the master.
struct ForwardedBy {
  std::string node;
  int pid = 0;
  int restarts = 0;
};

struct Hello {
  static constexpr Op kOp = Op::kHello;
  std::string element;
  int pid = 0;
};
struct Bound {  // its inputs are bound at these addresses
  static constexpr Op kOp = Op::kBound;
  std::string element;
  Endpoints endpoints;
  std::optional<ForwardedBy> via;
  std::optional<bool> restarted;  // caretaker: wired it itself from the master's last connect
};
struct Started {
  static constexpr Op kOp = Op::kStarted;
  std::string element;
  std::optional<ForwardedBy> via;
};
struct LinkDone {  // an input link ended for good: a restart must not wait for it
  static constexpr Op kOp = Op::kLinkDone;
  std::string element;
  std::string link;
  std::optional<ForwardedBy> via;
};
// stats (every period), ended (its last word at a normal end), stopped
// (its last word at a stop): the host's figures, kept as the host makes
// them (runtime/host/stats.cc; the caretaker adds cpu_percent and
// rss_bytes, the master reads what it shows).
struct StatsReport {
  static constexpr Op kOp = Op::kStats;
  std::string element;
  Json stats = Json::object();
  std::optional<ForwardedBy> via;
};
struct Ended : StatsReport {
  static constexpr Op kOp = Op::kEnded;
};
struct Stopped : StatsReport {
  static constexpr Op kOp = Op::kStopped;
};
struct Failed {  // host -> caretaker -> master; also caretaker -> master (cannot spawn)
  static constexpr Op kOp = Op::kFailed;
  std::string element;
  std::string error = "failed";
  std::optional<Json> stats;
  std::optional<ForwardedBy> via;
  std::optional<bool> will_restart;  // caretaker: its restart policy brings it back
};
struct HandlerReply {  // host (or caretaker) -> caretaker -> master -> CLI
  static constexpr Op kOp = Op::kHandlerReply;
  std::string element;
  std::optional<std::string> name;
  uint64_t request = 0;
  std::optional<std::string> value;
  std::optional<std::string> error;
  std::optional<ForwardedBy> via;
};
struct LogsReply {  // caretaker -> master -> CLI
  static constexpr Op kOp = Op::kLogsReply;
  std::string element;
  uint64_t request = 0;
  std::vector<std::string> lines;
  std::optional<std::string> error;
};

// ------------------------------------------------------------ caretaker -> host

struct Configure {  // the answer to hello: what to bind
  static constexpr Op kOp = Op::kConfigure;
  ElementPlan plan;
  std::vector<std::string> ended_links;  // inputs that ended for good in an earlier life
  std::optional<Endpoints> bind;         // a restart binds the addresses its peers know
};
struct Bye {
  static constexpr Op kOp = Op::kBye;
};

// ------------------------------------------------------------ shards
// Growing a shard: the master asks a member can_add; places and starts the
// new member; tells every receiver of the shard's output to expect the new
// member's links (expect_links); sends each sender its new table with the
// moving groups held (reroute); waits until every sender is fenced (holds
// them, and the old owners acked all it sent them for those groups); moves
// their state (export_state from the old owner, import_state into the new);
// then sends the table with the groups released to the new owner. Shrinking
// is the same with the leaving member's groups, then its links removed: its
// inputs end, it ends, and its outputs end downstream.

struct Scale {  // CLI -> master: grow or shrink a shard by hand
  static constexpr Op kOp = Op::kScale;
  std::string topology;
  std::string shard;
  int members = 0;
};
// master -> caretaker -> host: a shard's table on one of this element's
// output ports changed (a push output when `query` is false).
struct Reroute {
  static constexpr Op kOp = Op::kReroute;
  std::string element;
  std::string port;
  bool query = false;
  ShardRoute route;
  std::vector<LinkPlan> add;        // links to new members (endpoints filled)
  std::vector<std::string> remove;  // links to members that leave: END, then closed
};
// host -> caretaker -> master: this sender holds the groups `route.held`
// of that version, and the old owners acked every log it sent them.
struct Fenced {
  static constexpr Op kOp = Op::kFenced;
  std::string element;
  std::string port;
  std::string shard;
  uint64_t version = 0;
  std::optional<ForwardedBy> via;
};
// master -> caretaker -> host: upstream links that join one of its push
// inputs (a new member's output): they count for its END from now on.
struct ExpectLinks {
  static constexpr Op kOp = Op::kExpectLinks;
  std::string element;
  std::string port;
  std::vector<LinkPlan> add;
};
// master -> member host, and its answer back: may a member be added?
struct CanAdd {
  static constexpr Op kOp = Op::kCanAdd;
  std::string element;
  uint64_t request = 0;
  int members = 0;
  double busy_share = 0, queue_depth = 0, blocked_share = 0, moving_share = 0;
};
struct CanAddReply {
  static constexpr Op kOp = Op::kCanAddReply;
  std::string element;
  uint64_t request = 0;
  bool yes = false;
  double cost = 0;
  std::string why;
  std::optional<ForwardedBy> via;
};
// master -> the old owner: hand over (and forget) the state of these
// groups. State travels as logs, each as its JSON text.
struct ExportState {
  static constexpr Op kOp = Op::kExportState;
  std::string element;
  uint64_t request = 0;
  int key_groups = 0;
  std::vector<int> groups;
};
struct StateExported {
  static constexpr Op kOp = Op::kStateExported;
  std::string element;
  uint64_t request = 0;
  std::vector<std::string> logs;
  std::optional<std::string> error;
  std::optional<ForwardedBy> via;
};
// master -> the new owner: take this state over.
struct ImportState {
  static constexpr Op kOp = Op::kImportState;
  std::string element;
  uint64_t request = 0;
  std::vector<std::string> logs;
};
struct StateImported {
  static constexpr Op kOp = Op::kStateImported;
  std::string element;
  uint64_t request = 0;
  std::optional<std::string> error;
  std::optional<ForwardedBy> via;
};

// ------------------------------------------------------------ codecs
// ToJson includes "op" (Type::kOp). FromJson reads the fields (it does not check "op":
// the receiver dispatched on it) and names the first bad one:
// "heartbeat: 'cores' must be an int, found string".

#define DATABLOX_CONTROL_MESSAGE(Type) \
  Json ToJson(const Type& message);    \
  Status FromJson(const Json& json, Type* message);
DATABLOX_CONTROL_MESSAGE(Submit)
DATABLOX_CONTROL_MESSAGE(StatusRequest)
DATABLOX_CONTROL_MESSAGE(ListRequest)
DATABLOX_CONTROL_MESSAGE(NodesRequest)
DATABLOX_CONTROL_MESSAGE(EventsRequest)
DATABLOX_CONTROL_MESSAGE(Stop)
DATABLOX_CONTROL_MESSAGE(Kill)
DATABLOX_CONTROL_MESSAGE(Shutdown)
DATABLOX_CONTROL_MESSAGE(HandlerRequest)
DATABLOX_CONTROL_MESSAGE(LogsRequest)
DATABLOX_CONTROL_MESSAGE(Join)
DATABLOX_CONTROL_MESSAGE(Left)
DATABLOX_CONTROL_MESSAGE(RunningElement)
DATABLOX_CONTROL_MESSAGE(Exited)
DATABLOX_CONTROL_MESSAGE(Heartbeat)
DATABLOX_CONTROL_MESSAGE(Spawned)
DATABLOX_CONTROL_MESSAGE(Restarting)
DATABLOX_CONTROL_MESSAGE(HeartbeatAck)
DATABLOX_CONTROL_MESSAGE(Spawn)
DATABLOX_CONTROL_MESSAGE(Connect)
DATABLOX_CONTROL_MESSAGE(Rewire)
DATABLOX_CONTROL_MESSAGE(Drain)
DATABLOX_CONTROL_MESSAGE(KillElement)
DATABLOX_CONTROL_MESSAGE(Hello)
DATABLOX_CONTROL_MESSAGE(Bound)
DATABLOX_CONTROL_MESSAGE(Started)
DATABLOX_CONTROL_MESSAGE(LinkDone)
DATABLOX_CONTROL_MESSAGE(StatsReport)
DATABLOX_CONTROL_MESSAGE(Ended)
DATABLOX_CONTROL_MESSAGE(Stopped)
DATABLOX_CONTROL_MESSAGE(Failed)
DATABLOX_CONTROL_MESSAGE(HandlerReply)
DATABLOX_CONTROL_MESSAGE(LogsReply)
DATABLOX_CONTROL_MESSAGE(Configure)
DATABLOX_CONTROL_MESSAGE(Bye)
DATABLOX_CONTROL_MESSAGE(Scale)
DATABLOX_CONTROL_MESSAGE(Reroute)
DATABLOX_CONTROL_MESSAGE(Fenced)
DATABLOX_CONTROL_MESSAGE(ExpectLinks)
DATABLOX_CONTROL_MESSAGE(CanAdd)
DATABLOX_CONTROL_MESSAGE(CanAddReply)
DATABLOX_CONTROL_MESSAGE(ExportState)
DATABLOX_CONTROL_MESSAGE(StateExported)
DATABLOX_CONTROL_MESSAGE(ImportState)
DATABLOX_CONTROL_MESSAGE(StateImported)
#undef DATABLOX_CONTROL_MESSAGE

}  // namespace datablox::control
