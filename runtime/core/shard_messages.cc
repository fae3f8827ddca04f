// The codecs of the shard messages declared in shard_protocol.h.
#include "runtime/core/shard_protocol.h"

#include <fmt/format.h>

#include "runtime/core/control_fields.h"

namespace datablox::control {

using detail::Fields;
using detail::GetVia;
using detail::Message;
using detail::PutVia;

Json ToJson(const Scale& m) {
  Json json = Message(Scale::kOp);
  json["topology"] = m.topology;
  json["shard"] = m.shard;
  json["members"] = m.members;
  return json;
}
Status FromJson(const Json& json, Scale* m) {
  return Fields(json, "scale")
      .Get("topology", &m->topology)
      .Get("shard", &m->shard)
      .Get("members", &m->members)
      .status();
}

Json ToJson(const Reroute& m) {
  Json json = Message(Reroute::kOp);
  json["element"] = m.element;
  json["port"] = m.port;
  json["query"] = m.query;
  json["route"] = ToJson(m.route);
  Json add = Json::array();
  for (const LinkPlan& link : m.add) add.push_back(ToJson(link));
  json["add"] = add;
  json["remove"] = m.remove;
  return json;
}
Status FromJson(const Json& json, Reroute* m) {
  return Fields(json, "reroute")
      .Get("element", &m->element)
      .Get("port", &m->port)
      .Get("query", &m->query)
      .Get("route", &m->route)
      .Get("add", &m->add)
      .Get("remove", &m->remove)
      .status();
}

Json ToJson(const Fenced& m) {
  Json json = Message(Fenced::kOp);
  json["element"] = m.element;
  json["port"] = m.port;
  json["shard"] = m.shard;
  json["version"] = m.version;
  PutVia(json, m.via);
  return json;
}
Status FromJson(const Json& json, Fenced* m) {
  Fields fields(json, "fenced");
  fields.Get("element", &m->element).Get("port", &m->port).Get("shard", &m->shard).Get("version", &m->version);
  GetVia(fields, &m->via);
  return fields.status();
}

Json ToJson(const ExpectLinks& m) {
  Json json = Message(ExpectLinks::kOp);
  json["element"] = m.element;
  json["port"] = m.port;
  Json add = Json::array();
  for (const LinkPlan& link : m.add) add.push_back(ToJson(link));
  json["add"] = add;
  return json;
}
Status FromJson(const Json& json, ExpectLinks* m) {
  return Fields(json, "expect_links").Get("element", &m->element).Get("port", &m->port).Get("add", &m->add).status();
}

Json ToJson(const LinksEnded& m) {
  Json json = Message(LinksEnded::kOp);
  json["element"] = m.element;
  json["port"] = m.port;
  json["links"] = m.links;
  return json;
}
Status FromJson(const Json& json, LinksEnded* m) {
  return Fields(json, "links_ended").Get("element", &m->element).Get("port", &m->port).Get("links", &m->links).status();
}

Json ToJson(const CanAdd& m) {
  Json json = Message(CanAdd::kOp);
  json["element"] = m.element;
  json["request"] = m.request;
  json["members"] = m.members;
  json["busy_share"] = m.busy_share;
  json["queue_depth"] = m.queue_depth;
  json["blocked_share"] = m.blocked_share;
  json["moving_share"] = m.moving_share;
  return json;
}
Status FromJson(const Json& json, CanAdd* m) {
  return Fields(json, "can_add")
      .Get("element", &m->element)
      .Get("request", &m->request)
      .Get("members", &m->members)
      .Get("busy_share", &m->busy_share)
      .Get("queue_depth", &m->queue_depth)
      .Get("blocked_share", &m->blocked_share)
      .Get("moving_share", &m->moving_share)
      .status();
}

Json ToJson(const CanAddReply& m) {
  Json json = Message(CanAddReply::kOp);
  json["element"] = m.element;
  json["request"] = m.request;
  json["yes"] = m.yes;
  json["cost"] = m.cost;
  json["why"] = m.why;
  PutVia(json, m.via);
  return json;
}
Status FromJson(const Json& json, CanAddReply* m) {
  Fields fields(json, "can_add_reply");
  fields.Get("element", &m->element)
      .Get("request", &m->request)
      .Get("yes", &m->yes)
      .Get("cost", &m->cost)
      .Get("why", &m->why);
  GetVia(fields, &m->via);
  return fields.status();
}

Json ToJson(const ExportState& m) {
  Json json = Message(ExportState::kOp);
  json["element"] = m.element;
  json["request"] = m.request;
  json["key_groups"] = m.key_groups;
  json["groups"] = m.groups;
  return json;
}
Status FromJson(const Json& json, ExportState* m) {
  return Fields(json, "export_state")
      .Get("element", &m->element)
      .Get("request", &m->request)
      .Get("key_groups", &m->key_groups)
      .Get("groups", &m->groups)
      .status();
}

Json ToJson(const StateExported& m) {
  Json json = Message(StateExported::kOp);
  json["element"] = m.element;
  json["request"] = m.request;
  json["logs"] = m.logs;
  detail::Put(json, "error", m.error);
  PutVia(json, m.via);
  return json;
}
Status FromJson(const Json& json, StateExported* m) {
  Fields fields(json, "state_exported");
  fields.Get("element", &m->element).Get("request", &m->request).Get("logs", &m->logs).Get("error", &m->error);
  GetVia(fields, &m->via);
  return fields.status();
}

Json ToJson(const ImportState& m) {
  Json json = Message(ImportState::kOp);
  json["element"] = m.element;
  json["request"] = m.request;
  json["logs"] = m.logs;
  return json;
}
Status FromJson(const Json& json, ImportState* m) {
  return Fields(json, "import_state")
      .Get("element", &m->element)
      .Get("request", &m->request)
      .Get("logs", &m->logs)
      .status();
}

Json ToJson(const StateImported& m) {
  Json json = Message(StateImported::kOp);
  json["element"] = m.element;
  json["request"] = m.request;
  detail::Put(json, "error", m.error);
  PutVia(json, m.via);
  return json;
}
Status FromJson(const Json& json, StateImported* m) {
  Fields fields(json, "state_imported");
  fields.Get("element", &m->element).Get("request", &m->request).Get("error", &m->error);
  GetVia(fields, &m->via);
  return fields.status();
}

}  // namespace datablox::control
