// The read-only side of SqliteStore: answers SQL a stranger sends on a query
// port without letting it write, attach files, hold a transaction open, or
// keep the element busy for good.
//
// sqlite3_stmt_readonly() alone is no guard: it calls BEGIN and ATTACH
// read-only (neither writes the database file itself), yet an open
// transaction makes the store's next insert fail and ATTACH creates files
// anywhere. So queries run on a connection of their own, opened read-only,
// whose authorizer admits reading only, one statement per request, and whose
// progress handler interrupts a statement that runs past its time limit
// (a WITH RECURSIVE that never ends) or a reply that grows past its size
// limit. Errors are values: the caller answers them as error replies.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/log.h"
#include "datablox/status.h"

struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_value;

namespace datablox {

// A table's or column's name as SQL quotes it: "name", with " doubled.
std::string QuoteSqlName(std::string_view name);
// Binds one log value to a statement parameter (nested values as JSON text).
void BindSqliteValue(sqlite3_stmt* stmt, int index, const Value& value);
// A column's value as a log field: integers, floats, text, blobs as bytes, NULL as nil.
void AddSqliteValue(std::string_view name, sqlite3_value* value, LogBuilder* row);
// The current row of `stmt`, every column a field named as the column.
void AddSqliteRow(sqlite3_stmt* stmt, LogBuilder* row);
// The KeyText (shard.h) of the log value a column's value reads back as:
// the text a hash-routed shard's senders hashed, for a key that SQLite
// stored as it came (a string, an integer, a float in a REAL column, a
// blob, or NULL for a missing key). A boolean key (stored as 0 or 1) or a
// number SQLite converted by the column's affinity reads back as another
// text than its sender hashed.
std::string SqliteKeyText(sqlite3_value* value);

class SqliteQuery {
 public:
  struct Limits {
    std::chrono::milliseconds time{2000};  // per statement, then interrupted
    size_t reply_bytes = 16u << 20;        // the rows' msgpack, all together
  };

  SqliteQuery() = default;
  SqliteQuery(const SqliteQuery&) = delete;
  SqliteQuery& operator=(const SqliteQuery&) = delete;
  ~SqliteQuery();

  // Opens `path` read-only (it must exist: the store creates it first).
  Status Open(const std::string& path, Limits limits);
  // Runs one read-only statement with `params` bound in order; each row is
  // appended to `rows` as one log's msgpack bytes.
  Status Run(std::string_view sql, const Value& params, std::vector<std::string>* rows);

 private:
  static int Authorize(void* self, int action, const char* a, const char* b, const char* db, const char* trigger);
  static int Progress(void* self);

  sqlite3* db_ = nullptr;
  Limits limits_;
  std::chrono::steady_clock::time_point deadline_;
  bool timed_out_ = false;
};

}  // namespace datablox
