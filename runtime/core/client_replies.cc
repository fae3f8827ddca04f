// The codecs of the replies to the CLI declared in client_replies.h.
#include "runtime/core/client_replies.h"

#include "runtime/core/control_fields.h"

namespace datablox::control {
namespace {

using detail::Fields;
using detail::Put;

// What every answer that is no refusal starts with.
Json Answer() { return Json{{"ok", true}}; }

}  // namespace

// ------------------------------------------------------------ the envelope

Json ToJson(const Refusal& refusal) {
  Json json = {{"ok", false}};
  // With errors, `error` is a note beside them (why classes were not found).
  if (refusal.errors.empty() || !refusal.error.empty()) json["error"] = refusal.error;
  if (!refusal.errors.empty()) json["errors"] = refusal.errors;
  if (refusal.denied) json["denied"] = true;
  return json;
}

bool ReadRefusal(const Json& reply, Refusal* refusal) {
  if (reply.is_object()) {
    auto ok = reply.find("ok");
    if (ok != reply.end() && ok->is_boolean() && ok->get<bool>()) return false;
  }
  // What a refusal says is read leniently: a malformed one is a refusal all the same.
  *refusal = Refusal{};
  (void)Fields(reply, "refusal")
      .Get("error", &refusal->error)
      .Get("errors", &refusal->errors)
      .Get("denied", &refusal->denied)
      .status();
  return true;
}

// ------------------------------------------------------------ the replies

Json ToJson(const SubmitReply& m) {
  Json json = Answer();
  json["topology"] = m.topology;
  return json;
}
Status FromJson(const Json& json, SubmitReply* m) {
  return Fields(json, "submit reply").Get("topology", &m->topology).status();
}

Json ToJson(const ElementStatus& m) {
  Json json = {{"name", m.name},
               {"class", m.class_name},
               {"node", m.node},
               {"pid", m.pid},
               {"state", m.state},
               {"in_rate", m.in_rate},
               {"out_rate", m.out_rate},
               {"logs_in", m.logs_in},
               {"logs_out", m.logs_out},
               {"queue", m.queue},
               {"blocked_share", m.blocked_share},
               {"busy_share", m.busy_share},
               {"cpu_percent", m.cpu_percent},
               {"rss_bytes", m.rss_bytes},
               {"restarts", m.restarts},
               {"moves", m.moves},
               {"last_exit", m.last_exit},
               {"age_s", m.age_s},
               {"error", m.error},
               {"endpoints", m.endpoints},
               {"stats", m.stats}};
  Put(json, "shard", m.shard);
  return json;
}
Status FromJson(const Json& json, ElementStatus* m) {
  return Fields(json, "element status")
      .Get("name", &m->name)
      .Get("class", &m->class_name)
      .Get("node", &m->node)
      .Get("pid", &m->pid)
      .Get("state", &m->state)
      .Get("in_rate", &m->in_rate)
      .Get("out_rate", &m->out_rate)
      .Get("logs_in", &m->logs_in)
      .Get("logs_out", &m->logs_out)
      .Get("queue", &m->queue)
      .Get("blocked_share", &m->blocked_share)
      .Get("busy_share", &m->busy_share)
      .Get("cpu_percent", &m->cpu_percent)
      .Get("rss_bytes", &m->rss_bytes)
      .Get("restarts", &m->restarts)
      .Get("moves", &m->moves)
      .Get("last_exit", &m->last_exit)
      .Get("age_s", &m->age_s)
      .Get("error", &m->error)
      .Get("endpoints", &m->endpoints)
      .Get("stats", &m->stats)
      .Get("shard", &m->shard)
      .status();
}

Json ToJson(const ShardStatus& m) {
  return {{"name", m.name},
          {"class", m.class_name},
          {"members", m.members},
          {"min", m.min},
          {"max", m.max},
          {"route", m.route},
          {"key", m.key},
          {"merge", m.merge},
          {"key_groups", m.key_groups},
          {"version", m.version},
          {"state", m.state},
          {"target", m.target},
          {"changing", m.changing ? Json(*m.changing) : Json()},
          {"last_change", m.last_change},
          {"last_change_failed", m.last_change_failed}};
}
Status FromJson(const Json& json, ShardStatus* m) {
  Fields fields(json, "shard status");
  fields.Get("name", &m->name)
      .Get("class", &m->class_name)
      .Get("members", &m->members)
      .Get("min", &m->min)
      .Get("max", &m->max)
      .Get("route", &m->route)
      .Get("key", &m->key)
      .Get("merge", &m->merge)
      .Get("key_groups", &m->key_groups)
      .Get("version", &m->version)
      .Get("state", &m->state)
      .Get("target", &m->target)
      .Get("last_change", &m->last_change)
      .Get("last_change_failed", &m->last_change_failed);
  if (json.is_object() && json.contains("changing") && !json["changing"].is_null())
    fields.Get("changing", &m->changing);
  return fields.status();
}

Json ToJson(const StatusReply& m) {
  Json json = Answer();
  json["name"] = m.name;
  json["state"] = m.state;
  json["failure"] = m.failure;
  json["elements"] = Json::array();
  for (const ElementStatus& e : m.elements) json["elements"].push_back(ToJson(e));
  if (!m.shards.empty()) {  // a topology without shards: the reply it always had
    json["shards"] = Json::array();
    for (const ShardStatus& s : m.shards) json["shards"].push_back(ToJson(s));
  }
  if (m.call_keys) json["call_keys"] = ToJson(*m.call_keys);
  return json;
}
Status FromJson(const Json& json, StatusReply* m) {
  return Fields(json, "status reply")
      .Get("name", &m->name)
      .Get("state", &m->state)
      .Get("failure", &m->failure)
      .Get("elements", &m->elements)
      .Get("shards", &m->shards)
      .Get("call_keys", &m->call_keys)
      .status();
}

Json ToJson(const CallKeys& m) {
  return {{"public_key", m.public_key}, {"secret_key", m.secret_key}, {"server_key", m.server_key}};
}
Status FromJson(const Json& json, CallKeys* m) {
  return Fields(json, "call keys")
      .Get("public_key", &m->public_key)
      .Get("secret_key", &m->secret_key)
      .Get("server_key", &m->server_key)
      .status();
}

Json ToJson(const ScaleReply& m) {
  Json json = Answer();
  json["topology"] = m.topology;
  json["shard"] = m.shard;
  json["from"] = m.from;
  json["to"] = m.to;
  return json;
}
Status FromJson(const Json& json, ScaleReply* m) {
  return Fields(json, "scale reply")
      .Get("topology", &m->topology)
      .Get("shard", &m->shard)
      .Get("from", &m->from)
      .Get("to", &m->to)
      .status();
}

Json ToJson(const TopologySummary& m) {
  return {{"name", m.name}, {"state", m.state}, {"elements", m.elements}, {"file", m.file}};
}
Status FromJson(const Json& json, TopologySummary* m) {
  return Fields(json, "topology")
      .Get("name", &m->name)
      .Get("state", &m->state)
      .Get("elements", &m->elements)
      .Get("file", &m->file)
      .status();
}

Json ToJson(const ListReply& m) {
  Json json = Answer();
  json["topologies"] = Json::array();
  for (const TopologySummary& t : m.topologies) json["topologies"].push_back(ToJson(t));
  return json;
}
Status FromJson(const Json& json, ListReply* m) {
  return Fields(json, "list reply").Get("topologies", &m->topologies).status();
}

Json ToJson(const NodeStatus& m) {
  return {{"name", m.name},
          {"address", m.address},
          {"state", m.state},
          {"cores", m.cores},
          {"memory_mb", m.memory_mb},
          {"cpu_percent", m.cpu_percent},
          {"memory_used_mb", m.memory_used_mb},
          {"elements", m.elements},
          {"last_seen_s", m.last_seen_s},
          {"to_node", ToJson(m.to_node)},
          {"to_master", m.to_master}};
}
Status FromJson(const Json& json, NodeStatus* m) {
  return Fields(json, "node")
      .Get("name", &m->name)
      .Get("address", &m->address)
      .Get("state", &m->state)
      .Get("cores", &m->cores)
      .Get("memory_mb", &m->memory_mb)
      .Get("cpu_percent", &m->cpu_percent)
      .Get("memory_used_mb", &m->memory_used_mb)
      .Get("elements", &m->elements)
      .Get("last_seen_s", &m->last_seen_s)
      .Get("to_node", &m->to_node)
      .Get("to_master", &m->to_master)
      .status();
}

Json ToJson(const SecurityStatus& m) {
  return {{"mode", m.mode},
          {"allow", m.allow},
          {"caretakers", m.caretakers},
          {"operators", m.operators},
          {"accepted", m.accepted},
          {"refused_keys", m.refused_keys},
          {"refused_handshakes", m.refused_handshakes},
          {"refused_requests", m.refused_requests},
          {"allow_errors", m.allow_errors},
          {"recent_refusals", m.recent_refusals}};
}
Status FromJson(const Json& json, SecurityStatus* m) {
  return Fields(json, "security")
      .Get("mode", &m->mode)
      .Get("allow", &m->allow)
      .Get("caretakers", &m->caretakers)
      .Get("operators", &m->operators)
      .Get("accepted", &m->accepted)
      .Get("refused_keys", &m->refused_keys)
      .Get("refused_handshakes", &m->refused_handshakes)
      .Get("refused_requests", &m->refused_requests)
      .Get("allow_errors", &m->allow_errors)
      .Get("recent_refusals", &m->recent_refusals)
      .status();
}

Json ToJson(const NodesReply& m) {
  Json json = Answer();
  json["nodes"] = Json::array();
  for (const NodeStatus& n : m.nodes) json["nodes"].push_back(ToJson(n));
  json["security"] = ToJson(m.security);
  return json;
}
Status FromJson(const Json& json, NodesReply* m) {
  return Fields(json, "nodes reply").Get("nodes", &m->nodes).Get("security", &m->security).status();
}

Json ToJson(const EventItem& m) {
  return {{"unix_ms", m.unix_ms}, {"topology", m.topology}, {"element", m.element}, {"what", m.what}};
}
Status FromJson(const Json& json, EventItem* m) {
  return Fields(json, "event")
      .Get("unix_ms", &m->unix_ms)
      .Get("topology", &m->topology)
      .Get("element", &m->element)
      .Get("what", &m->what)
      .status();
}

Json ToJson(const CheckpointItem& m) {
  return Json{{"id", m.id},         {"state", m.state},   {"started_unix_ms", m.started_unix_ms},
              {"duration_ms", m.duration_ms}, {"bytes", m.bytes}, {"taken", m.taken},
              {"elements", m.elements},       {"why", m.why}};
}
Status FromJson(const Json& json, CheckpointItem* m) {
  return Fields(json, "checkpoint")
      .Get("id", &m->id)
      .Get("state", &m->state)
      .Get("started_unix_ms", &m->started_unix_ms)
      .Get("duration_ms", &m->duration_ms)
      .Get("bytes", &m->bytes)
      .Get("taken", &m->taken)
      .Get("elements", &m->elements)
      .Get("why", &m->why)
      .status();
}

Json ToJson(const CheckpointsReply& m) {
  Json items = Json::array();
  for (const CheckpointItem& item : m.checkpoints) items.push_back(ToJson(item));
  Json json = Answer();
  json["topology"] = m.topology;
  json["every_ms"] = m.every_ms;
  json["checkpoints"] = items;
  return json;
}
Status FromJson(const Json& json, CheckpointsReply* m) {
  return Fields(json, "checkpoints reply")
      .Get("topology", &m->topology)
      .Get("every_ms", &m->every_ms)
      .Get("checkpoints", &m->checkpoints)
      .status();
}

Json ToJson(const DataflowReply& m) {
  Json json = Answer();
  json["topology"] = m.topology;
  json["action"] = m.action;
  json["checkpoint"] = m.checkpoint;
  return json;
}
Status FromJson(const Json& json, DataflowReply* m) {
  return Fields(json, "dataflow reply")
      .Get("topology", &m->topology)
      .Get("action", &m->action)
      .Get("checkpoint", &m->checkpoint)
      .status();
}

Json ToJson(const RegistryReply& m) {
  Json json = Answer();
  json["topologies"] = m.topologies;
  return json;
}
Status FromJson(const Json& json, RegistryReply* m) {
  Status st = Fields(json, "registry reply").Get("topologies", &m->topologies).status();
  if (st.ok() && !m->topologies.is_array()) st = Status::Invalid("registry reply: 'topologies' must be a list");
  return st;
}

Json ToJson(const EventsReply& m) {
  Json json = Answer();
  json["events"] = Json::array();
  for (const EventItem& e : m.events) json["events"].push_back(ToJson(e));
  return json;
}
Status FromJson(const Json& json, EventsReply* m) {
  return Fields(json, "events reply").Get("events", &m->events).status();
}

Json ToJson(const KillReply& m) {
  Json json = Answer();
  Put(json, "draining_s", m.draining_s);
  return json;
}
Status FromJson(const Json& json, KillReply* m) {
  return Fields(json, "kill reply").Get("draining_s", &m->draining_s).status();
}

Json ToJson(const ShutdownReply&) { return Answer(); }
Status FromJson(const Json& json, ShutdownReply*) { return Fields(json, "shutdown reply").status(); }

// ------------------------------------------------------------ the caretaker's own

Json ToJson(const MasterLinkStatus& m) {
  return {
      {"endpoint", m.endpoint}, {"connected", m.connected}, {"last_heard_s", m.last_heard_s}, {"refused", m.refused}};
}
Status FromJson(const Json& json, MasterLinkStatus* m) {
  return Fields(json, "master link")
      .Get("endpoint", &m->endpoint)
      .Get("connected", &m->connected)
      .Get("last_heard_s", &m->last_heard_s)
      .Get("refused", &m->refused)
      .status();
}

Json ToJson(const CaretakerStatusReply& m) {
  Json elements = Json::array();
  for (const RunningElement& e : m.elements) elements.push_back(ToJson(e));
  Json json = Answer();
  json["node"] = m.node;
  json["address"] = m.address;
  json["pid"] = m.pid;
  json["master"] = ToJson(m.master);
  json["cpu_percent"] = m.cpu_percent;
  json["memory_used_mb"] = m.memory_used_mb;
  json["memory_mb"] = m.memory_mb;
  json["cores"] = m.cores;
  json["malformed"] = m.malformed;
  json["to_master"] = ToJson(m.to_master);
  json["elements"] = elements;
  return json;
}
Status FromJson(const Json& json, CaretakerStatusReply* m) {
  return Fields(json, "caretaker status")
      .Get("node", &m->node)
      .Get("address", &m->address)
      .Get("pid", &m->pid)
      .Get("master", &m->master)
      .Get("cpu_percent", &m->cpu_percent)
      .Get("memory_used_mb", &m->memory_used_mb)
      .Get("memory_mb", &m->memory_mb)
      .Get("cores", &m->cores)
      .Get("malformed", &m->malformed)
      .Get("to_master", &m->to_master)
      .Get("elements", &m->elements)
      .status();
}

Json ToClientJson(const HandlerReply& reply) {
  Json json = ToJson(reply);
  json["ok"] = !reply.error.has_value();
  return json;
}
Json ToClientJson(const LogsReply& reply) {
  Json json = ToJson(reply);
  json["ok"] = !reply.error.has_value();
  return json;
}

}  // namespace datablox::control
