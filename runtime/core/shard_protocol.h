// The control messages that grow and shrink a shard (control_protocol.h
// tells the parties): each a struct with its operation (kOp) and its codec
// (ToJson includes "op"; FromJson names the first bad field).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/control_op.h"
#include "runtime/core/element_plan.h"
#include "runtime/core/host_messages.h"

namespace datablox::control {

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
// master -> caretaker -> host: upstream links of one of its push inputs
// that ended for good without a word on them: their sender ended (every
// END it sent was acknowledged) before it heard of them, as a sender does
// that ends while a shard grows. The host counts the ones it never heard
// from as ended; one whose sender spoke gets (or got) its END as usual.
struct LinksEnded {
  static constexpr Op kOp = Op::kLinksEnded;
  std::string element;
  std::string port;
  std::vector<std::string> links;
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
// groups. State travels as logs, each its msgpack bytes in base64 (JSON
// carries text only, and a state's byte strings must come back as bytes).
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

#define DATABLOX_CONTROL_MESSAGE(Type) \
  Json ToJson(const Type& message);    \
  Status FromJson(const Json& json, Type* message);
DATABLOX_CONTROL_MESSAGE(Scale)
DATABLOX_CONTROL_MESSAGE(Reroute)
DATABLOX_CONTROL_MESSAGE(Fenced)
DATABLOX_CONTROL_MESSAGE(ExpectLinks)
DATABLOX_CONTROL_MESSAGE(LinksEnded)
DATABLOX_CONTROL_MESSAGE(CanAdd)
DATABLOX_CONTROL_MESSAGE(CanAddReply)
DATABLOX_CONTROL_MESSAGE(ExportState)
DATABLOX_CONTROL_MESSAGE(StateExported)
DATABLOX_CONTROL_MESSAGE(ImportState)
DATABLOX_CONTROL_MESSAGE(StateImported)
#undef DATABLOX_CONTROL_MESSAGE

}  // namespace datablox::control
