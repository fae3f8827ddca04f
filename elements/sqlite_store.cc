#include "elements/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace datablox {
namespace {

std::string Quote(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

const char* SqlType(ValueType type) {
  switch (type) {
    case ValueType::kBool:
    case ValueType::kInt: return "INTEGER";
    case ValueType::kFloat: return "REAL";
    case ValueType::kBytes: return "BLOB";
    default: return "TEXT";
  }
}

void Bind(sqlite3_stmt* stmt, int index, const Value& value) {
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

}  // namespace

ClassSpec SqliteStore::spec() {
  return ClassSpec("SqliteStore", "stores every log as a row of a SQLite table; answers read-only SQL")
      .describe("Fields become columns, added as new fields appear; nested values are stored as JSON "
                "text. One transaction per received batch. A request {\"sql\": \"SELECT ...\", "
                "\"params\": [...]} gets {\"rows\": [...], \"count\": N}; writing statements are refused.")
      .push_in("in")
      .push_out("out", {}, /*required=*/false, "the logs stored, once their transaction has committed")
      .query_in("query", /*required=*/false, "read-only SQL")
      .param_string("path", "the database file (created when missing)")
      .param_string("table", "logs", "the table")
      .handler("count", "rows inserted");
}

SqliteStore::~SqliteStore() { stop(); }

Status SqliteStore::Exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    Status st = Status::IOError(fmt::format("{}: {}", sql, error ? error : "unknown error"));
    sqlite3_free(error);
    return st;
  }
  return Status::OK();
}

Status SqliteStore::configure(const Params& params) {
  Status st = params.read("path", path_).read("table", table_).status();
  if (!st.ok()) return st;
  if (table_.empty()) return Status::Invalid("table must not be empty");
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return Status::IOError(fmt::format("cannot open '{}': {}", path_, db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }
  sqlite3_busy_timeout(db_, 5000);
  st = Exec("PRAGMA journal_mode=WAL");
  if (st.ok()) st = Exec("PRAGMA synchronous=NORMAL");
  if (!st.ok()) return st;
  // Columns of a table left by an earlier run.
  sqlite3_stmt* info = nullptr;
  std::string sql = fmt::format("PRAGMA table_info({})", Quote(table_));
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &info, nullptr) == SQLITE_OK) {
    while (sqlite3_step(info) == SQLITE_ROW) {
      columns_.insert(reinterpret_cast<const char*>(sqlite3_column_text(info, 1)));
      table_exists_ = true;
    }
  }
  sqlite3_finalize(info);
  add_read_handler("count", [this] { return std::to_string(count_); });
  return Status::OK();
}

Status SqliteStore::EnsureColumns(const Value& root) {
  for (size_t i = 0; i < root.size(); ++i) {
    std::string_view name = root.key_at(i);
    if (columns_.count(name)) continue;
    std::string column = fmt::format("{} {}", Quote(name), SqlType(root.at(i).type()));
    Status st = table_exists_ ? Exec(fmt::format("ALTER TABLE {} ADD COLUMN {}", Quote(table_), column))
                              : Exec(fmt::format("CREATE TABLE {} ({})", Quote(table_), column));
    if (!st.ok()) return st;
    table_exists_ = true;
    columns_.emplace(name);
  }
  return Status::OK();
}

sqlite3_stmt* SqliteStore::InsertStatement(const Value& root, Status* status) {
  key_.clear();
  for (size_t i = 0; i < root.size(); ++i) {
    key_ += root.key_at(i);
    key_.push_back('\0');
  }
  auto it = inserts_.find(key_);
  if (it != inserts_.end()) return it->second;
  std::string names, marks;
  for (size_t i = 0; i < root.size(); ++i) {
    names += (i ? ", " : "") + Quote(root.key_at(i));
    marks += i ? ", ?" : "?";
  }
  std::string sql = root.size() == 0 ? fmt::format("INSERT INTO {} DEFAULT VALUES", Quote(table_))
                                     : fmt::format("INSERT INTO {} ({}) VALUES ({})", Quote(table_), names, marks);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    *status = Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
    return nullptr;
  }
  inserts_[key_] = stmt;
  return stmt;
}

Status SqliteStore::Insert(const Value& root) {
  Status st = EnsureColumns(root);
  if (!st.ok()) return st;
  sqlite3_stmt* stmt = InsertStatement(root, &st);
  if (!stmt) return st;
  for (size_t i = 0; i < root.size(); ++i) Bind(stmt, static_cast<int>(i) + 1, root.at(i));
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) return Status::IOError(fmt::format("insert into '{}': {}", table_, sqlite3_errmsg(db_)));
  return Status::OK();
}

void SqliteStore::on_batch(int, Batch logs) {
  Status st = Exec("BEGIN");
  for (const Log& log : logs) {
    if (!st.ok()) break;
    if (!log.valid()) {
      reject("not a msgpack map");
      continue;
    }
    st = Insert(log.root());
    if (st.ok()) ++count_;
  }
  if (st.ok()) st = Exec("COMMIT");
  if (!st.ok()) {
    (void)Exec("ROLLBACK");
    fail(st);  // a store that cannot store must not pretend to
    return;
  }
  // Downstream of the store, "input ended" means "everything is stored":
  // what lets a query at the end see every row.
  for (const Log& log : logs) {
    if (log.valid()) forward(log);
  }
}

void SqliteStore::on_query(int, const Log& request, Responder responder) {
  std::string_view sql = request.get("sql").as_string();
  if (sql.empty()) {
    responder.error("a request needs \"sql\": a read-only statement");
    return;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    responder.error(sqlite3_errmsg(db_));
    return;
  }
  if (!sqlite3_stmt_readonly(stmt)) {
    sqlite3_finalize(stmt);
    responder.error("only read-only statements are answered");
    return;
  }
  Value params = request.get("params");
  for (size_t i = 0; i < params.size(); ++i) Bind(stmt, static_cast<int>(i) + 1, params.at(i));
  std::vector<std::string> rows;
  LogBuilder row;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    row.clear();
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const char* name = sqlite3_column_name(stmt, c);
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER: row.add_int(name, sqlite3_column_int64(stmt, c)); break;
        case SQLITE_FLOAT: row.add(name, sqlite3_column_double(stmt, c)); break;
        case SQLITE_TEXT:
          row.add(name, std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),
                                         static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
          break;
        case SQLITE_BLOB:
          row.add_bytes(name, std::string_view(static_cast<const char*>(sqlite3_column_blob(stmt, c)),
                                               static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
          break;
        default: row.add_nil(name); break;
      }
    }
    rows.emplace_back(row.bytes());
  }
  std::string error = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
  sqlite3_finalize(stmt);
  if (!error.empty()) {
    responder.error(error);
    return;
  }
  LogBuilder reply;
  reply.add_array("rows", rows).add("count", rows.size());
  responder.reply(reply);
}

void SqliteStore::stop() {
  for (auto& [key, stmt] : inserts_) sqlite3_finalize(stmt);
  inserts_.clear();
  if (db_) sqlite3_close(db_);
  db_ = nullptr;
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::SqliteStore)
