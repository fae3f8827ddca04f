// The master's memory on disk: topologies, their elements with placements,
// restarts and exits, their shards' members and tables, and a log of
// events, in one SQLite file. The master
// writes through it on every change of state (not on every load sample), so
// that a master killed with SIGKILL and started again reads back what was
// running and re-adopts it instead of starting it again.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "datablox/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace datablox {

struct TopologyRow {
  std::string name;
  std::string file;
  std::string text;              // the .topo source, as submitted
  std::string search_path_json;  // JSON array of folders
  std::string state;             // "starting", "running", "done", "failed", "stopping", "stopped"
  std::string failure;
  int64_t submitted_unix_ms = 0;
  // {element: {parameter: absolute path}}, as submitted: the text keeps the
  // relative paths, so a master started again applies these to re-plan.
  std::string absolute_paths_json = "{}";
  bool stop_after_checkpoint = false;  // `datablox stop` asked, its checkpoint not complete yet
};

struct ElementRow {
  std::string topology;
  std::string name;
  std::string plan_json;  // control::ToJson(ElementPlan)
  std::string node;       // where it is placed now
  std::string state;      // the master's ElementState name
  int pid = 0;
  int restarts = 0;
  std::string last_exit;         // "killed by signal 9", "exited with status 1", ""
  std::string endpoints_json;    // JSON object: port -> endpoint
  std::string ended_links_json;  // JSON array of link ids that ended for good
  std::string error;
};

// A shard of a topology as its last finished change left it, and the change
// under way: a master started again resumes that change, then grows and
// shrinks it from here.
struct ShardRow {
  std::string topology;
  std::string name;
  int next_id = 0;           // the next member's id (ids are never reused)
  std::string members_json;  // JSON array of member ids, ascending
  std::string route_json;    // control::ToJson(ShardRoute): owners, version
  std::string change_json;   // shards::Migration::Record() of the change under way; "" for none
  // The request ids of the master's questions to members start here after
  // a restart: a member that kept an answer to an earlier id (a change cut
  // short) must never take a new question for that one.
  uint64_t requests_from = 1;
};

// A checkpoint of a topology (runtime/master/checkpoint_coordinator.h).
struct CheckpointRow {
  std::string topology;
  uint64_t id = 0;
  std::string state;  // "complete", "abandoned"
  int64_t started_unix_ms = 0;
  int64_t duration_ms = 0;
  uint64_t bytes = 0;
  int taken = 0, elements = 0;
  std::string why;
};

struct EventRow {
  int64_t unix_ms = 0;
  std::string topology;
  std::string element;  // "" for a topology or node event
  std::string what;
};

class RegistryStore {
 public:
  // Opens (creating if needed) the registry at `path`; ":memory:" keeps it
  // in memory (the embedded `datablox run`). The schema is created on first
  // use; a file from a newer schema version is refused with a clear error.
  static Status Open(const std::string& path, std::unique_ptr<RegistryStore>* out);
  ~RegistryStore();
  RegistryStore(const RegistryStore&) = delete;
  RegistryStore& operator=(const RegistryStore&) = delete;

  // Inserts or replaces by primary key (name; topology + name).
  Status SaveTopology(const TopologyRow& row);
  Status SaveElement(const ElementRow& row);
  Status SaveShard(const ShardRow& row);
  // Removes one element (a shard's member that left).
  Status RemoveElement(const std::string& topology, const std::string& name);
  // Removes a topology, its elements and its shards (a name submitted again).
  Status RemoveTopology(const std::string& name);
  Status AddEvent(const EventRow& row);
  // registry_checkpoints.cc. Saves a checkpoint's row and (complete) its
  // snapshots, by element, in one transaction; then only the newest
  // `keep_complete` complete checkpoints keep their snapshots, and the
  // newest kCheckpointHistory rows of the topology stay.
  Status SaveCheckpoint(const CheckpointRow& row, const std::map<std::string, std::string>& snapshots,
                        int keep_complete);
  // A topology's checkpoints, oldest first.
  Status LoadCheckpoints(const std::string& topology, std::vector<CheckpointRow>* rows) const;
  // One element's snapshot of one checkpoint: NotFound when none is kept.
  Status LoadSnapshot(const std::string& topology, uint64_t checkpoint, const std::string& element,
                      std::string* state) const;
  static constexpr int kCheckpointHistory = 100;

  // Everything, for a master starting up: topologies in name order, elements
  // in (topology, name) order.
  Status Load(std::vector<TopologyRow>* topologies, std::vector<ElementRow>* elements) const;
  // Every shard, in (topology, name) order.
  Status LoadShards(std::vector<ShardRow>* shards) const;
  // The newest `limit` events of a topology ("" : of all), oldest first.
  Status Events(const std::string& topology, int limit, std::vector<EventRow>* events) const;

 private:
  explicit RegistryStore(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // Prepared once in Open: the master saves on every change of state, and
  // preparing costs more than the write. They make the store single-threaded.
  sqlite3_stmt* save_topology_ = nullptr;
  sqlite3_stmt* save_element_ = nullptr;
  sqlite3_stmt* save_shard_ = nullptr;
  sqlite3_stmt* add_event_ = nullptr;
};

}  // namespace datablox
