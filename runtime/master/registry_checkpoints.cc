// The registry's checkpoints and their snapshots (registry_store.h).
#include <fmt/format.h>
#include <sqlite3.h>

#include "runtime/master/registry_sql.h"
#include "runtime/master/registry_store.h"

namespace datablox {
namespace {

using namespace registry_sql;

constexpr const char* kSaveCheckpoint =
    "INSERT INTO checkpoints(topology, id, state, started_unix_ms, duration_ms, bytes, taken, elements, why) "
    "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(topology, id) DO UPDATE SET state = excluded.state, "
    "started_unix_ms = excluded.started_unix_ms, duration_ms = excluded.duration_ms, bytes = excluded.bytes, "
    "taken = excluded.taken, elements = excluded.elements, why = excluded.why";
constexpr const char* kSaveSnapshot =
    "INSERT OR REPLACE INTO snapshots(topology, checkpoint, element, state) VALUES(?, ?, ?, ?)";
// The snapshots of every complete checkpoint older than the newest `keep`.
constexpr const char* kPruneSnapshots =
    "DELETE FROM snapshots WHERE topology = ?1 AND checkpoint < (SELECT coalesce(min(id), 0) FROM "
    "(SELECT id FROM checkpoints WHERE topology = ?1 AND state = 'complete' ORDER BY id DESC LIMIT ?2))";
constexpr const char* kPruneHistory =
    "DELETE FROM checkpoints WHERE topology = ?1 AND id < (SELECT coalesce(min(id), 0) FROM "
    "(SELECT id FROM checkpoints WHERE topology = ?1 ORDER BY id DESC LIMIT ?2))";
constexpr const char* kLoadCheckpoints =
    "SELECT id, state, started_unix_ms, duration_ms, bytes, taken, elements, why FROM checkpoints "
    "WHERE topology = ? ORDER BY id";
constexpr const char* kLoadSnapshot =
    "SELECT state FROM snapshots WHERE topology = ? AND checkpoint = ? AND element = ?";

}  // namespace

Status RegistryStore::SaveCheckpoint(const CheckpointRow& row, const std::map<std::string, std::string>& snapshots,
                                     int keep_complete) {
  const std::string operation = fmt::format("saving checkpoint {} of {}", row.id, row.topology);
  Status status = Exec(db_, "BEGIN IMMEDIATE", operation);
  if (!status.ok()) return status;
  auto run = [&](const char* sql, auto bind) {
    if (!status.ok()) return;
    Statement statement;
    status = Prepare(db_, sql, &statement.stmt, operation);
    if (!status.ok()) return;
    bind(statement.stmt);
    status = Run(db_, statement.stmt, [&] { return operation; });
  };
  run(kSaveCheckpoint, [&](sqlite3_stmt* stmt) {
    BindText(stmt, 1, row.topology);
    sqlite3_bind_int64(stmt, 2, static_cast<sqlite3_int64>(row.id));
    BindText(stmt, 3, row.state);
    sqlite3_bind_int64(stmt, 4, row.started_unix_ms);
    sqlite3_bind_int64(stmt, 5, row.duration_ms);
    sqlite3_bind_int64(stmt, 6, static_cast<sqlite3_int64>(row.bytes));
    sqlite3_bind_int(stmt, 7, row.taken);
    sqlite3_bind_int(stmt, 8, row.elements);
    BindText(stmt, 9, row.why);
  });
  for (const auto& [element, state] : snapshots) {
    run(kSaveSnapshot, [&](sqlite3_stmt* stmt) {
      BindText(stmt, 1, row.topology);
      sqlite3_bind_int64(stmt, 2, static_cast<sqlite3_int64>(row.id));
      BindText(stmt, 3, element);
      sqlite3_bind_blob64(stmt, 4, state.data(), state.size(), SQLITE_STATIC);
    });
  }
  run(kPruneSnapshots, [&](sqlite3_stmt* stmt) {
    BindText(stmt, 1, row.topology);
    sqlite3_bind_int(stmt, 2, keep_complete);
  });
  run(kPruneHistory, [&](sqlite3_stmt* stmt) {
    BindText(stmt, 1, row.topology);
    sqlite3_bind_int(stmt, 2, kCheckpointHistory);
  });
  if (status.ok()) status = Exec(db_, "COMMIT", operation);
  if (!status.ok()) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return status;
}

Status RegistryStore::LoadCheckpoints(const std::string& topology, std::vector<CheckpointRow>* rows) const {
  rows->clear();
  Statement query;
  Status status = Prepare(db_, kLoadCheckpoints, &query.stmt, "reading checkpoints");
  if (!status.ok()) return status;
  BindText(query.stmt, 1, topology);
  return ForEachRow(db_, query.stmt, "reading checkpoints", [&](sqlite3_stmt* stmt) {
    CheckpointRow& row = rows->emplace_back();
    row.topology = topology;
    row.id = static_cast<uint64_t>(sqlite3_column_int64(stmt, 0));
    row.state = ColumnText(stmt, 1);
    row.started_unix_ms = sqlite3_column_int64(stmt, 2);
    row.duration_ms = sqlite3_column_int64(stmt, 3);
    row.bytes = static_cast<uint64_t>(sqlite3_column_int64(stmt, 4));
    row.taken = sqlite3_column_int(stmt, 5);
    row.elements = sqlite3_column_int(stmt, 6);
    row.why = ColumnText(stmt, 7);
  });
}

Status RegistryStore::LoadSnapshot(const std::string& topology, uint64_t checkpoint, const std::string& element,
                                   std::string* state) const {
  Statement query;
  const std::string operation = fmt::format("reading the snapshot of {} in checkpoint {}", element, checkpoint);
  Status status = Prepare(db_, kLoadSnapshot, &query.stmt, operation);
  if (!status.ok()) return status;
  BindText(query.stmt, 1, topology);
  sqlite3_bind_int64(query.stmt, 2, static_cast<sqlite3_int64>(checkpoint));
  BindText(query.stmt, 3, element);
  bool found = false;
  status = ForEachRow(db_, query.stmt, operation, [&](sqlite3_stmt* stmt) {
    found = true;
    const void* blob = sqlite3_column_blob(stmt, 0);
    state->assign(blob ? static_cast<const char*>(blob) : "", static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
  });
  if (status.ok() && !found) {
    return Status::NotFound(fmt::format("{} of {}: no snapshot kept for checkpoint {}", element, topology, checkpoint));
  }
  return status;
}

}  // namespace datablox
