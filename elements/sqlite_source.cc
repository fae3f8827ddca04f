#include "sqlite_source.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <limits>

#include "sqlite_query.h"

namespace datablox {

ClassSpec SqliteSource::spec() {
  return ClassSpec("SqliteSource", "emits one log per row of a SQLite table, in the order of its key")
      .describe(
          "Reads TABLE of the database at PATH (read-only) in ascending KEY order (rowid unless "
          "told: an INTEGER column that only grows), BATCH rows per query, each row a log whose "
          "fields are its columns (integers, floats, text, blobs as bytes, NULL as nil; the key "
          "itself too when it is a column). Ends after the last row there was. In a checkpointed "
          "topology its position is the key of the last row emitted: a rollback reads on from "
          "the row after it, so no row is emitted twice.")
      .push_out("out")
      .param_string("path", "the SQLite database file")
      .param_string("table", "the table to read")
      .param_string("key", "rowid",
                    "the column rows are read in the order of: rowid, or an INTEGER column that only grows")
      .param_int("batch", 1000, "rows per query")
      .handler("rows", "rows emitted (by this process)")
      .handler("position", "the key of the last row emitted");
}

Status SqliteSource::configure(const Params& params) {
  Status st = params.read("path", path_).read("table", table_).read("key", key_).read("batch", batch_).status();
  if (!st.ok()) return st;
  if (table_.empty()) return Status::Invalid("table must not be empty");
  if (key_.empty()) return Status::Invalid("key must not be empty");
  if (batch_ < 1) return Status::Invalid("batch must be >= 1");
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return Status::IOError(fmt::format("cannot open '{}': {}", path_, db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }
  sqlite3_busy_timeout(db_, 5000);
  add_read_handler("rows", [this] { return std::to_string(rows_); });
  add_read_handler("position", [this] { return std::to_string(last_key_); });
  return Status::OK();
}

Status SqliteSource::start() {
  // The key first, as the position; the row's own columns after it.
  const std::string key = key_ == "rowid" ? "rowid" : QuoteSqlName(key_);
  const std::string sql = fmt::format("SELECT {0}, * FROM {1} WHERE {0} > ? ORDER BY {0} LIMIT ?", key,
                                      QuoteSqlName(table_));
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &next_rows_, nullptr) != SQLITE_OK) {
    return Status::Invalid(fmt::format("'{}' table '{}' key '{}': {}", path_, table_, key_, sqlite3_errmsg(db_)));
  }
  if (!started_from_restore_) last_key_ = std::numeric_limits<int64_t>::min();
  return Status::OK();
}

Production SqliteSource::produce() {
  sqlite3_reset(next_rows_);
  sqlite3_bind_int64(next_rows_, 1, last_key_);
  sqlite3_bind_int64(next_rows_, 2, batch_);
  int64_t read = 0;
  int rc;
  const int columns = sqlite3_column_count(next_rows_);
  while ((rc = sqlite3_step(next_rows_)) == SQLITE_ROW) {
    if (sqlite3_column_type(next_rows_, 0) != SQLITE_INTEGER) {
      fail(Status::Invalid(fmt::format("table '{}': key '{}' is not an integer in row {}", table_, key_, rows_ + 1)));
      return Production::Done();
    }
    row_.clear();
    for (int i = 1; i < columns; ++i) {
      AddSqliteValue(sqlite3_column_name(next_rows_, i), sqlite3_column_value(next_rows_, i), &row_);
    }
    // The position moves before the emit: a snapshot between two produce()
    // calls has this row before its barrier.
    last_key_ = sqlite3_column_int64(next_rows_, 0);
    emit(row_);
    ++rows_;
    ++read;
  }
  if (rc != SQLITE_DONE) {
    fail(Status::IOError(fmt::format("reading '{}' table '{}': {}", path_, table_, sqlite3_errmsg(db_))));
    return Production::Done();
  }
  return read < batch_ ? Production::Done() : Production::More();
}

void SqliteSource::stop() {
  sqlite3_finalize(next_rows_);
  next_rows_ = nullptr;
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

Status SqliteSource::snapshot(std::string* state) {
  LogBuilder position;
  position.add_int("key", last_key_);
  state->assign(position.bytes());
  return Status::OK();
}

Status SqliteSource::restore(std::string_view state) {
  started_from_restore_ = !state.empty();
  if (state.empty()) return Status::OK();
  OwnedLog position{std::string(state)};
  const Value key = position.log().get("key");
  if (!position.log().valid() || key.type() != ValueType::kInt) {
    return Status::Invalid("a SqliteSource snapshot holds {\"key\": N}");
  }
  last_key_ = key.as_int();
  return Status::OK();
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::SqliteSource)
