#include "runtime/master/registry_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "runtime/master/registry_sql.h"

namespace datablox {
namespace {

using namespace registry_sql;

// Version 1 is the first schema; version 2 added the shards and the
// topologies' absolute paths; version 3 a shard's change under way and the
// first request id a later change may use; version 4 the checkpoints and
// their snapshots. A master that changes it raises this and
// migrates older files in CreateSchema; an older master refuses newer files.
constexpr int kSchemaVersion = 5;
// Enough history for `datablox logs` and a post-mortem; a master that runs
// for months must not grow its file without end. Events are dropped a
// thousand at a time: deleting one row per insert dirtied two more pages
// and cost half as much again as the insert itself.
constexpr int kMaxEvents = 10000;
constexpr int kEventsDroppedAtOnce = 1000;
constexpr int kBusyTimeoutMs = 2000;

// The cap is a trigger, so that it holds for every writer of the file and
// costs one seek to the oldest rowid per insert. Ids only grow
// (AUTOINCREMENT), so a span of ids bounds the count of rows: after any
// insert at most kMaxEvents are left, and never fewer than kMaxEvents -
// kEventsDroppedAtOnce once the cap was reached.
constexpr const char* kCreateSchema = R"sql(
CREATE TABLE IF NOT EXISTS topologies(
  name TEXT PRIMARY KEY,
  file TEXT NOT NULL,
  text TEXT NOT NULL,
  search_path_json TEXT NOT NULL,
  state TEXT NOT NULL,
  failure TEXT NOT NULL,
  submitted_unix_ms INTEGER NOT NULL,
  absolute_paths_json TEXT NOT NULL DEFAULT '{{}}',
  stop_after_checkpoint INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS elements(
  topology TEXT NOT NULL,
  name TEXT NOT NULL,
  plan_json TEXT NOT NULL,
  node TEXT NOT NULL,
  state TEXT NOT NULL,
  pid INTEGER NOT NULL,
  restarts INTEGER NOT NULL,
  last_exit TEXT NOT NULL,
  endpoints_json TEXT NOT NULL,
  ended_links_json TEXT NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY(topology, name));
{shards}
{checkpoints}
CREATE TABLE IF NOT EXISTS events(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unix_ms INTEGER NOT NULL,
  topology TEXT NOT NULL,
  element TEXT NOT NULL,
  what TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_topology ON events(topology, id);
CREATE TRIGGER IF NOT EXISTS events_cap AFTER INSERT ON events
WHEN NEW.id - (SELECT min(id) FROM events) >= {max} BEGIN
  DELETE FROM events WHERE id <= NEW.id - ({max} - {dropped});
END;
PRAGMA user_version = {version};
)sql";
constexpr const char* kCreateShards = R"sql(
CREATE TABLE IF NOT EXISTS shards(
  topology TEXT NOT NULL,
  name TEXT NOT NULL,
  next_id INTEGER NOT NULL,
  members_json TEXT NOT NULL,
  route_json TEXT NOT NULL,
  change_json TEXT NOT NULL DEFAULT '',
  requests_from INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY(topology, name));
)sql";
// A checkpoint's row stays (the history `datablox checkpoints` shows); its
// snapshots only while it is one of the newest complete ones.
constexpr const char* kCreateCheckpoints = R"sql(
CREATE TABLE IF NOT EXISTS checkpoints(
  topology TEXT NOT NULL,
  id INTEGER NOT NULL,
  state TEXT NOT NULL,
  started_unix_ms INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  taken INTEGER NOT NULL,
  elements INTEGER NOT NULL,
  why TEXT NOT NULL,
  PRIMARY KEY(topology, id));
CREATE TABLE IF NOT EXISTS snapshots(
  topology TEXT NOT NULL,
  checkpoint INTEGER NOT NULL,
  element TEXT NOT NULL,
  state BLOB NOT NULL,
  PRIMARY KEY(topology, checkpoint, element));
)sql";
// A version 1 file keeps its rows: its topologies get no absolute paths
// (a master of version 1 re-planned no shard after a restart anyway).
constexpr const char* kMigrateFromVersion1 = R"sql(
ALTER TABLE topologies ADD COLUMN absolute_paths_json TEXT NOT NULL DEFAULT '{{}}';
{shards}
{checkpoints}
{stop}
PRAGMA user_version = {version};
)sql";

// A version 2 file's shards had no change under way that could be resumed.
constexpr const char* kMigrateFromVersion2 = R"sql(
ALTER TABLE shards ADD COLUMN change_json TEXT NOT NULL DEFAULT '';
ALTER TABLE shards ADD COLUMN requests_from INTEGER NOT NULL DEFAULT 1;
{checkpoints}
{stop}
PRAGMA user_version = {version};
)sql";

// A version 3 file had no checkpoints.
constexpr const char* kMigrateFromVersion3 = R"sql(
{checkpoints}
{stop}
PRAGMA user_version = {version};
)sql";

// A version 4 file's topologies had no `datablox stop` waiting: it was
// forgotten when the master restarted.
constexpr const char* kMigrateFromVersion4 = R"sql(
{stop}
PRAGMA user_version = {version};
)sql";
constexpr const char* kAddStopAfterCheckpoint =
    "ALTER TABLE topologies ADD COLUMN stop_after_checkpoint INTEGER NOT NULL DEFAULT 0;";

// Upserts rather than INSERT OR REPLACE: an update in place writes one page
// of the table, where a replace deletes, inserts at a new rowid and rewrites
// the primary key's index too, which made SaveElement four times slower.
constexpr const char* kSaveTopology =
    "INSERT INTO topologies(name, file, text, search_path_json, state, failure, submitted_unix_ms, "
    "absolute_paths_json, stop_after_checkpoint) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE "
    "SET file = excluded.file, text = excluded.text, search_path_json = excluded.search_path_json, "
    "state = excluded.state, failure = excluded.failure, submitted_unix_ms = excluded.submitted_unix_ms, "
    "absolute_paths_json = excluded.absolute_paths_json, stop_after_checkpoint = excluded.stop_after_checkpoint";
constexpr const char* kSaveElement =
    "INSERT INTO elements(topology, name, plan_json, node, state, pid, restarts, last_exit, "
    "endpoints_json, ended_links_json, error) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(topology, name) DO UPDATE SET plan_json = excluded.plan_json, node = excluded.node, "
    "state = excluded.state, pid = excluded.pid, restarts = excluded.restarts, "
    "last_exit = excluded.last_exit, endpoints_json = excluded.endpoints_json, "
    "ended_links_json = excluded.ended_links_json, error = excluded.error";
constexpr const char* kSaveShard =
    "INSERT INTO shards(topology, name, next_id, members_json, route_json, change_json, requests_from) "
    "VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(topology, name) DO UPDATE SET next_id = excluded.next_id, "
    "members_json = excluded.members_json, route_json = excluded.route_json, change_json = excluded.change_json, "
    "requests_from = excluded.requests_from";
constexpr const char* kAddEvent = "INSERT INTO events(unix_ms, topology, element, what) VALUES(?, ?, ?, ?)";
constexpr const char* kLoadTopologies =
    "SELECT name, file, text, search_path_json, state, failure, submitted_unix_ms, absolute_paths_json, "
    "stop_after_checkpoint FROM topologies ORDER BY name";
constexpr const char* kLoadElements =
    "SELECT topology, name, plan_json, node, state, pid, restarts, last_exit, endpoints_json, "
    "ended_links_json, error FROM elements ORDER BY topology, name";
constexpr const char* kLoadShards =
    "SELECT topology, name, next_id, members_json, route_json, change_json, requests_from FROM shards "
    "ORDER BY topology, name";
// Two texts rather than "? = '' OR topology = ?", which would hide the index.
constexpr const char* kEventsOfAll =
    "SELECT unix_ms, topology, element, what FROM "
    "(SELECT * FROM events ORDER BY id DESC LIMIT ?) ORDER BY id";
constexpr const char* kEventsOfTopology =
    "SELECT unix_ms, topology, element, what FROM "
    "(SELECT * FROM events WHERE topology = ? ORDER BY id DESC LIMIT ?) ORDER BY id";

Status ReadSchemaVersion(sqlite3* db, int* version) {
  return ReadAll(db, "PRAGMA user_version", "reading the schema version",
                 [&](sqlite3_stmt* row) { *version = sqlite3_column_int(row, 0); });
}

Status RefuseNewer(sqlite3* db, int version) {
  if (version <= kSchemaVersion) return Status::OK();
  const char* file = sqlite3_db_filename(db, "main");
  return Status::Invalid(fmt::format("registry {} has schema version {}; this master knows versions up to {}",
                                     file && *file ? file : ":memory:", version, kSchemaVersion));
}

// In one write transaction, so that two masters opening a new file at once
// neither both create it nor see it half made.
Status CreateSchema(sqlite3* db) {
  Status status = Exec(db, "BEGIN IMMEDIATE", "starting the schema transaction");
  if (!status.ok()) return status;
  int version = 0;
  status = ReadSchemaVersion(db, &version);
  if (status.ok()) status = RefuseNewer(db, version);
  if (status.ok() && version == 0) {
    status = Exec(db,
                  fmt::format(kCreateSchema, fmt::arg("max", kMaxEvents), fmt::arg("dropped", kEventsDroppedAtOnce),
                              fmt::arg("shards", kCreateShards), fmt::arg("checkpoints", kCreateCheckpoints),
                              fmt::arg("version", kSchemaVersion))
                      .c_str(),
                  "creating the schema");
  } else if (status.ok() && version == 1) {
    status =
        Exec(db,
             fmt::format(kMigrateFromVersion1, fmt::arg("shards", kCreateShards),
                         fmt::arg("checkpoints", kCreateCheckpoints), fmt::arg("stop", kAddStopAfterCheckpoint),
                         fmt::arg("version", kSchemaVersion))
                 .c_str(),
             "migrating the schema from version 1");
  } else if (status.ok() && version == 2) {
    status = Exec(db,
                  fmt::format(kMigrateFromVersion2, fmt::arg("checkpoints", kCreateCheckpoints),
                              fmt::arg("stop", kAddStopAfterCheckpoint), fmt::arg("version", kSchemaVersion))
                      .c_str(),
                  "migrating the schema from version 2");
  } else if (status.ok() && version == 3) {
    status = Exec(db,
                  fmt::format(kMigrateFromVersion3, fmt::arg("checkpoints", kCreateCheckpoints),
                              fmt::arg("stop", kAddStopAfterCheckpoint), fmt::arg("version", kSchemaVersion))
                      .c_str(),
                  "migrating the schema from version 3");
  } else if (status.ok() && version == 4) {
    status = Exec(db,
                  fmt::format(kMigrateFromVersion4, fmt::arg("stop", kAddStopAfterCheckpoint),
                              fmt::arg("version", kSchemaVersion))
                      .c_str(),
                  "migrating the schema from version 4");
  }
  if (status.ok()) status = Exec(db, "COMMIT", "committing the schema");
  if (!status.ok()) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return status;
}

}  // namespace

Status RegistryStore::Open(const std::string& path, std::unique_ptr<RegistryStore>* out) {
  if (path != ":memory:") {
    std::filesystem::path folder = std::filesystem::path(path).parent_path();
    std::error_code error;
    if (!folder.empty()) std::filesystem::create_directories(folder, error);
    if (error) {
      return Status::IOError(fmt::format("registry {}: creating {}: {}", path, folder.string(), error.message()));
    }
    // A new registry is its owner's alone: plans hold secret parameters'
    // values (a restarted master respawns elements from them). SQLite makes
    // its -wal and -shm files with the same mode. An existing file keeps
    // the mode its operator gave it.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
    else if (errno != EEXIST)
      return Status::IOError(fmt::format("registry {}: creating: {}", path, std::strerror(errno)));
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  // From here the store owns the handle, which must be closed even when
  // opening failed.
  std::unique_ptr<RegistryStore> store(new RegistryStore(db));
  if (rc != SQLITE_OK) {
    return Status::IOError(fmt::format("registry {}: opening: {}", path, db ? sqlite3_errmsg(db) : "out of memory"));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // The version first: a newer master's file is refused before anything,
  // its journal mode included, is written to it. A file that is not a
  // database fails here too.
  int version = 0;
  Status status = ReadSchemaVersion(db, &version);
  if (status.ok()) status = RefuseNewer(db, version);
  // WAL: a reader (`datablox status` on the same file) never blocks the
  // master. NORMAL: a power cut may lose the last changes, never the file.
  if (status.ok()) status = Exec(db, "PRAGMA journal_mode=WAL", "setting journal_mode=WAL");
  if (status.ok()) status = Exec(db, "PRAGMA synchronous=NORMAL", "setting synchronous=NORMAL");
  if (status.ok()) status = CreateSchema(db);
  if (status.ok()) status = Prepare(db, kSaveTopology, &store->save_topology_, "preparing SaveTopology");
  if (status.ok()) status = Prepare(db, kSaveElement, &store->save_element_, "preparing SaveElement");
  if (status.ok()) status = Prepare(db, kSaveShard, &store->save_shard_, "preparing SaveShard");
  if (status.ok()) status = Prepare(db, kAddEvent, &store->add_event_, "preparing AddEvent");
  if (!status.ok()) return status;
  *out = std::move(store);
  return Status::OK();
}

RegistryStore::~RegistryStore() {
  sqlite3_finalize(save_topology_);
  sqlite3_finalize(save_element_);
  sqlite3_finalize(save_shard_);
  sqlite3_finalize(add_event_);
  sqlite3_close_v2(db_);
}

Status RegistryStore::SaveTopology(const TopologyRow& row) {
  BindText(save_topology_, 1, row.name);
  BindText(save_topology_, 2, row.file);
  BindText(save_topology_, 3, row.text);
  BindText(save_topology_, 4, row.search_path_json);
  BindText(save_topology_, 5, row.state);
  BindText(save_topology_, 6, row.failure);
  sqlite3_bind_int64(save_topology_, 7, row.submitted_unix_ms);
  BindText(save_topology_, 8, row.absolute_paths_json);
  sqlite3_bind_int(save_topology_, 9, row.stop_after_checkpoint ? 1 : 0);
  return Run(db_, save_topology_, [&] { return fmt::format("saving topology {}", row.name); });
}

Status RegistryStore::SaveElement(const ElementRow& row) {
  BindText(save_element_, 1, row.topology);
  BindText(save_element_, 2, row.name);
  BindText(save_element_, 3, row.plan_json);
  BindText(save_element_, 4, row.node);
  BindText(save_element_, 5, row.state);
  sqlite3_bind_int(save_element_, 6, row.pid);
  sqlite3_bind_int(save_element_, 7, row.restarts);
  BindText(save_element_, 8, row.last_exit);
  BindText(save_element_, 9, row.endpoints_json);
  BindText(save_element_, 10, row.ended_links_json);
  BindText(save_element_, 11, row.error);
  return Run(db_, save_element_, [&] { return fmt::format("saving element {}.{}", row.topology, row.name); });
}

Status RegistryStore::SaveShard(const ShardRow& row) {
  BindText(save_shard_, 1, row.topology);
  BindText(save_shard_, 2, row.name);
  sqlite3_bind_int(save_shard_, 3, row.next_id);
  BindText(save_shard_, 4, row.members_json);
  BindText(save_shard_, 5, row.route_json);
  BindText(save_shard_, 6, row.change_json);
  sqlite3_bind_int64(save_shard_, 7, static_cast<sqlite3_int64>(row.requests_from));
  return Run(db_, save_shard_, [&] { return fmt::format("saving shard {}.{}", row.topology, row.name); });
}

Status RegistryStore::RemoveElement(const std::string& topology, const std::string& name) {
  Statement remove;
  std::string operation = fmt::format("removing element {}.{}", topology, name);
  Status status = Prepare(db_, "DELETE FROM elements WHERE topology = ? AND name = ?", &remove.stmt, operation);
  if (!status.ok()) return status;
  BindText(remove.stmt, 1, topology);
  BindText(remove.stmt, 2, name);
  return Run(db_, remove.stmt, [&] { return operation; });
}

Status RegistryStore::RemoveTopology(const std::string& name) {
  std::string operation = fmt::format("removing topology {}", name);
  Status status = Exec(db_, "BEGIN IMMEDIATE", operation);
  if (!status.ok()) return status;
  for (const char* sql : {"DELETE FROM elements WHERE topology = ?", "DELETE FROM shards WHERE topology = ?",
                          "DELETE FROM checkpoints WHERE topology = ?", "DELETE FROM snapshots WHERE topology = ?",
                          "DELETE FROM topologies WHERE name = ?"}) {
    Statement remove;
    if (status.ok()) status = Prepare(db_, sql, &remove.stmt, operation);
    if (!status.ok()) break;
    BindText(remove.stmt, 1, name);
    status = Run(db_, remove.stmt, [&] { return operation; });
  }
  if (status.ok()) status = Exec(db_, "COMMIT", operation);
  if (!status.ok()) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return status;
}

Status RegistryStore::AddEvent(const EventRow& row) {
  sqlite3_bind_int64(add_event_, 1, row.unix_ms);
  BindText(add_event_, 2, row.topology);
  BindText(add_event_, 3, row.element);
  BindText(add_event_, 4, row.what);
  return Run(db_, add_event_, [] { return "adding an event"; });
}

Status RegistryStore::Load(std::vector<TopologyRow>* topologies, std::vector<ElementRow>* elements) const {
  topologies->clear();
  elements->clear();
  Status status = ReadAll(db_, kLoadTopologies, "loading topologies", [&](sqlite3_stmt* stmt) {
    TopologyRow& row = topologies->emplace_back();
    row.name = ColumnText(stmt, 0);
    row.file = ColumnText(stmt, 1);
    row.text = ColumnText(stmt, 2);
    row.search_path_json = ColumnText(stmt, 3);
    row.state = ColumnText(stmt, 4);
    row.failure = ColumnText(stmt, 5);
    row.submitted_unix_ms = sqlite3_column_int64(stmt, 6);
    row.absolute_paths_json = ColumnText(stmt, 7);
    row.stop_after_checkpoint = sqlite3_column_int(stmt, 8) != 0;
  });
  if (!status.ok()) return status;
  return ReadAll(db_, kLoadElements, "loading elements", [&](sqlite3_stmt* stmt) {
    ElementRow& row = elements->emplace_back();
    row.topology = ColumnText(stmt, 0);
    row.name = ColumnText(stmt, 1);
    row.plan_json = ColumnText(stmt, 2);
    row.node = ColumnText(stmt, 3);
    row.state = ColumnText(stmt, 4);
    row.pid = sqlite3_column_int(stmt, 5);
    row.restarts = sqlite3_column_int(stmt, 6);
    row.last_exit = ColumnText(stmt, 7);
    row.endpoints_json = ColumnText(stmt, 8);
    row.ended_links_json = ColumnText(stmt, 9);
    row.error = ColumnText(stmt, 10);
  });
}

Status RegistryStore::LoadShards(std::vector<ShardRow>* shards) const {
  shards->clear();
  return ReadAll(db_, kLoadShards, "loading shards", [&](sqlite3_stmt* stmt) {
    ShardRow& row = shards->emplace_back();
    row.topology = ColumnText(stmt, 0);
    row.name = ColumnText(stmt, 1);
    row.next_id = sqlite3_column_int(stmt, 2);
    row.members_json = ColumnText(stmt, 3);
    row.route_json = ColumnText(stmt, 4);
    row.change_json = ColumnText(stmt, 5);
    row.requests_from = static_cast<uint64_t>(sqlite3_column_int64(stmt, 6));
  });
}

Status RegistryStore::Events(const std::string& topology, int limit, std::vector<EventRow>* events) const {
  events->clear();
  if (limit < 0) return Status::Invalid(fmt::format("registry events: limit {} is negative", limit));
  Statement query;
  Status status = Prepare(db_, topology.empty() ? kEventsOfAll : kEventsOfTopology, &query.stmt, "reading events");
  if (!status.ok()) return status;
  if (topology.empty()) {
    sqlite3_bind_int(query.stmt, 1, limit);
  } else {
    BindText(query.stmt, 1, topology);
    sqlite3_bind_int(query.stmt, 2, limit);
  }
  return ForEachRow(db_, query.stmt, "reading events", [&](sqlite3_stmt* stmt) {
    EventRow& row = events->emplace_back();
    row.unix_ms = sqlite3_column_int64(stmt, 0);
    row.topology = ColumnText(stmt, 1);
    row.element = ColumnText(stmt, 2);
    row.what = ColumnText(stmt, 3);
  });
}

}  // namespace datablox
