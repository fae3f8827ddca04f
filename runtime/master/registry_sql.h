// The SQLite helpers of the registry's files (registry_store.cc,
// registry_checkpoints.cc): private to runtime/master.
#pragma once

#include <fmt/format.h>
#include <sqlite3.h>

#include <string>
#include <string_view>

#include "datablox/status.h"

namespace datablox::registry_sql {

// Names the file, so that a master with several registries (tests) or a
// user reading a log knows which one; ":memory:" has no file name.
inline Status Failure(sqlite3* db, std::string_view operation) {
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  return Status::IOError(fmt::format("registry {}: {}: {}", file && *file ? file : ":memory:", operation,
                                     db ? sqlite3_errmsg(db) : "out of memory"));
}

inline Status Exec(sqlite3* db, const char* sql, std::string_view operation) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Failure(db, operation);
  return Status::OK();
}

// Finalizes on every path out of a const method's one-off query.
struct Statement {
  sqlite3_stmt* stmt = nullptr;
  ~Statement() { sqlite3_finalize(stmt); }
};

inline Status Prepare(sqlite3* db, const char* sql, sqlite3_stmt** stmt, std::string_view operation) {
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr) != SQLITE_OK) {
    return Failure(db, operation);
  }
  return Status::OK();
}

// SQLITE_STATIC: the row outlives the statement's one step (see Run).
inline void BindText(sqlite3_stmt* stmt, int index, const std::string& text) {
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

// Steps a statement that returns no rows, and leaves it ready (and holding
// no pointer into the caller's strings) for the next call. `operation()`
// names what failed; it is called only then, so success formats nothing.
template <typename Operation>
Status Run(sqlite3* db, sqlite3_stmt* stmt, Operation operation) {
  Status status = sqlite3_step(stmt) == SQLITE_DONE ? Status::OK() : Failure(db, operation());
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  return status;
}

// Text of any length, embedded zero bytes included.
inline std::string ColumnText(sqlite3_stmt* stmt, int index) {
  const unsigned char* text = sqlite3_column_text(stmt, index);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, index));
}

// Runs `read_row` on every row; stops at the first error.
template <typename ReadRow>
Status ForEachRow(sqlite3* db, sqlite3_stmt* stmt, std::string_view operation, ReadRow read_row) {
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return Status::OK();
    if (rc != SQLITE_ROW) return Failure(db, operation);
    read_row(stmt);
  }
}

// A one-off query without parameters: `read_row` on each of its rows.
template <typename ReadRow>
Status ReadAll(sqlite3* db, const char* sql, std::string_view operation, ReadRow read_row) {
  Statement query;
  Status status = Prepare(db, sql, &query.stmt, operation);
  return status.ok() ? ForEachRow(db, query.stmt, operation, read_row) : status;
}


}  // namespace datablox::registry_sql
