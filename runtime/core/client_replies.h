// The replies to the CLI, declared once beside the requests of
// control_protocol.h: one struct per request, its encode (ToJson) and its
// decode (FromJson). The master (and a caretaker, for what it answers
// itself) builds and the CLI reads only these.
//
// Every reply is one JSON object in an envelope: {"ok": true, FIELDS...},
// or {"ok": false, "error": WHY} (a Refusal; a submit whose topology fails
// the check says "errors": [each error] instead). The field names and
// their types are the wire format that scripts read through `-o json`:
// never change one. ToJson of a reply includes "ok": true; FromJson of a
// reply reads its fields and is used once ReadRefusal said it is no
// refusal.
//
// handler and logs are answered with the caretaker's HandlerReply and
// LogsReply (control_protocol.h), passed on in the envelope.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/control_protocol.h"

namespace datablox::control {

// ------------------------------------------------------------ the envelope

struct Refusal {
  std::string error;                // with errors: a note that goes with them, or ""
  std::vector<std::string> errors;  // submit: "FILE:LINE:COL: error: ..." each, when the check failed
  bool denied = false;              // not this peer: its key's role does not allow the request
};
Json ToJson(const Refusal& refusal);
// True when `reply` is a refusal ("ok" is anything but true), with
// *refusal filled from what it says; false, and *refusal untouched, for an
// answer to decode with its FromJson.
bool ReadRefusal(const Json& reply, Refusal* refusal);

// ------------------------------------------------------------ the replies

struct SubmitReply {
  std::string topology;  // the name it runs under
};

// One element of a topology, as `status` shows it. A shard's member is
// just one more element ("users/1"), with `shard` naming its shard.
struct ElementStatus {
  std::string name;
  std::string class_name;
  std::string node;
  int pid = 0;
  std::string state;
  double in_rate = 0, out_rate = 0;    // logs per second, between the last two samples
  uint64_t logs_in = 0, logs_out = 0;  // over every life
  uint64_t queue = 0;                  // logs its upstreams have in flight towards it
  double blocked_share = 0, busy_share = 0;
  double cpu_percent = 0;
  uint64_t rss_bytes = 0;
  int restarts = 0;
  int moves = 0;
  std::string last_exit;
  double age_s = 0;
  std::string error;
  Json endpoints = Json::object();  // its bound ports' addresses, by port
  Json stats = Json::object();      // the host's figures, as it makes them
  std::optional<std::string> shard;
};
// A shard of a topology: its members now and its table, and the change under way.
struct ShardStatus {
  std::string name;
  std::string class_name;
  std::vector<int> members;  // ids: the elements "NAME/ID"
  int min = 1, max = 1;
  std::string route, key, merge;
  int key_groups = 0;
  uint64_t version = 0;                 // of the senders' table
  std::string state;                    // "keyed" or "stateless"
  int target = 0;                       // members asked for by `datablox scale` (0: none)
  std::optional<std::string> changing;  // what the change under way waits for
  std::string last_change;              // how the last change ended
  bool last_change_failed = false;
};

// The key a client connects to a CURVE-linked topology's query ports with
// (`datablox call`): given to `status` askers only, never shown.
struct CallKeys {
  std::string public_key, secret_key, server_key;
};
struct StatusReply {
  std::string name;
  std::string state;
  std::string failure;
  std::vector<ElementStatus> elements;
  std::vector<ShardStatus> shards;
  std::optional<CallKeys> call_keys;
};

struct ScaleReply {  // the change is under way: follow it in status
  std::string topology, shard;
  int from = 0, to = 0;
};

struct TopologySummary {
  std::string name;
  std::string state;
  uint64_t elements = 0;
  std::string file;
};
struct ListReply {
  std::vector<TopologySummary> topologies;
};

struct NodeStatus {
  std::string name;
  std::string address;
  std::string state;  // "alive" or "dead"
  int cores = 0;
  uint64_t memory_mb = 0;
  double cpu_percent = 0;
  uint64_t memory_used_mb = 0;
  int elements = 0;  // live elements on it
  double last_seen_s = 0;
  OutboxFigures to_node;            // the master's control messages to it
  Json to_master = Json::object();  // its caretaker's, as the caretaker reports them
};
// Who the master lets in (runtime/auth), and whom it turned away.
struct SecurityStatus {
  std::string mode = "open";  // "curve": keys required; "open": anyone who reaches it
  std::string allow;          // the allow-list's path
  int caretakers = 0;         // keys allowed
  int operators = 0;
  uint64_t accepted = 0;                     // handshakes let in
  uint64_t refused_keys = 0;                 // keys not in the allow-list
  uint64_t refused_handshakes = 0;           // no keys, the wrong master key, garbage
  uint64_t refused_requests = 0;             // a known key asking beyond its role, or as another node
  std::vector<std::string> allow_errors;     // allow-list entries left out, and why
  std::vector<std::string> recent_refusals;  // the last few, "WHO: WHY"
};
struct NodesReply {
  std::vector<NodeStatus> nodes;
  SecurityStatus security;
};

struct EventItem {
  int64_t unix_ms = 0;
  std::string topology;
  std::string element;  // "" for a topology's or a node's event
  std::string what;
};
struct EventsReply {
  std::vector<EventItem> events;
};

struct CheckpointItem {
  uint64_t id = 0;
  std::string state;  // "in progress", "complete", "abandoned"
  int64_t started_unix_ms = 0;
  int64_t duration_ms = 0;  // to completion or abandonment; so far while in progress
  uint64_t bytes = 0;       // of every snapshot together
  int taken = 0, elements = 0;
  std::string why;  // why it was abandoned
};
struct CheckpointsReply {  // checkpoints
  std::string topology;
  int64_t every_ms = 0;  // 0: the topology takes no checkpoints
  std::vector<CheckpointItem> checkpoints;  // oldest first
};

struct DataflowReply {  // stop, resume
  std::string topology;
  std::string action;
  uint64_t checkpoint = 0;  // resume: the checkpoint it starts from
};
// registry dump: what the master's registry holds, as one JSON document
// (topologies, their elements, checkpoints and the sources' committed
// positions): kept as JSON, for scripts and for the CLI to print.
struct RegistryReply {
  Json topologies = Json::array();
};

struct KillReply {                   // stop and kill
  std::optional<double> draining_s;  // kill -w: how long END may flow before the rest is stopped
};

struct ShutdownReply {};

// ------------------------------------------------------------ the caretaker's own
// A caretaker's status endpoint answers `datablox caretaker status` itself,
// whether or not the master is there (and `logs`, with a LogsReply in the
// envelope: ToClientJson below).

struct MasterLinkStatus {  // the caretaker's link to its master
  std::string endpoint;
  bool connected = false;    // heard within three heartbeats
  double last_heard_s = -1;  // -1: never heard
  std::string refused;       // why the master's handshake refuses us, "" when it does not
};
struct CaretakerStatusReply {
  std::string node;
  std::string address;  // the address its elements bind
  int pid = 0;
  MasterLinkStatus master;
  double cpu_percent = 0;  // of all cores together, 0..100
  uint64_t memory_used_mb = 0, memory_mb = 0;
  int cores = 0;
  uint64_t malformed = 0;  // control messages it dropped
  OutboxFigures to_master;
  // What it runs, then the exits it still tells (state "exited").
  std::vector<RunningElement> elements;
};

#define DATABLOX_CLIENT_REPLY(Type) \
  Json ToJson(const Type& reply);   \
  Status FromJson(const Json& json, Type* reply);
DATABLOX_CLIENT_REPLY(SubmitReply)
DATABLOX_CLIENT_REPLY(ElementStatus)
DATABLOX_CLIENT_REPLY(ShardStatus)
DATABLOX_CLIENT_REPLY(CallKeys)
DATABLOX_CLIENT_REPLY(StatusReply)
DATABLOX_CLIENT_REPLY(ScaleReply)
DATABLOX_CLIENT_REPLY(TopologySummary)
DATABLOX_CLIENT_REPLY(ListReply)
DATABLOX_CLIENT_REPLY(NodeStatus)
DATABLOX_CLIENT_REPLY(SecurityStatus)
DATABLOX_CLIENT_REPLY(NodesReply)
DATABLOX_CLIENT_REPLY(EventItem)
DATABLOX_CLIENT_REPLY(EventsReply)
DATABLOX_CLIENT_REPLY(CheckpointItem)
DATABLOX_CLIENT_REPLY(CheckpointsReply)
DATABLOX_CLIENT_REPLY(DataflowReply)
DATABLOX_CLIENT_REPLY(RegistryReply)
DATABLOX_CLIENT_REPLY(KillReply)
DATABLOX_CLIENT_REPLY(ShutdownReply)
DATABLOX_CLIENT_REPLY(MasterLinkStatus)
DATABLOX_CLIENT_REPLY(CaretakerStatusReply)
#undef DATABLOX_CLIENT_REPLY

// handler and logs: the caretaker's reply in the envelope, "ok" false when
// it carries an error (decode it with its own FromJson).
Json ToClientJson(const HandlerReply& reply);
Json ToClientJson(const LogsReply& reply);

}  // namespace datablox::control
