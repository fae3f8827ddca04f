// The codecs of the checkpoint messages declared in checkpoint_protocol.h.
#include "runtime/core/checkpoint_protocol.h"

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

}  // namespace datablox::control
