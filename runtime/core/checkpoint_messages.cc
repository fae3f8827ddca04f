// The codecs of the checkpoint messages declared in checkpoint_protocol.h.
#include "runtime/core/checkpoint_protocol.h"

#include <fmt/format.h>

#include "runtime/core/control_fields.h"

namespace datablox::control {

using detail::Fields;
using detail::GetVia;
using detail::Message;
using detail::PutVia;

Json ToJson(const StartCheckpoint& m) {
  Json json = Message(StartCheckpoint::kOp);
  json["element"] = m.element;
  json["checkpoint"] = m.checkpoint;
  return json;
}
Status FromJson(const Json& json, StartCheckpoint* m) {
  return Fields(json, "checkpoint").Get("element", &m->element).Get("checkpoint", &m->checkpoint).status();
}

Json ToJson(const CheckpointTaken& m) {
  Json json = Message(CheckpointTaken::kOp);
  json["element"] = m.element;
  json["checkpoint"] = m.checkpoint;
  json["state"] = m.state;
  json["bytes"] = m.bytes;
  detail::Put(json, "error", m.error);
  PutVia(json, m.via);
  return json;
}
Status FromJson(const Json& json, CheckpointTaken* m) {
  Fields fields(json, "checkpoint_taken");
  fields.Get("element", &m->element)
      .Get("checkpoint", &m->checkpoint)
      .Get("state", &m->state)
      .Get("bytes", &m->bytes)
      .Get("error", &m->error);
  GetVia(fields, &m->via);
  return fields.status();
}

Json ToJson(const CheckpointDone& m) {
  Json json = Message(CheckpointDone::kOp);
  json["element"] = m.element;
  json["checkpoint"] = m.checkpoint;
  json["complete"] = m.complete;
  return json;
}
Status FromJson(const Json& json, CheckpointDone* m) {
  return Fields(json, "checkpoint_done")
      .Get("element", &m->element)
      .Get("checkpoint", &m->checkpoint)
      .Get("complete", &m->complete)
      .status();
}

Json ToJson(const CheckpointsRequest& m) {
  Json json = Message(CheckpointsRequest::kOp);
  json["topology"] = m.topology;
  return json;
}
Status FromJson(const Json& json, CheckpointsRequest* m) {
  return Fields(json, "checkpoints").Get("topology", &m->topology).status();
}

Json ToJson(const DataflowRequest& m) {
  Json json = Message(DataflowRequest::kOp);
  json["topology"] = m.topology;
  json["action"] = m.action;
  return json;
}
Status FromJson(const Json& json, DataflowRequest* m) {
  return Fields(json, "dataflow").Get("topology", &m->topology).Get("action", &m->action).status();
}

Json ToJson(const RegistryRequest&) { return Message(RegistryRequest::kOp); }
Status FromJson(const Json& json, RegistryRequest*) { return Fields(json, "registry").status(); }

Json ToJson(const RollbackElement& m) {
  return Json{{"element", m.element}, {"state", m.state}, {"ended_links", m.ended_links}};
}
Status FromJson(const Json& json, RollbackElement* m) {
  return Fields(json, "rollback element")
      .Get("element", &m->element)
      .Get("state", &m->state)
      .Get("ended_links", &m->ended_links)
      .status();
}

Json ToJson(const Rollback& m) {
  Json json = Message(Rollback::kOp);
  json["topology"] = m.topology;
  json["epoch"] = m.epoch;
  json["checkpoint"] = m.checkpoint;
  Json elements = Json::array();
  for (const RollbackElement& element : m.elements) elements.push_back(ToJson(element));
  json["elements"] = elements;
  return json;
}
Status FromJson(const Json& json, Rollback* m) {
  uint64_t epoch = 0;
  Status st = Fields(json, "rollback")
                  .Get("topology", &m->topology)
                  .Get("epoch", &epoch)
                  .Get("checkpoint", &m->checkpoint)
                  .Get("elements", &m->elements)
                  .status();
  if (st.ok() && epoch > kMaxEpoch) st = Status::Invalid(fmt::format("rollback: 'epoch' {} is over {}", epoch, kMaxEpoch));
  m->epoch = static_cast<uint32_t>(epoch);
  return st;
}

Json ToJson(const Restore& m) { return Json{{"checkpoint", m.checkpoint}, {"state", m.state}}; }
Status FromJson(const Json& json, Restore* m) {
  return Fields(json, "restore").Get("checkpoint", &m->checkpoint).Get("state", &m->state).status();
}

}  // namespace datablox::control
