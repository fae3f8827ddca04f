// What the master decides for one element, handed on in spawn, connect and
// configure (control_messages.h): its ports and links, the shards its
// outputs reach, its restart policy. Each part with its encode (ToJson) and
// decode (FromJson).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/spec.h"
#include "datablox/status.h"
#include "runtime/core/control_op.h"
#include "runtime/core/shard_policy.h"

namespace datablox::control {

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
  // A query output's link to a class that serves streams (stream.h): the
  // responder's stream server (filled at connect, like `endpoint`). Absent
  // on every other link.
  std::optional<std::string> stream_endpoint;
};

// The key of an element's stream server among the addresses its host
// reports bound (Endpoints): no port can be named so (a port is a name).
inline constexpr const char* kStreamServerKey = "~streams";

// A shard as the ports that reach it know it (a sender's push output, a
// requester's query output): how to pick the members, and how their
// answers merge. The port's links to the members carry `shard`/`member`.
struct ShardRoute {
  std::string shard;
  RouteKind route = kDefaultRoute;
  std::string key;  // hash: the field routed by
  MergeKind merge = kDefaultMerge;
  // The members' class: a requester's host finds its ClassSpec::shard.merge
  // for `merge: custom` (the class table of the requester's process).
  std::string member_class;
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

// CURVE on a topology's data links (master --curve-links): one key pair
// for all of the topology's elements. Each input and query port is a CURVE
// server with it and lets in that key only (its query ports also the
// topology's client key, which `datablox call` is handed by `status`);
// each output connects as a CURVE client with it. So no peer that is not
// one of the topology's elements can send into an input.
struct LinkCurve {
  std::string public_key;  // Z85
  std::string secret_key;
  std::string client_public_key;  // allowed on query ports only
  std::string client_secret_key;  // handed to `status` askers, for `call`
};

// Epochs live in a stream id's top 16 bits (ElementPlan::epoch).
inline constexpr uint32_t kMaxEpoch = 0xffff;
inline uint64_t StreamOfEpoch(uint32_t epoch, uint64_t random) { return (uint64_t{epoch} << 48) | (random >> 16); }
inline uint32_t EpochOfStream(uint64_t stream) { return static_cast<uint32_t>(stream >> 48); }

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
  std::optional<LinkCurve> curve;        // the topology's links use CURVE
  // Checkpointed (`policy * { checkpoint: MS }`): a crash is not restarted
  // by its caretaker alone, the master rolls the whole topology back to its
  // last complete checkpoint, each rollback a new `epoch`. The epoch is in
  // every stream id the element sends (its top 16 bits), and its inputs
  // follow only streams of their own epoch, so that no log of a life before
  // the rollback reaches one after it.
  bool checkpoints = false;
  uint32_t epoch = 0;
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
// ParamToJson for people and scripts to read (check's plan): a secret's
// value (DisplayValue in datablox/spec.h) is {"secret": "***"}.
Json DisplayParamJson(const ParamSpec* param, const ParamValue& value);
// Invalid for lists nested deeper than kMaxParamListNesting (datablox/spec.h).
Status ParamFromJson(const Json& json, ParamValue* value);
Json ToJson(const LinkCurve& curve);
Status FromJson(const Json& json, LinkCurve* curve);
Json ToJson(const ElementPlan& plan);
Status FromJson(const Json& json, ElementPlan* plan);
// For callers not converted to FromJson yet: a field of the wrong type
// keeps its default (the plan comes from our own processes).
ElementPlan PlanFromJson(const Json& json);

// A port's address by port name ("in" -> "tcp://127.0.0.1:4242").
using Endpoints = std::map<std::string, std::string>;

}  // namespace datablox::control
