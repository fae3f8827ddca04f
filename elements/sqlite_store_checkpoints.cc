// SqliteStore in a checkpointed topology: its snapshot is the table's
// newest rowid at the barrier, and a rollback deletes the rows after it
// (rowids only grow), so what comes again is stored once. A rollback to
// the start keeps the rows an earlier run left: those up to the newest
// rowid at the first start.
#include <fmt/format.h>
#include <sqlite3.h>

#include "sqlite_query.h"
#include "sqlite_store.h"

namespace datablox {

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

Status SqliteStore::snapshot(std::string* state) {
  int64_t rowid = 0;
  Status st = NewestRowid(&rowid);
  if (!st.ok()) return st;
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
  return DeleteRowsAfter(rowid);
}

}  // namespace datablox
