#include "sqlite_source.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cctype>
#include <limits>

#include "sqlite_query.h"

namespace datablox {

ClassSpec SqliteSource::spec() {
  return ClassSpec("SqliteSource", "emits one log per row of a SQLite table or query, in the order of its key")
      .describe(
          "Reads TABLE of the database at PATH (read-only) in ascending KEY order (rowid unless "
          "told: an INTEGER column that only grows), BATCH rows per query, each row a log whose "
          "fields are its columns (integers, floats, text, blobs as bytes, NULL as nil; the key "
          "itself too when it is a column). Instead of a table, QUERY (a SELECT) is read as "
          "SELECT * FROM (QUERY) WHERE KEY > ? ORDER BY KEY LIMIT BATCH: a filter, a join or "
          "computed columns, with KEY a column of its result (a query has no rowid, so key must "
          "be given) whose integers are unique and only grow; the query is prepared at configure, "
          "so bad SQL or an unknown key column fails the element before it starts. Give exactly "
          "one of table and query. Ends after the last row there was. In a checkpointed "
          "topology its position is the key of the last row emitted: a rollback reads on from "
          "the row after it, so no row is emitted twice (a query must give the same rows for "
          "the same keys when it runs again).")
      .push_out("out")
      .param_string("path", "the SQLite database file")
      .param_string("table", "", "the table to read (or give query)")
      .param_string("query", "", "a SELECT statement to read instead of a table (then key is required)")
      .param_string("key", "rowid",
                    "the column rows are read in the order of: rowid, or an INTEGER column that only grows "
                    "(with query: a column of its result)")
      .param_int("batch", 1000, "rows per query")
      .handler("rows", "rows emitted (by this process)")
      .handler("position", "the key of the last row emitted");
}

std::string SqliteSource::Origin() const {
  return table_.empty() ? "query" : fmt::format("table '{}'", table_);
}

Status SqliteSource::configure(const Params& params) {
  Status st = params.read("path", path_)
                  .read("table", table_)
                  .read("query", query_)
                  .read("key", key_)
                  .read("batch", batch_)
                  .status();
  if (!st.ok()) return st;
  // A query's trailing ';' would end the statement it is wrapped in.
  while (!query_.empty() && (std::isspace(static_cast<unsigned char>(query_.back())) || query_.back() == ';')) {
    query_.pop_back();
  }
  if (table_.empty() == query_.empty()) {
    return Status::Invalid(table_.empty() ? "give table (the table to read) or query (a SELECT to read)"
                                          : "give table or query, not both");
  }
  if (key_.empty()) return Status::Invalid("key must not be empty");
  if (batch_ < 1) return Status::Invalid("batch must be >= 1");
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return Status::IOError(fmt::format("cannot open '{}': {}", path_, db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }
  sqlite3_busy_timeout(db_, 5000);
  // Without this, SQLite reads an unknown "key" as the string 'key': every
  // row would compare greater than the position, and no error would say why.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
  st = Prepare();  // here, not at start: bad SQL fails the element before anything runs
  if (!st.ok()) return st;
  add_read_handler("rows", [this] { return std::to_string(rows_); });
  add_read_handler("position", [this] { return std::to_string(last_key_); });
  return Status::OK();
}

Status SqliteSource::Prepare() {
  std::string from = QuoteSqlName(table_);
  if (!query_.empty()) {
    from = fmt::format("({})", query_);
    // A subquery's rowid is NULL, not an error: a key that is not a column
    // of the result would read no row at all. So it must be one.
    sqlite3_stmt* probe = nullptr;
    const std::string sql = fmt::format("SELECT * FROM {}", from);
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &probe, &tail) != SQLITE_OK) {
      return Status::Invalid(fmt::format("'{}' query: {}", path_, sqlite3_errmsg(db_)));
    }
    // SQLite prepares the first statement and leaves the rest unread: a
    // second one would be ignored without a word.
    if (tail && std::string_view(tail).find_first_not_of(" \t\r\n") != std::string_view::npos) {
      sqlite3_finalize(probe);
      return Status::Invalid(fmt::format("'{}' query: must be one SELECT statement, not several", path_));
    }
    bool found = false;
    std::string columns;
    for (int i = 0; i < sqlite3_column_count(probe); ++i) {
      const char* name = sqlite3_column_name(probe, i);
      found = found || sqlite3_stricmp(name, key_.c_str()) == 0;
      columns += fmt::format("{}'{}'", i ? ", " : "", name);
    }
    sqlite3_finalize(probe);
    if (!found && key_ == "rowid") {
      return Status::Invalid(fmt::format(
          "'{}' query: with query, key must be given: a column of the query's result (a query has no rowid); "
          "its columns are {}",
          path_, columns));
    }
    if (!found) {
      return Status::Invalid(
          fmt::format("'{}' query: key '{}' is not a column of the query's result ({})", path_, key_, columns));
    }
  }
  // The key first, as the position; the row's own columns after it.
  const std::string key = table_.empty() || key_ != "rowid" ? QuoteSqlName(key_) : "rowid";
  const std::string sql = fmt::format("SELECT {0}, * FROM {1} WHERE {0} > ? ORDER BY {0} LIMIT ?", key, from);
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &next_rows_, nullptr) != SQLITE_OK) {
    return Status::Invalid(fmt::format("'{}' {} key '{}': {}", path_, Origin(), key_, sqlite3_errmsg(db_)));
  }
  return Status::OK();
}

Status SqliteSource::start() {
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
      fail(Status::Invalid(fmt::format("{}: key '{}' is not an integer in row {}", Origin(), key_, rows_ + 1)));
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
    fail(Status::IOError(fmt::format("reading '{}' {}: {}", path_, Origin(), sqlite3_errmsg(db_))));
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
