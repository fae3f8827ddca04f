// SqliteStore in a checkpointed topology: its snapshot is the table's
// newest rowid at the barrier, and a rollback deletes the rows after it
// (rowids only grow), so what comes again is stored once. A rollback to
// the start keeps the rows an earlier run left: those up to the newest
// rowid at the first start.
//
// The two-phase commit a reader sees: a snapshot commits a row of
// datablox_checkpoints with that rowid (phase one: prepared, every batch
// before the barrier is committed already, each in its own transaction);
// on_checkpoint_complete marks it complete (phase two). View
// TABLE_committed shows the rows up to the newest complete checkpoint's
// rowid. The master rolls back to its last complete checkpoint, never to
// an older one, so no row the view showed is ever deleted. The start is
// checkpoint 0, complete: the rows an earlier run left are final. The end
// of the input is checkpoint kEndCheckpoint, complete: after it nothing is
// rolled back but by a rollback to a checkpoint this store took before it
// ended (which deletes that row too).
#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <limits>

#include "sqlite_query.h"
#include "sqlite_store.h"

namespace datablox {
namespace {

// Greater than any checkpoint id the master hands out: the newest, always.
constexpr uint64_t kEndCheckpoint = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
// Complete checkpoints kept after a prune: only the newest counts (the view
// and a rollback use it); the few before it say how the commits went.
constexpr int kKeptComplete = 3;

// A string as an SQL literal: 'text', with ' doubled (a view's definition
// holds no parameters).
std::string QuoteSqlText(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    quoted += c;
    if (c == '\'') quoted += c;
  }
  return quoted + "'";
}

int64_t UnixMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

// Checkpointed: the table of checkpoints, this run's start in it, and the
// view. Not: an earlier checkpointed run's checkpoints and view go, as its
// positions do; this run commits by no checkpoint, and a view left behind
// would hide every row it stores.
Status SqliteStore::SetUpCheckpoints() {
  checkpointed_ = checkpointed();
  add_read_handler("committed", [this] { return std::to_string(committed_rowid_); });
  const std::string tbl = QuoteSqlText(table_);
  if (!checkpointed_) {
    if (restarted()) return Status::OK();
    int64_t kept = 0;
    sqlite3_stmt* stmt = nullptr;
    const std::string sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?";
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
    }
    sqlite3_bind_text(stmt, 1, kCheckpointsTable, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) == SQLITE_ROW) kept = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    if (kept == 0) return Status::OK();  // never checkpointed: the file stays as it was
    Status st = Exec("BEGIN IMMEDIATE");
    if (st.ok()) st = Exec(fmt::format("DELETE FROM {} WHERE tbl = {}", kCheckpointsTable, tbl));
    if (st.ok()) st = Exec(fmt::format("DROP VIEW IF EXISTS {}", QuoteSqlName(table_ + "_committed")));
    if (st.ok()) st = Exec("COMMIT");
    if (!st.ok()) (void)Exec("ROLLBACK");
    return st;
  }
  Status st = Exec(fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (tbl TEXT NOT NULL, checkpoint INTEGER NOT NULL, rowid INTEGER NOT NULL, "
      "complete INTEGER NOT NULL, unix_ms INTEGER NOT NULL, PRIMARY KEY (tbl, checkpoint))",
      kCheckpointsTable));
  if (!st.ok()) return st;
  if (!restarted()) {
    // An earlier run's checkpoint ids are not this run's: a new master
    // numbers from 1 again, and its complete ones would commit our rows.
    st = Exec("BEGIN IMMEDIATE");
    if (st.ok()) st = Exec(fmt::format("DELETE FROM {} WHERE tbl = {}", kCheckpointsTable, tbl));
    if (st.ok()) st = RecordCheckpoint(0, start_rowid_, /*complete=*/true);
    if (st.ok()) st = Exec("COMMIT");
    if (!st.ok()) {
      (void)Exec("ROLLBACK");
      return st;
    }
  }
  st = EnsureCommittedView();
  return st.ok() ? LoadCommitted() : st;
}

// Made with the table (a view of a table not there yet would break a later
// ALTER TABLE of the file), its columns those of the table at each read.
Status SqliteStore::EnsureCommittedView() {
  if (!checkpointed_ || !table_exists_) return Status::OK();
  return Exec(fmt::format(
      "CREATE VIEW IF NOT EXISTS {} AS SELECT * FROM {} WHERE rowid <= (SELECT rowid FROM {} WHERE tbl = {} AND "
      "complete = 1 ORDER BY checkpoint DESC LIMIT 1)",
      QuoteSqlName(table_ + "_committed"), QuoteSqlName(table_), kCheckpointsTable, QuoteSqlText(table_)));
}

Status SqliteStore::RecordCheckpoint(uint64_t checkpoint, int64_t rowid, bool complete) {
  const std::string sql = fmt::format(
      "INSERT OR REPLACE INTO {} (tbl, checkpoint, rowid, complete, unix_ms) VALUES (?, ?, ?, ?, ?)",
      kCheckpointsTable);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
  }
  sqlite3_bind_text(stmt, 1, table_.data(), static_cast<int>(table_.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(checkpoint));
  sqlite3_bind_int64(stmt, 3, rowid);
  sqlite3_bind_int(stmt, 4, complete ? 1 : 0);
  sqlite3_bind_int64(stmt, 5, UnixMs());
  const int rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return Status::IOError(fmt::format("recording checkpoint {}: {}", checkpoint, sqlite3_errmsg(db_)));
  return Status::OK();
}

// What the view shows, for the `committed` handler.
Status SqliteStore::LoadCommitted() {
  const std::string sql = fmt::format(
      "SELECT rowid FROM {} WHERE tbl = ? AND complete = 1 ORDER BY checkpoint DESC LIMIT 1", kCheckpointsTable);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
  }
  sqlite3_bind_text(stmt, 1, table_.data(), static_cast<int>(table_.size()), SQLITE_TRANSIENT);
  const int rc = sqlite3_step(stmt);
  committed_rowid_ = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
  return Status::OK();
}

// The newest rowid at the first start, under the link "" of the positions
// table (stream 0, next = the rowid): a restart reads it back.
Status SqliteStore::LoadStartRowid() {
  if (restarted()) {
    auto it = next_.find("");
    start_rowid_ = it == next_.end() ? 0 : static_cast<int64_t>(it->second.offset);
    next_.erase("");
    return Status::OK();
  }
  Status st = NewestRowid(&start_rowid_);
  if (st.ok()) st = SavePosition("", Next{0, static_cast<uint64_t>(start_rowid_)});
  return st;
}

Status SqliteStore::NewestRowid(int64_t* rowid) {
  *rowid = 0;
  if (!table_exists_) return Status::OK();
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = fmt::format("SELECT coalesce(max(rowid), 0) FROM {}", QuoteSqlName(table_));
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
  }
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) *rowid = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return rc == SQLITE_ROW ? Status::OK() : Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
}

Status SqliteStore::DeleteRowsAfter(int64_t rowid) {
  if (!table_exists_) return Status::OK();
  return Exec(fmt::format("DELETE FROM {} WHERE rowid > {}", QuoteSqlName(table_), rowid));
}

// Phase one. The rowid is read in the transaction that records it, so the
// row says exactly which rows the snapshot holds.
Status SqliteStore::snapshot(std::string* state) {
  int64_t rowid = 0;
  Status st = checkpointed_ ? Exec("BEGIN IMMEDIATE") : Status::OK();
  if (st.ok()) st = NewestRowid(&rowid);
  if (st.ok() && checkpointed_) st = RecordCheckpoint(checkpoint(), rowid, /*complete=*/false);
  if (st.ok() && checkpointed_) st = Exec("COMMIT");
  if (!st.ok()) {
    if (checkpointed_) (void)Exec("ROLLBACK");
    return st;  // fails this checkpoint only
  }
  LogBuilder at;
  at.add("rowid", rowid);
  state->assign(at.bytes());
  return Status::OK();
}

Status SqliteStore::restore(std::string_view state) {
  int64_t rowid = start_rowid_;
  if (!state.empty()) {
    OwnedLog snapshot{std::string(state)};
    const Value at = snapshot.log().get("rowid");
    if (!snapshot.log().valid() || at.type() != ValueType::kInt || at.as_int() < 0) {
      return Status::Invalid("a SqliteStore snapshot holds {\"rowid\": N >= 0}");
    }
    rowid = at.as_int();
  }
  next_.clear();  // the streams of the new epoch are all new
  if (!checkpointed_) return DeleteRowsAfter(rowid);
  // The rows after the checkpoint go with the checkpoints after it (the
  // end's too), and the one rolled back to is complete: the master rolls
  // back to a complete checkpoint only, whether or not its word reached us.
  const uint64_t to = checkpoint();
  Status st = Exec("BEGIN IMMEDIATE");
  if (st.ok()) st = DeleteRowsAfter(rowid);
  if (st.ok()) {
    st = Exec(fmt::format("DELETE FROM {} WHERE tbl = {} AND checkpoint > {}", kCheckpointsTable,
                          QuoteSqlText(table_), to));
  }
  if (st.ok()) st = RecordCheckpoint(to, rowid, /*complete=*/true);
  if (st.ok()) st = Exec("COMMIT");
  if (!st.ok()) {
    (void)Exec("ROLLBACK");
    return st;
  }
  return LoadCommitted();
}

// Phase two: the view moves on to this checkpoint's rows. Older ones that
// never completed (abandoned) are complete too: their rows are below these.
void SqliteStore::on_checkpoint_complete(uint64_t id) {
  if (!checkpointed_) return;
  const std::string tbl = QuoteSqlText(table_);
  Status st = Exec("BEGIN IMMEDIATE");
  if (st.ok()) {
    st = Exec(fmt::format("UPDATE {} SET complete = 1 WHERE tbl = {} AND checkpoint <= {} AND complete = 0",
                          kCheckpointsTable, tbl, id));
  }
  if (st.ok()) {
    st = Exec(fmt::format(
        "DELETE FROM {0} WHERE tbl = {1} AND complete = 1 AND checkpoint NOT IN "
        "(SELECT checkpoint FROM {0} WHERE tbl = {1} AND complete = 1 ORDER BY checkpoint DESC LIMIT {2})",
        kCheckpointsTable, tbl, kKeptComplete));
  }
  if (st.ok()) st = Exec("COMMIT");
  if (st.ok()) st = LoadCommitted();
  if (!st.ok()) {
    (void)Exec("ROLLBACK");
    fail(st);  // a store that cannot say what it committed must not pretend to: the rollback records it again
  }
}

// Every row is stored and no more will come: the rows are final, and the
// view shows them all.
void SqliteStore::on_inputs_ended() {
  if (!checkpointed_) return;
  int64_t rowid = 0;
  Status st = NewestRowid(&rowid);
  if (st.ok()) st = RecordCheckpoint(kEndCheckpoint, rowid, /*complete=*/true);
  if (st.ok()) st = LoadCommitted();
  if (!st.ok()) fail(st);
}

}  // namespace datablox
