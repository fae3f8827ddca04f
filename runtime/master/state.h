// What the master knows: its topologies, their elements and the nodes, as
// plain records. The registry (SQLite) holds a copy of the first two, so
// that a master started again re-adopts what the caretakers still run.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "dsl/topology.h"
#include "runtime/core/control_protocol.h"
#include "runtime/core/outbox.h"
#include "runtime/master/checkpoint_coordinator.h"
#include "runtime/master/planner.h"
#include "runtime/master/shard_members.h"

namespace datablox::shards {
class Migration;
class Autoscaler;
}  // namespace datablox::shards

namespace datablox::master {

using Clock = std::chrono::steady_clock;
using control::Json;

int64_t UnixMs();

enum class ElementState { kPlanned, kSpawned, kBound, kRunning, kRestarting, kEnded, kFailed, kStopped };
// The name `status` shows and the registry keeps ("starting" for kSpawned).
const char* StateName(ElementState s);
ElementState ElementStateFrom(const std::string& name);  // kPlanned for an unknown name
bool Final(ElementState s);                              // ended, failed or stopped

struct ElementRecord {
  control::ElementPlan plan;
  ElementState state = ElementState::kPlanned;
  bool exited = false;
  bool wired = false;     // told where its outputs go, in this placement
  bool confirmed = true;  // false: read from the registry, not yet seen in a heartbeat
  int pid = 0;
  int restarts = 0;
  int moves = 0;    // placed again after its node died
  bool new_address = false;  // started again elsewhere than its peers know (a rollback's respawn): they are rewired
  MemberLife life;  // whether its next start is a restart (what a migration must hear)
  std::string last_exit;
  std::set<std::string> ended_links;
  Json endpoints = Json::object();
  Json stats = Json::object();               // of its current life
  uint64_t earlier_in = 0, earlier_out = 0;  // logs in and out of its earlier lives
  double in_rate = 0, out_rate = 0;          // logs per second, between the last two samples
  double blocked_share = 0, busy_share = 0;  // of the time between the last two samples
  std::string error;
  Clock::time_point started = Clock::now();
};

// A shard of a running topology: its members and table now, and the change
// under way (shard_scaling.cc).
struct ShardRecord {
  std::string name;
  std::string class_name;
  int min_members = 1, max_members = 1;
  StateKind state = StateKind::kStateless;
  ShardLayout layout;  // the members and the senders' table now
  int next_id = 0;     // member ids are never reused
  int target = 0;      // members asked for by hand (`datablox scale`); 0: the autoscaler's to decide
  std::shared_ptr<shards::Migration> migration;  // the change under way (the registry keeps its record)
  // Read back from the registry by a master started again: resumed (and
  // told what its peers say) once its topology's elements are re-adopted.
  bool resume_pending = false;
  std::shared_ptr<shards::Autoscaler> autoscaler;
  std::string last_change;  // how the last change ended, for status
  bool last_change_failed = false;
  // Read back by a master started again in the middle of a change it has
  // no record of (an older master's file) or cannot read: it keeps its
  // size, neither `scale` nor the autoscaler change it.
  bool cut_short = false;
};

enum class TopologyState { kStarting, kRunning, kDone, kFailed, kStopping, kStopped };
const char* StateName(TopologyState s);
TopologyState TopologyStateFrom(const std::string& name);  // kFailed for an unknown name
bool Active(TopologyState s);                              // starting, running or stopping
// A master started again knows its elements from the registry until their
// caretakers' heartbeats confirm them; a change (a shard's, a rollback)
// must not start before, or its messages would go to nodes not heard from
// yet, and be lost. `except`: an element not to wait for.
struct TopologyRecord;
bool Readopted(const TopologyRecord& t, const std::string& except = "");

struct TopologyRecord {
  std::string name;
  std::string file;
  std::string text;
  std::vector<std::string> search_path;
  Json absolute_paths = Json::object();  // as submitted: {element: {parameter: absolute path}}
  TopologyState state = TopologyState::kStarting;
  std::string failure;
  Clock::time_point drain_deadline{};             // kill -w: stopped for good at this time
  std::map<std::string, ElementRecord> elements;  // by element name
  // As submitted and checked: what a shard's new member is planned from. A
  // master started again parses and checks the text again (with the same
  // absolute paths); null when that fails, and then its shards keep their size.
  std::shared_ptr<const dsl::Topology> topology;
  std::map<std::string, ShardRecord> shards;  // by shard name; the registry keeps each one's layout
  std::optional<control::LinkCurve> curve;    // its links' key (master --curve-links), in every plan
  // With `policy * { checkpoint: MS }` (checkpoints.cc); null without.
  std::shared_ptr<CheckpointCoordinator> checkpoints;
  bool stop_after_checkpoint = false;  // `datablox stop`: stopped once the next checkpoint completes
  uint32_t epoch = 0;  // rollbacks so far (in every element's plan; the newest read back at a restart)
  // A crash to roll back from once every element is re-adopted (see
  // Readopted): the reason, empty when none waits.
  std::string rollback_waiting;
  Clock::time_point submitted = Clock::now();
  int64_t submitted_unix_ms = UnixMs();
};

struct NodeRecord {
  std::string name;
  std::string peer;
  std::string address;
  int cores = 1;
  uint64_t memory_mb = 0;
  double cpu_percent = 0;
  uint64_t memory_used_mb = 0;
  bool alive = true;
  Clock::time_point last_seen = Clock::now();
  Outbox outbox;                    // what its full queue did not take yet: sent again, never dropped
  Json to_master = Json::object();  // its caretaker's own outbox figures
};

}  // namespace datablox::master
