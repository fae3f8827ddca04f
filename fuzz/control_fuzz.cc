// Control messages as the master, a caretaker and a host receive them: one
// frame of JSON (control::ParseFrame), its "op" (ReadOp), then the decoder
// of every message and client reply (control_messages.h, host_messages.h,
// shard_protocol.h, client_replies.h), a class's declaration as the class
// inspector prints it (class_spec_json.h), and the Parse functions they use.
// Every decoder sees every frame, whatever its op: a peer may lie about it.
//
// Invariant: what a decoder accepts encodes to JSON that decodes again and
// encodes to the same JSON (decode(encode(m)) == m, compared as JSON).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/core/bounded_json.h"
#include "runtime/core/class_spec_json.h"
#include "runtime/core/client_replies.h"
#include "runtime/core/control.h"
#include "runtime/core/control_protocol.h"
#include "runtime/core/shard_policy.h"

namespace {

using namespace datablox;
using namespace datablox::control;

void Require(bool condition) {
  if (!condition) std::abort();
}

template <class T>
void RoundTrip(const Json& json) {
  T message;
  if (!FromJson(json, &message).ok()) return;
  const Json encoded = ToJson(message);
  // What goes out is printable (Serialize never throws).
  (void)Serialize(encoded);
  T again;
  Require(FromJson(encoded, &again).ok());
  Require(ToJson(again) == encoded);
}

void AllDecoders(const Json& json) {
#define DATABLOX_DECODER(Type) RoundTrip<Type>(json);
  // control_messages.h
  DATABLOX_DECODER(OutboxFigures)
  DATABLOX_DECODER(Submit)
  DATABLOX_DECODER(StatusRequest)
  DATABLOX_DECODER(ListRequest)
  DATABLOX_DECODER(NodesRequest)
  DATABLOX_DECODER(EventsRequest)
  DATABLOX_DECODER(Stop)
  DATABLOX_DECODER(Kill)
  DATABLOX_DECODER(Shutdown)
  DATABLOX_DECODER(HandlerRequest)
  DATABLOX_DECODER(LogsRequest)
  DATABLOX_DECODER(Join)
  DATABLOX_DECODER(Left)
  DATABLOX_DECODER(RunningElement)
  DATABLOX_DECODER(Exited)
  DATABLOX_DECODER(Heartbeat)
  DATABLOX_DECODER(Spawned)
  DATABLOX_DECODER(Restarting)
  DATABLOX_DECODER(HeartbeatAck)
  DATABLOX_DECODER(Spawn)
  DATABLOX_DECODER(Connect)
  DATABLOX_DECODER(Rewire)
  DATABLOX_DECODER(Drain)
  DATABLOX_DECODER(KillElement)
  // element_plan.h
  DATABLOX_DECODER(LinkPlan)
  DATABLOX_DECODER(ShardRoute)
  DATABLOX_DECODER(MemberPlan)
  DATABLOX_DECODER(PortPlan)
  DATABLOX_DECODER(ElementPlan)
  // host_messages.h
  DATABLOX_DECODER(Hello)
  DATABLOX_DECODER(Bound)
  DATABLOX_DECODER(Started)
  DATABLOX_DECODER(LinkDone)
  DATABLOX_DECODER(StatsReport)
  DATABLOX_DECODER(Ended)
  DATABLOX_DECODER(Stopped)
  DATABLOX_DECODER(Failed)
  DATABLOX_DECODER(HandlerReply)
  DATABLOX_DECODER(LogsReply)
  DATABLOX_DECODER(Configure)
  DATABLOX_DECODER(Bye)
  // shard_protocol.h
  DATABLOX_DECODER(Scale)
  DATABLOX_DECODER(Reroute)
  DATABLOX_DECODER(Fenced)
  DATABLOX_DECODER(ExpectLinks)
  DATABLOX_DECODER(LinksEnded)
  DATABLOX_DECODER(CanAdd)
  DATABLOX_DECODER(CanAddReply)
  DATABLOX_DECODER(ExportState)
  DATABLOX_DECODER(StateExported)
  DATABLOX_DECODER(ImportState)
  DATABLOX_DECODER(StateImported)
  // client_replies.h
  DATABLOX_DECODER(CallKeys)
  DATABLOX_DECODER(SecurityStatus)
  DATABLOX_DECODER(SubmitReply)
  DATABLOX_DECODER(ElementStatus)
  DATABLOX_DECODER(ShardStatus)
  DATABLOX_DECODER(StatusReply)
  DATABLOX_DECODER(ScaleReply)
  DATABLOX_DECODER(TopologySummary)
  DATABLOX_DECODER(ListReply)
  DATABLOX_DECODER(NodeStatus)
  DATABLOX_DECODER(NodesReply)
  DATABLOX_DECODER(EventItem)
  DATABLOX_DECODER(EventsReply)
  DATABLOX_DECODER(KillReply)
  DATABLOX_DECODER(ShutdownReply)
  DATABLOX_DECODER(MasterLinkStatus)
  DATABLOX_DECODER(CaretakerStatusReply)
#undef DATABLOX_DECODER
  Refusal refusal;
  (void)ReadRefusal(json, &refusal);
  // A class's declaration as the class inspector's child prints it (the
  // master reads it: ParseInspectorOutput), from code it does not trust.
  ClassSpec spec;
  if (ClassSpecFromJson(json, &spec).ok()) {
    const nlohmann::json encoded = ClassSpecToJson(spec);
    ClassSpec again;
    Require(ClassSpecFromJson(encoded, &again).ok());
    Require(ClassSpecToJson(again) == encoded);
  }
}

// The names a message carries in strings, read by their own parsers.
void ParseNames(std::string_view text) {
  LinkId link;
  if (ParseLinkId(text, &link).ok()) {
    LinkId again;
    Require(ParseLinkId(link.ToString(), &again).ok());
    Require(again.ToString() == link.ToString());
  }
  RestartPolicy policy;
  (void)ParseRestartPolicy(text, &policy);
  RouteKind route;
  (void)ParseRouteKind(text, &route);
  MergeKind merge;
  (void)ParseMergeKind(text, &merge);
  (void)OpFromName(text);
  (void)PrintableId(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  ParseNames(frame);
  Json bounded;
  (void)ParseBoundedJson(frame, &bounded);
  Json message;
  if (!ParseFrame(frame, &message).ok()) return 0;
  Op op;
  std::string name;
  if (ReadOp(message, &op, &name).ok() && op != Op::kUnknown) Require(OpFromName(OpName(op)) == op);
  AllDecoders(message);
  return 0;
}
