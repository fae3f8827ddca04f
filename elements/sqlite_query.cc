#include "sqlite_query.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cctype>
#include <cstring>

#include "datablox/shard.h"

namespace datablox {

std::string QuoteSqlName(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

void BindSqliteValue(sqlite3_stmt* stmt, int index, const Value& value) {
  switch (value.type()) {
    case ValueType::kMissing:
    case ValueType::kNil: sqlite3_bind_null(stmt, index); break;
    case ValueType::kBool: sqlite3_bind_int(stmt, index, value.as_bool() ? 1 : 0); break;
    case ValueType::kInt: sqlite3_bind_int64(stmt, index, value.as_int()); break;
    case ValueType::kFloat: sqlite3_bind_double(stmt, index, value.as_float()); break;
    case ValueType::kString: {
      std::string_view s = value.as_string();
      sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      break;
    }
    case ValueType::kBytes: {
      std::string_view b = value.as_bytes();
      sqlite3_bind_blob(stmt, index, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
      break;
    }
    case ValueType::kArray:
    case ValueType::kMap: {
      std::string json = value.to_json();
      sqlite3_bind_text(stmt, index, json.data(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
      break;
    }
  }
}

void AddSqliteValue(std::string_view name, sqlite3_value* value, LogBuilder* row) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER: row->add_int(name, sqlite3_value_int64(value)); break;
    case SQLITE_FLOAT: row->add(name, sqlite3_value_double(value)); break;
    case SQLITE_TEXT:
      row->add(name, std::string_view(reinterpret_cast<const char*>(sqlite3_value_text(value)),
                                      static_cast<size_t>(sqlite3_value_bytes(value))));
      break;
    case SQLITE_BLOB:
      row->add_bytes(name, std::string_view(static_cast<const char*>(sqlite3_value_blob(value)),
                                            static_cast<size_t>(sqlite3_value_bytes(value))));
      break;
    default: row->add_nil(name); break;
  }
}

void AddSqliteRow(sqlite3_stmt* stmt, LogBuilder* row) {
  for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
    AddSqliteValue(sqlite3_column_name(stmt, c), sqlite3_column_value(stmt, c), row);
  }
}

std::string SqliteKeyText(sqlite3_value* value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_TEXT:
      return std::string(reinterpret_cast<const char*>(sqlite3_value_text(value)),
                         static_cast<size_t>(sqlite3_value_bytes(value)));
    case SQLITE_NULL: return KeyText(Value());
    default: {
      // Numbers and blobs as KeyText writes the log value they read back as.
      LogBuilder one;
      AddSqliteValue("k", value, &one);
      return KeyText(OwnedLog(std::string(one.bytes())).get("k"));
    }
  }
}

SqliteQuery::~SqliteQuery() {
  if (db_) sqlite3_close(db_);
}

Status SqliteQuery::Open(const std::string& path, Limits limits) {
  limits_ = limits;
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    Status st = Status::IOError(
        fmt::format("cannot open '{}' read-only: {}", path, db_ ? sqlite3_errmsg(db_) : "out of memory"));
    sqlite3_close(db_);
    db_ = nullptr;
    return st;
  }
  sqlite3_busy_timeout(db_, 1000);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_limit(db_, SQLITE_LIMIT_ATTACHED, 0);
  // One value may not outgrow a reply (randomblob(1e9), a huge zeroblob).
  sqlite3_limit(db_, SQLITE_LIMIT_LENGTH, static_cast<int>(limits_.reply_bytes));
  sqlite3_set_authorizer(db_, &SqliteQuery::Authorize, this);
  sqlite3_progress_handler(db_, 1000, &SqliteQuery::Progress, this);
  return Status::OK();
}

// Reading only: SELECT (with CTEs, recursive ones included), the functions
// it calls, and the few pragmas that describe a table. Everything else
// (BEGIN, ATTACH, writes, DDL, other pragmas) fails to prepare.
int SqliteQuery::Authorize(void*, int action, const char* a, const char*, const char*, const char*) {
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE: return SQLITE_OK;
    case SQLITE_PRAGMA:
      for (const char* allowed : {"table_info", "table_xinfo", "index_list", "index_info"}) {
        if (a && sqlite3_stricmp(a, allowed) == 0) return SQLITE_OK;
      }
      return SQLITE_DENY;
    default: return SQLITE_DENY;
  }
}

int SqliteQuery::Progress(void* self) {
  auto* query = static_cast<SqliteQuery*>(self);
  if (std::chrono::steady_clock::now() < query->deadline_) return 0;
  query->timed_out_ = true;
  return 1;  // interrupts the statement: SQLITE_INTERRUPT
}

Status SqliteQuery::Run(std::string_view sql, const Value& params, std::vector<std::string>* rows) {
  if (!db_) return Status::Unavailable("the query connection is not open");
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, &tail) != SQLITE_OK) {
    std::string why = sqlite3_errmsg(db_);
    if (sqlite3_errcode(db_) == SQLITE_AUTH) why = "only read-only statements are answered";
    return Status::Invalid(why);
  }
  if (!stmt) return Status::Invalid("no statement in the request");
  std::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
  for (char c : rest) {
    if (!std::isspace(static_cast<unsigned char>(c)) && c != ';') {
      sqlite3_finalize(stmt);
      return Status::Invalid("one statement per request");
    }
  }
  if (!sqlite3_stmt_readonly(stmt)) {
    sqlite3_finalize(stmt);
    return Status::Invalid("only read-only statements are answered");
  }
  for (size_t i = 0; i < params.size(); ++i) BindSqliteValue(stmt, static_cast<int>(i) + 1, params.at(i));
  deadline_ = std::chrono::steady_clock::now() + limits_.time;
  timed_out_ = false;
  LogBuilder row;
  size_t bytes = 0;
  int rc;
  Status st;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    row.clear();
    AddSqliteRow(stmt, &row);
    bytes += row.bytes().size();
    if (bytes > limits_.reply_bytes) {
      st = Status::Invalid(fmt::format("the reply would exceed {} bytes", limits_.reply_bytes));
      break;
    }
    rows->emplace_back(row.bytes());
  }
  if (st.ok() && timed_out_) {
    st = Status::Timeout(fmt::format("interrupted: the query ran longer than {} ms", limits_.time.count()));
  } else if (st.ok() && rc != SQLITE_DONE) {
    st = Status::Invalid(sqlite3_errmsg(db_));
  }
  sqlite3_finalize(stmt);
  if (!st.ok()) rows->clear();
  return st;
}

}  // namespace datablox
