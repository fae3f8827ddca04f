// The codecs of the control messages declared in control_messages.h.
#include "runtime/core/control_messages.h"

#include <fmt/format.h>

#include "runtime/core/control_fields.h"

namespace datablox::control {
namespace {

using detail::Fields;
using detail::GetVia;
using detail::Message;
using detail::Put;
using detail::PutVia;

void PutFigures(Json& json, const NodeFigures& f) {
  Put(json, "cores", f.cores);
  Put(json, "memory_mb", f.memory_mb);
  Put(json, "address", f.address);
  Put(json, "cpu_percent", f.cpu_percent);
  Put(json, "memory_used_mb", f.memory_used_mb);
}
void GetFigures(Fields& fields, NodeFigures* f) {
  fields.Get("cores", &f->cores)
      .Get("memory_mb", &f->memory_mb)
      .Get("address", &f->address)
      .Get("cpu_percent", &f->cpu_percent)
      .Get("memory_used_mb", &f->memory_used_mb);
}

}  // namespace

// ------------------------------------------------------------ CLI -> master

Json ToJson(const Submit& m) {
  Json json = Message(Submit::kOp);
  json["file"] = m.file;
  json["text"] = m.text;
  Put(json, "name", m.name);
  Put(json, "search_path", m.search_path);
  Put(json, "absolute_paths", m.absolute_paths);
  return json;
}
Status FromJson(const Json& json, Submit* m) {
  return Fields(json, "submit")
      .Get("file", &m->file)
      .Get("text", &m->text)
      .Get("name", &m->name)
      .Get("search_path", &m->search_path)
      .Get("absolute_paths", &m->absolute_paths)
      .status();
}

Json ToJson(const StatusRequest& m) {
  Json json = Message(StatusRequest::kOp);
  Put(json, "topology", m.topology);
  return json;
}
Status FromJson(const Json& json, StatusRequest* m) {
  return Fields(json, "status").Get("topology", &m->topology).status();
}

Json ToJson(const ListRequest&) { return Message(ListRequest::kOp); }
Status FromJson(const Json& json, ListRequest*) { return Fields(json, "list").status(); }
Json ToJson(const NodesRequest&) { return Message(NodesRequest::kOp); }
Status FromJson(const Json& json, NodesRequest*) { return Fields(json, "nodes").status(); }
Json ToJson(const Shutdown&) { return Message(Shutdown::kOp); }
Status FromJson(const Json& json, Shutdown*) { return Fields(json, "shutdown").status(); }

Json ToJson(const EventsRequest& m) {
  Json json = Message(EventsRequest::kOp);
  json["topology"] = m.topology;
  Put(json, "limit", m.limit);
  return json;
}
Status FromJson(const Json& json, EventsRequest* m) {
  return Fields(json, "events").Get("topology", &m->topology).Get("limit", &m->limit).status();
}

Json ToJson(const Stop& m) {
  Json json = Message(Stop::kOp);
  json["topology"] = m.topology;
  return json;
}
Status FromJson(const Json& json, Stop* m) { return Fields(json, "stop").Get("topology", &m->topology).status(); }

Json ToJson(const Kill& m) {
  Json json = Message(Kill::kOp);
  json["topology"] = m.topology;
  Put(json, "wait_s", m.wait_s);
  return json;
}
Status FromJson(const Json& json, Kill* m) {
  return Fields(json, "kill").Get("topology", &m->topology).Get("wait_s", &m->wait_s).status();
}

Json ToJson(const HandlerRequest& m) {
  Json json = Message(HandlerRequest::kOp);
  json["element"] = m.element;
  json["name"] = m.name;
  Put(json, "value", m.value);
  Put(json, "request", m.request);
  return json;
}
Status FromJson(const Json& json, HandlerRequest* m) {
  return Fields(json, "handler")
      .Get("element", &m->element)
      .Get("name", &m->name)
      .Get("value", &m->value)
      .Get("request", &m->request)
      .status();
}

Json ToJson(const LogsRequest& m) {
  Json json = Message(LogsRequest::kOp);
  json["element"] = m.element;
  Put(json, "lines", m.lines);
  Put(json, "request", m.request);
  return json;
}
Status FromJson(const Json& json, LogsRequest* m) {
  return Fields(json, "logs").Get("element", &m->element).Get("lines", &m->lines).Get("request", &m->request).status();
}

// ------------------------------------------------------------ caretaker -> master

Json ToJson(const OutboxFigures& m) {
  return {{"waiting", m.waiting}, {"deferred", m.deferred}, {"dropped", m.dropped}};
}
Status FromJson(const Json& json, OutboxFigures* m) {
  return Fields(json, "to_master")
      .Get("waiting", &m->waiting)
      .Get("deferred", &m->deferred)
      .Get("dropped", &m->dropped)
      .status();
}

Json ToJson(const Join& m) {
  Json json = Message(Join::kOp);
  json["node"] = m.node;
  PutFigures(json, m.figures);
  Put(json, "pid", m.pid);
  return json;
}
Status FromJson(const Json& json, Join* m) {
  Fields fields(json, "join");
  fields.Get("node", &m->node).Get("pid", &m->pid);
  GetFigures(fields, &m->figures);
  return fields.status();
}

Json ToJson(const Left& m) {
  Json json = Message(Left::kOp);
  json["node"] = m.node;
  return json;
}
Status FromJson(const Json& json, Left* m) { return Fields(json, "left").Get("node", &m->node).status(); }

Json ToJson(const RunningElement& m) {
  Json json = {{"element", m.element},
               {"pid", m.pid},
               {"state", m.state},
               {"restarts", m.restarts},
               {"last_exit", m.last_exit},
               {"endpoints", m.endpoints},
               {"ended_links", m.ended_links}};
  Put(json, "cpu_percent", m.cpu_percent);
  Put(json, "rss_bytes", m.rss_bytes);
  Put(json, "age_s", m.age_s);
  return json;
}
Status FromJson(const Json& json, RunningElement* m) {
  return Fields(json, "element")
      .Get("element", &m->element)
      .Get("pid", &m->pid)
      .Get("state", &m->state)
      .Get("restarts", &m->restarts)
      .Get("last_exit", &m->last_exit)
      .Get("cpu_percent", &m->cpu_percent)
      .Get("rss_bytes", &m->rss_bytes)
      .Get("age_s", &m->age_s)
      .Get("endpoints", &m->endpoints)
      .Get("ended_links", &m->ended_links)
      .status();
}

Json ToJson(const Exited& m) {
  Json json = Message(Exited::kOp);
  json["element"] = m.element;
  json["node"] = m.node;
  json["pid"] = m.pid;
  json["restarts"] = m.restarts;
  json["last_exit"] = m.last_exit;
  json["stopped"] = m.stopped;
  json["said_ended"] = m.said_ended;
  Put(json, "code", m.code);
  Put(json, "signal", m.signal);
  return json;
}
Status FromJson(const Json& json, Exited* m) {
  return Fields(json, "exited")
      .Get("element", &m->element)
      .Get("node", &m->node)
      .Get("pid", &m->pid)
      .Get("restarts", &m->restarts)
      .Get("last_exit", &m->last_exit)
      .Get("stopped", &m->stopped)
      .Get("said_ended", &m->said_ended)
      .Get("code", &m->code)
      .Get("signal", &m->signal)
      .status();
}

Json ToJson(const Heartbeat& m) {
  Json json = Message(Heartbeat::kOp);
  json["node"] = m.node;
  PutFigures(json, m.figures);
  Json elements = Json::array(), finished = Json::array();
  for (const RunningElement& e : m.elements) elements.push_back(ToJson(e));
  for (const Exited& e : m.finished) finished.push_back(ToJson(e));
  json["elements"] = elements;
  json["finished"] = finished;
  Put(json, "malformed", m.malformed);
  if (m.to_master) json["to_master"] = ToJson(*m.to_master);
  return json;
}
Status FromJson(const Json& json, Heartbeat* m) {
  Fields fields(json, "heartbeat");
  fields.Get("node", &m->node)
      .Get("elements", &m->elements)
      .Get("finished", &m->finished)
      .Get("malformed", &m->malformed)
      .Get("to_master", &m->to_master);
  GetFigures(fields, &m->figures);
  return fields.status();
}

Json ToJson(const Spawned& m) {
  Json json = Message(Spawned::kOp);
  json["element"] = m.element;
  json["pid"] = m.pid;
  json["node"] = m.node;
  json["restarts"] = m.restarts;
  return json;
}
Status FromJson(const Json& json, Spawned* m) {
  return Fields(json, "spawned")
      .Get("element", &m->element)
      .Get("pid", &m->pid)
      .Get("node", &m->node)
      .Get("restarts", &m->restarts)
      .status();
}

Json ToJson(const Restarting& m) {
  Json json = Message(Restarting::kOp);
  json["element"] = m.element;
  json["node"] = m.node;
  Put(json, "restarts", m.restarts);
  json["last_exit"] = m.last_exit;
  Put(json, "delay_ms", m.delay_ms);
  return json;
}
Status FromJson(const Json& json, Restarting* m) {
  return Fields(json, "restarting")
      .Get("element", &m->element)
      .Get("node", &m->node)
      .Get("restarts", &m->restarts)
      .Get("last_exit", &m->last_exit)
      .Get("delay_ms", &m->delay_ms)
      .status();
}

// ------------------------------------------------------------ master -> caretaker

Json ToJson(const HeartbeatAck&) { return Message(HeartbeatAck::kOp); }
Status FromJson(const Json& json, HeartbeatAck*) { return Fields(json, "heartbeat_ack").status(); }

Json ToJson(const Spawn& m) {
  Json json = Message(Spawn::kOp);
  json["plan"] = ToJson(m.plan);
  Put(json, "ended_links", m.ended_links);
  if (m.restore) json["restore"] = ToJson(*m.restore);
  return json;
}
Status FromJson(const Json& json, Spawn* m) {
  return Fields(json, "spawn")
      .Get("plan", &m->plan)
      .Get("ended_links", &m->ended_links)
      .Get("restore", &m->restore)
      .status();
}

Json ToJson(const Connect& m) {
  Json json = Message(Connect::kOp);
  json["element"] = m.element;
  json["plan"] = ToJson(m.plan);
  return json;
}
Status FromJson(const Json& json, Connect* m) {
  return Fields(json, "connect").Get("element", &m->element).Get("plan", &m->plan).status();
}

Json ToJson(const Rewire& m) {
  Json json = Message(Rewire::kOp);
  json["element"] = m.element;
  json["links"] = m.links;
  if (!m.stream_links.empty()) json["stream_links"] = m.stream_links;
  return json;
}
Status FromJson(const Json& json, Rewire* m) {
  return Fields(json, "rewire")
      .Get("element", &m->element)
      .Get("links", &m->links)
      .Get("stream_links", &m->stream_links)
      .status();
}

Json ToJson(const Drain& m) {
  Json json = Message(Drain::kOp);
  json["topology"] = m.topology;
  return json;
}
Status FromJson(const Json& json, Drain* m) { return Fields(json, "drain").Get("topology", &m->topology).status(); }

Json ToJson(const KillElement& m) {
  Json json = Message(KillElement::kOp);
  json["element"] = m.element;
  return json;
}
Status FromJson(const Json& json, KillElement* m) {
  return Fields(json, "kill_element").Get("element", &m->element).status();
}

}  // namespace datablox::control
