// The codecs of the control messages declared in host_messages.h.
#include "runtime/core/host_messages.h"

#include <fmt/format.h>

#include "runtime/core/control_fields.h"

namespace datablox::control {
namespace {

using detail::Fields;
using detail::GetVia;
using detail::Message;
using detail::Put;
using detail::PutVia;

}  // namespace

// ------------------------------------------------------------ host -> caretaker (-> master)

Json ToJson(const Hello& m) {
  Json json = Message(Hello::kOp);
  json["element"] = m.element;
  json["pid"] = m.pid;
  return json;
}
Status FromJson(const Json& json, Hello* m) {
  return Fields(json, "hello").Get("element", &m->element).Get("pid", &m->pid).status();
}

Json ToJson(const Bound& m) {
  Json json = Message(Bound::kOp);
  json["element"] = m.element;
  json["endpoints"] = m.endpoints;
  PutVia(json, m.via);
  Put(json, "restarted", m.restarted);
  return json;
}
Status FromJson(const Json& json, Bound* m) {
  Fields fields(json, "bound");
  fields.Get("element", &m->element).Get("endpoints", &m->endpoints).Get("restarted", &m->restarted);
  GetVia(fields, &m->via);
  return fields.status();
}

Json ToJson(const Started& m) {
  Json json = Message(Started::kOp);
  json["element"] = m.element;
  PutVia(json, m.via);
  return json;
}
Status FromJson(const Json& json, Started* m) {
  Fields fields(json, "started");
  fields.Get("element", &m->element);
  GetVia(fields, &m->via);
  return fields.status();
}

Json ToJson(const LinkDone& m) {
  Json json = Message(LinkDone::kOp);
  json["element"] = m.element;
  json["link"] = m.link;
  PutVia(json, m.via);
  return json;
}
Status FromJson(const Json& json, LinkDone* m) {
  Fields fields(json, "link_done");
  fields.Get("element", &m->element).Get("link", &m->link);
  GetVia(fields, &m->via);
  return fields.status();
}

namespace {
Json StatsToJson(Op op, const StatsReport& m) {
  Json json = Message(op);
  json["element"] = m.element;
  json["stats"] = m.stats;
  PutVia(json, m.via);
  return json;
}
Status StatsFromJson(const Json& json, std::string_view what, StatsReport* m) {
  Fields fields(json, what);
  fields.Get("element", &m->element).Get("stats", &m->stats);
  GetVia(fields, &m->via);
  if (Status st = fields.status(); !st.ok()) return st;
  if (!m->stats.is_object())
    return Status::Invalid(fmt::format("{}: 'stats' must be an object, found {}", what, m->stats.type_name()));
  return Status::OK();
}
}  // namespace

Json ToJson(const StatsReport& m) { return StatsToJson(StatsReport::kOp, m); }
Status FromJson(const Json& json, StatsReport* m) { return StatsFromJson(json, "stats", m); }
Json ToJson(const Ended& m) { return StatsToJson(Ended::kOp, m); }
Status FromJson(const Json& json, Ended* m) { return StatsFromJson(json, "ended", m); }
Json ToJson(const Stopped& m) { return StatsToJson(Stopped::kOp, m); }
Status FromJson(const Json& json, Stopped* m) { return StatsFromJson(json, "stopped", m); }

Json ToJson(const Failed& m) {
  Json json = Message(Failed::kOp);
  json["element"] = m.element;
  json["error"] = m.error;
  Put(json, "stats", m.stats);
  PutVia(json, m.via);
  Put(json, "will_restart", m.will_restart);
  return json;
}
Status FromJson(const Json& json, Failed* m) {
  Fields fields(json, "failed");
  fields.Get("element", &m->element)
      .Get("error", &m->error)
      .Get("stats", &m->stats)
      .Get("will_restart", &m->will_restart);
  GetVia(fields, &m->via);
  if (Status st = fields.status(); !st.ok()) return st;
  if (m->stats && !m->stats->is_object()) {
    return Status::Invalid(fmt::format("failed: 'stats' must be an object, found {}", m->stats->type_name()));
  }
  return Status::OK();
}

Json ToJson(const HandlerReply& m) {
  Json json = Message(HandlerReply::kOp);
  json["element"] = m.element;
  Put(json, "name", m.name);
  json["request"] = m.request;
  Put(json, "value", m.value);
  Put(json, "error", m.error);
  PutVia(json, m.via);
  return json;
}
Status FromJson(const Json& json, HandlerReply* m) {
  Fields fields(json, "handler_reply");
  fields.Get("element", &m->element)
      .Get("name", &m->name)
      .Get("request", &m->request)
      .Get("value", &m->value)
      .Get("error", &m->error);
  GetVia(fields, &m->via);
  return fields.status();
}

Json ToJson(const LogsReply& m) {
  Json json = Message(LogsReply::kOp);
  json["element"] = m.element;
  json["request"] = m.request;
  json["lines"] = m.lines;
  Put(json, "error", m.error);
  return json;
}
Status FromJson(const Json& json, LogsReply* m) {
  return Fields(json, "logs_reply")
      .Get("element", &m->element)
      .Get("request", &m->request)
      .Get("lines", &m->lines)
      .Get("error", &m->error)
      .status();
}

// ------------------------------------------------------------ caretaker -> host

Json ToJson(const Configure& m) {
  Json json = Message(Configure::kOp);
  json["plan"] = ToJson(m.plan);
  json["ended_links"] = m.ended_links;
  Put(json, "bind", m.bind);
  if (m.restore) json["restore"] = ToJson(*m.restore);
  return json;
}
Status FromJson(const Json& json, Configure* m) {
  return Fields(json, "configure")
      .Get("plan", &m->plan)
      .Get("ended_links", &m->ended_links)
      .Get("bind", &m->bind)
      .Get("restore", &m->restore)
      .status();
}

Json ToJson(const Bye&) { return Message(Bye::kOp); }
Status FromJson(const Json& json, Bye*) { return Fields(json, "bye").status(); }

}  // namespace datablox::control
