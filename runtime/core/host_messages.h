// The control messages between an element host and its caretaker, most of
// them passed on to the master (control_protocol.h tells who sends which to
// whom, and when): each a struct with its operation (kOp) and its codec
// (ToJson includes "op"; FromJson names the first bad field).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/control_op.h"
#include "runtime/core/element_plan.h"

namespace datablox::control {

// ------------------------------------------------------------ host -> caretaker (-> master)

// What a caretaker adds to a host's message it forwards to the master.
struct ForwardedBy {
  std::string node;
  int pid = 0;
  int restarts = 0;
};

struct Hello {
  static constexpr Op kOp = Op::kHello;
  std::string element;
  int pid = 0;
};
struct Bound {  // its inputs are bound at these addresses
  static constexpr Op kOp = Op::kBound;
  std::string element;
  Endpoints endpoints;
  std::optional<ForwardedBy> via;
  std::optional<bool> restarted;  // caretaker: wired it itself from the master's last connect
};
struct Started {
  static constexpr Op kOp = Op::kStarted;
  std::string element;
  std::optional<ForwardedBy> via;
};
struct LinkDone {  // an input link ended for good: a restart must not wait for it
  static constexpr Op kOp = Op::kLinkDone;
  std::string element;
  std::string link;
  std::optional<ForwardedBy> via;
};
// stats (every period), ended (its last word at a normal end), stopped
// (its last word at a stop): the host's figures, kept as the host makes
// them (runtime/host/stats.cc; the caretaker adds cpu_percent and
// rss_bytes, the master reads what it shows).
struct StatsReport {
  static constexpr Op kOp = Op::kStats;
  std::string element;
  Json stats = Json::object();
  std::optional<ForwardedBy> via;
};
struct Ended : StatsReport {
  static constexpr Op kOp = Op::kEnded;
};
struct Stopped : StatsReport {
  static constexpr Op kOp = Op::kStopped;
};
struct Failed {  // host -> caretaker -> master; also caretaker -> master (cannot spawn)
  static constexpr Op kOp = Op::kFailed;
  std::string element;
  std::string error = "failed";
  std::optional<Json> stats;
  std::optional<ForwardedBy> via;
  std::optional<bool> will_restart;  // caretaker: its restart policy brings it back
};
struct HandlerReply {  // host (or caretaker) -> caretaker -> master -> CLI
  static constexpr Op kOp = Op::kHandlerReply;
  std::string element;
  std::optional<std::string> name;
  uint64_t request = 0;
  std::optional<std::string> value;
  std::optional<std::string> error;
  std::optional<ForwardedBy> via;
};
struct LogsReply {  // caretaker -> master -> CLI
  static constexpr Op kOp = Op::kLogsReply;
  std::string element;
  uint64_t request = 0;
  std::vector<std::string> lines;
  std::optional<std::string> error;
};

// ------------------------------------------------------------ caretaker -> host

// What a host restores before start() (Configure, Spawn).
struct Restore {
  uint64_t checkpoint = 0;
  std::string state;  // base64
};

struct Configure {  // the answer to hello: what to bind
  static constexpr Op kOp = Op::kConfigure;
  ElementPlan plan;
  std::vector<std::string> ended_links;  // inputs that ended for good in an earlier life
  std::optional<Endpoints> bind;         // a restart binds the addresses its peers know
  std::optional<Restore> restore;        // a rollback: the snapshot to restore before start()
};
struct Bye {
  static constexpr Op kOp = Op::kBye;
};

#define DATABLOX_CONTROL_MESSAGE(Type) \
  Json ToJson(const Type& message);    \
  Status FromJson(const Json& json, Type* message);
DATABLOX_CONTROL_MESSAGE(Hello)
DATABLOX_CONTROL_MESSAGE(Bound)
DATABLOX_CONTROL_MESSAGE(Started)
DATABLOX_CONTROL_MESSAGE(LinkDone)
DATABLOX_CONTROL_MESSAGE(StatsReport)
DATABLOX_CONTROL_MESSAGE(Ended)
DATABLOX_CONTROL_MESSAGE(Stopped)
DATABLOX_CONTROL_MESSAGE(Failed)
DATABLOX_CONTROL_MESSAGE(HandlerReply)
DATABLOX_CONTROL_MESSAGE(LogsReply)
DATABLOX_CONTROL_MESSAGE(Restore)
DATABLOX_CONTROL_MESSAGE(Configure)
DATABLOX_CONTROL_MESSAGE(Bye)
#undef DATABLOX_CONTROL_MESSAGE

}  // namespace datablox::control
