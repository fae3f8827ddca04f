#include "sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "sqlite_store_merge.h"

namespace datablox {
namespace {

const char* SqlType(ValueType type) {
  switch (type) {
    case ValueType::kBool:
    case ValueType::kInt: return "INTEGER";
    case ValueType::kFloat: return "REAL";
    case ValueType::kBytes: return "BLOB";
    default: return "TEXT";
  }
}


// Statements prepared per distinct field list, at most: logs whose fields
// vary without end must not grow the cache without end.
constexpr size_t kMaxCachedInserts = 1024;

}  // namespace

ClassSpec SqliteStore::spec() {
  return ClassSpec("SqliteStore", "stores every log as a row of a SQLite table; answers read-only SQL")
      .describe(
          "Fields become columns, added as new fields appear; nested values are stored as JSON "
          "text. Each received batch is one transaction, which also records, in table "
          "datablox_positions, how far the batch reaches in its upstream's stream: a store its "
          "caretaker restarts skips what the replay hands it again, so every log is inserted "
          "once. A log SQLite cannot store as a row (a field name holding a NUL byte, two field "
          "names that differ only in case, more columns than SQLite allows) is rejected and "
          "counted; the rest flows. Commits use WAL with synchronous=NORMAL: they survive a "
          "crash of the process, and a machine crash may lose the last ones (rows and "
          "positions together). A request {\"sql\": \"SELECT ...\", \"params\": [...]} gets "
          "{\"rows\": [...], \"count\": N}, answered on a read-only connection of its own and "
          "interrupted after query_limit_ms; in a checkpointed topology its snapshot is the "
          "table's newest rowid at the barrier, and a rollback deletes the rows after it (to "
          "the start: after the newest rowid at its first start, kept in datablox_positions "
          "under the link \"\"), so every log is stored once across a crash. Checkpointed, it "
          "also keeps a two-phase commit: each snapshot commits a row (tbl, checkpoint, rowid, "
          "complete, unix_ms) of table datablox_checkpoints, marked complete once every element "
          "took that checkpoint (the newest few complete ones are kept), and view TABLE_committed "
          "shows the rows up to the rowid of the newest complete one (handler `committed`): rows "
          "no rollback deletes. Once its input ended, the view shows every row: an ended store's "
          "rows are final. Without checkpoints there is neither table nor view. Writing "
          "statements, BEGIN and ATTACH are refused in queries. "
          "As a member of a hash-routed shard (give each member a file of its own: "
          "path: \"users-{member}.db\"), its rows are its state: the rows of the key groups "
          "that move leave in the transaction that reads them and arrive in one transaction. "
          "Merge query replies with `merge: custom` (the rows of every member, in member "
          "order, and their count) or `merge: union` (the rows; \"count\" is the first "
          "member's). Either way each member runs the statement on its own rows.")
      .shardable(StateKind::kKeyed)  // keyed by the route's field: read from membership() at start
      .merge(MergeSqliteReplies)
      .push_in("in")
      .push_out("out", {}, /*required=*/false, "the logs stored, once their transaction has committed")
      .query_in("query", /*required=*/false, "read-only SQL")
      .param_string("path", "the database file (created when missing)")
      .param_string("table", "logs", "the table")
      .param_int("query_limit_ms", 2000, "a query running longer is interrupted and answered with an error")
      .handler("count", "rows inserted")
      .handler("replayed", "logs of a replay skipped: their rows were committed already")
      .handler("committed", "checkpointed: the rowid up to which view TABLE_committed shows the rows");
}

bool SqliteStore::Caseless::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
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
  int64_t limit_ms = 0;
  Status st = params.read("path", path_).read("table", table_).read("query_limit_ms", limit_ms).status();
  if (!st.ok()) return st;
  if (table_.empty()) return Status::Invalid("table must not be empty");
  if (sqlite3_stricmp(table_.c_str(), kPositionsTable) == 0 || sqlite3_stricmp(table_.c_str(), kCheckpointsTable) == 0) {
    return Status::Invalid(fmt::format("table '{}' is where the store keeps its bookkeeping", table_));
  }
  if (limit_ms <= 0) return Status::Invalid("query_limit_ms must be positive");
  query_limits_.time = Milliseconds(limit_ms);
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return Status::IOError(fmt::format("cannot open '{}': {}", path_, db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }
  sqlite3_busy_timeout(db_, 5000);
  st = Exec("PRAGMA journal_mode=WAL");
  if (st.ok()) st = Exec("PRAGMA synchronous=NORMAL");
  if (st.ok()) st = LoadPositions();
  if (!st.ok()) return st;
  st = LoadColumns();  // of a table left by an earlier run
  if (!st.ok()) return st;
  st = LoadStartRowid();  // what a rollback to the start keeps
  if (st.ok()) st = SetUpCheckpoints();
  if (!st.ok()) return st;
  add_read_handler("count", [this] { return std::to_string(count_); });
  add_read_handler("replayed", [this] { return std::to_string(replayed_); });
  return Status::OK();
}

Status SqliteStore::LoadColumns() {
  columns_.clear();
  table_exists_ = false;
  sqlite3_stmt* info = nullptr;
  std::string sql = fmt::format("PRAGMA table_info({})", QuoteSqlName(table_));
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &info, nullptr) != SQLITE_OK) {
    return Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
  }
  while (sqlite3_step(info) == SQLITE_ROW) {
    columns_.insert(reinterpret_cast<const char*>(sqlite3_column_text(info, 1)));
    table_exists_ = true;
  }
  sqlite3_finalize(info);
  return Status::OK();
}

// A restart continues from the committed positions; a first start forgets
// positions an earlier run left (their streams are gone for good).
Status SqliteStore::LoadPositions() {
  Status st =
      Exec(fmt::format("CREATE TABLE IF NOT EXISTS {} (store TEXT NOT NULL, link TEXT NOT NULL, "
                       "stream INTEGER NOT NULL, next INTEGER NOT NULL, PRIMARY KEY (store, link))",
                       kPositionsTable));
  if (!st.ok()) return st;
  sqlite3_stmt* stmt = nullptr;
  std::string sql = restarted() ? fmt::format("SELECT link, stream, next FROM {} WHERE store = ?", kPositionsTable)
                                : fmt::format("DELETE FROM {} WHERE store = ?", kPositionsTable);
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
  }
  sqlite3_bind_text(stmt, 1, table_.data(), static_cast<int>(table_.size()), SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const char* link = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    next_[link ? link : ""] = {static_cast<uint64_t>(sqlite3_column_int64(stmt, 1)),
                               static_cast<uint64_t>(sqlite3_column_int64(stmt, 2))};
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
  sql = fmt::format(
      "INSERT INTO {} (store, link, stream, next) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (store, link) DO UPDATE SET stream = excluded.stream, next = excluded.next",
      kPositionsTable);
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &save_position_, nullptr) != SQLITE_OK) {
    return Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
  }
  return Status::OK();
}

Status SqliteStore::SavePosition(const std::string& link, const Next& next) {
  sqlite3_bind_text(save_position_, 1, table_.data(), static_cast<int>(table_.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(save_position_, 2, link.data(), static_cast<int>(link.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(save_position_, 3, static_cast<int64_t>(next.stream));
  sqlite3_bind_int64(save_position_, 4, static_cast<int64_t>(next.offset));
  int rc = sqlite3_step(save_position_);
  sqlite3_reset(save_position_);
  if (rc != SQLITE_DONE) return Status::IOError(fmt::format("recording the position: {}", sqlite3_errmsg(db_)));
  return Status::OK();
}

// Why SQLite cannot take this log as a row ("" when it can). Checked once
// per distinct field list (the insert statement cache remembers the rest),
// before any column is added, so a refused log changes nothing.
std::string SqliteStore::Refusal(const Value& root) {
  std::set<std::string_view, Caseless> names;
  size_t added = 0;
  for (size_t i = 0; i < root.size(); ++i) {
    std::string_view name = root.key_at(i);
    if (name.find('\0') != std::string_view::npos) return "a field name holds a NUL byte";
    auto [at, fresh] = names.insert(name);
    if (!fresh) return fmt::format("fields '{}' and '{}' are one column to SQLite (it ignores case)", *at, name);
    if (!columns_.count(name)) ++added;
  }
  const size_t limit = static_cast<size_t>(sqlite3_limit(db_, SQLITE_LIMIT_COLUMN, -1));
  if (columns_.size() + added > limit) {
    return fmt::format("{} fields would make {} columns; SQLite allows {}", root.size(), columns_.size() + added,
                       limit);
  }
  return "";
}

Status SqliteStore::EnsureColumns(const Value& root) {
  for (size_t i = 0; i < root.size(); ++i) {
    std::string_view name = root.key_at(i);
    if (columns_.count(name)) continue;
    std::string column = fmt::format("{} {}", QuoteSqlName(name), SqlType(root.at(i).type()));
    const bool created = !table_exists_;
    Status st = table_exists_ ? Exec(fmt::format("ALTER TABLE {} ADD COLUMN {}", QuoteSqlName(table_), column))
                              : Exec(fmt::format("CREATE TABLE {} ({})", QuoteSqlName(table_), column));
    table_exists_ = table_exists_ || st.ok();
    if (st.ok() && created) st = EnsureCommittedView();  // in the transaction that creates the table
    if (!st.ok()) return st;
    columns_.emplace(name);
  }
  return Status::OK();
}

// Null with *status ok when the log is refused (then *status holds nothing
// and the caller rejects it by Refusal's reason).
sqlite3_stmt* SqliteStore::InsertStatement(const Value& root, Status* status) {
  key_.clear();
  for (size_t i = 0; i < root.size(); ++i) {
    key_ += root.key_at(i);
    key_.push_back('\0');
  }
  auto it = inserts_.find(key_);
  if (it != inserts_.end()) return it->second;
  std::string refused = Refusal(root);
  if (!refused.empty()) {
    reject(refused);
    return nullptr;
  }
  *status = EnsureColumns(root);
  if (!status->ok()) return nullptr;
  std::string names, marks;
  for (size_t i = 0; i < root.size(); ++i) {
    names += (i ? ", " : "") + QuoteSqlName(root.key_at(i));
    marks += i ? ", ?" : "?";
  }
  std::string sql = root.size() == 0 ? fmt::format("INSERT INTO {} DEFAULT VALUES", QuoteSqlName(table_))
                                     : fmt::format("INSERT INTO {} ({}) VALUES ({})", QuoteSqlName(table_), names, marks);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    *status = Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
    return nullptr;
  }
  if (inserts_.size() >= kMaxCachedInserts) {
    for (auto& [key, cached] : inserts_) sqlite3_finalize(cached);
    inserts_.clear();
  }
  inserts_[key_] = stmt;
  return stmt;
}

// Ok and nothing inserted when the log was refused (and rejected).
Status SqliteStore::Insert(const Value& root, bool* inserted) {
  *inserted = false;
  Status st;
  sqlite3_stmt* stmt = InsertStatement(root, &st);
  if (!stmt) return st;
  for (size_t i = 0; i < root.size(); ++i) BindSqliteValue(stmt, static_cast<int>(i) + 1, root.at(i));
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) return Status::IOError(fmt::format("insert into '{}': {}", table_, sqlite3_errmsg(db_)));
  *inserted = true;
  return Status::OK();
}

void SqliteStore::on_batch(int, Batch logs) {
  const InputPosition at = batch_position();
  const Next done = {at.stream, at.end};
  // What an earlier life of this store committed comes again in the replay
  // of its upstream: those rows are there, and are not inserted twice.
  size_t skip = 0;
  auto known = next_.find(at.link);
  if (known != next_.end() && known->second.stream == at.stream && known->second.offset > at.first) {
    skip = ReplayedPrefix(at, known->second.offset, logs.size());
  }
  replayed_ += skip;
  stored_.clear();
  for (size_t i = 0; i < skip; ++i) stored_.push_back(logs[i].valid() ? 1 : 0);
  Status st;
  uint64_t inserted = 0;
  if (skip < logs.size()) {
    st = Exec("BEGIN");
    for (size_t i = skip; i < logs.size() && st.ok(); ++i) {
      stored_.push_back(0);
      if (!logs[i].valid()) {
        reject("not a msgpack map");
        continue;
      }
      bool stored = false;
      st = Insert(logs[i].root(), &stored);
      stored_.back() = stored;
      inserted += stored;
    }
    if (st.ok()) st = SavePosition(at.link, done);
    if (st.ok()) st = Exec("COMMIT");
    if (!st.ok()) {
      (void)Exec("ROLLBACK");
      fail(st);  // a store that cannot store must not pretend to
      return;
    }
    next_[at.link] = done;
    count_ += inserted;
  }
  // Downstream of the store, "input ended" means "everything is stored":
  // what lets a query at the end see every row. Rows of a replay are passed
  // on again: the downstream drops the ones it had by their offsets.
  for (size_t i = 0; i < logs.size(); ++i) {
    if (stored_[i]) forward(logs[i]);
  }
}

void SqliteStore::on_query(int, const Log& request, Responder responder) {
  std::string_view sql = request.get("sql").as_string();
  if (sql.empty()) {
    responder.error("a request needs \"sql\": a read-only statement");
    return;
  }
  if (!query_) {
    auto query = std::make_unique<SqliteQuery>();
    Status st = query->Open(path_, query_limits_);
    if (!st.ok()) {
      responder.error(st.message());
      return;
    }
    query_ = std::move(query);
  }
  std::vector<std::string> rows;
  Status st = query_->Run(sql, request.get("params"), &rows);
  if (!st.ok()) {
    responder.error(st.message());
    return;
  }
  LogBuilder reply;
  reply.add_array("rows", rows).add("count", rows.size());
  responder.reply(reply);
}

// ------------------------------------------------------------ shard member

Status SqliteStore::start() {
  // Only a hash-routed shard routes a key's logs to one member: then, and
  // only then, are this member's rows a key's state, to move with its group.
  if (const ShardMembership* member = membership(); member && !member->key.empty()) shard_key_ = member->key;
  return Status::OK();
}

AddAnswer SqliteStore::can_add(const ShardLoad& load) {
  if (shard_key_.empty()) return AddAnswer::Yes(0);  // no row moves
  return Element::can_add(load);                     // the rows that would move
}

uint64_t SqliteStore::state_size() const {
  if (!db_ || !table_exists_) return 0;
  sqlite3_stmt* stmt = nullptr;
  std::string sql = fmt::format("SELECT count(*) FROM {}", QuoteSqlName(table_));
  uint64_t rows = 0;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    rows = static_cast<uint64_t>(sqlite3_column_int64(stmt, 0));
  }
  sqlite3_finalize(stmt);
  return rows;
}

namespace {

// datablox_moving(key): 1 when the key group of a row's key is moving.
void MovingFunction(sqlite3_context* context, int, sqlite3_value** argv) {
  const auto* moving = static_cast<const KeyGroupSet*>(sqlite3_user_data(context));
  sqlite3_result_int(context, moving->contains_text(SqliteKeyText(argv[0])) ? 1 : 0);
}

}  // namespace

// Ends a failed transaction of the shard hooks. A column it added is gone
// with it: the columns known and the statements prepared start again from
// the table as it is.
Status SqliteStore::Rollback(Status why) {
  if (sqlite3_get_autocommit(db_) != 0) return why;  // no transaction open
  (void)Exec("ROLLBACK");
  for (auto& [fields, stmt] : inserts_) sqlite3_finalize(stmt);
  inserts_.clear();
  Status st = LoadColumns();
  return st.ok() ? why : Status::IOError(fmt::format("{}; then {}", why.message(), st.message()));
}

// The moving rows are read and deleted in one transaction: they are either
// handed over and gone from here, or (on an error) still here and not handed over.
Status SqliteStore::export_state(const KeyGroupSet& moving, std::vector<OwnedLog>* out) {
  if (shard_key_.empty() || moving.empty() || !table_exists_) return Status::OK();
  // Rows stored before the key field ever came have no such column: their
  // key is missing, which the senders hash as null.
  const std::string key = columns_.count(shard_key_) ? QuoteSqlName(shard_key_) : "NULL";
  if (sqlite3_create_function_v2(db_, "datablox_moving", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                 const_cast<KeyGroupSet*>(&moving), MovingFunction, nullptr, nullptr,
                                 nullptr) != SQLITE_OK) {
    return Status::IOError(fmt::format("registering datablox_moving: {}", sqlite3_errmsg(db_)));
  }
  std::vector<OwnedLog> rows;
  Status st = Exec("BEGIN IMMEDIATE");
  if (st.ok()) {
    std::string sql = fmt::format("SELECT * FROM {} WHERE datablox_moving({})", QuoteSqlName(table_), key);
    sqlite3_stmt* select = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &select, nullptr) != SQLITE_OK) {
      st = Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
    } else {
      LogBuilder row;
      int rc;
      while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
        AddSqliteRow(select, &row.clear());
        rows.emplace_back(std::string(row.bytes()));
      }
      if (rc != SQLITE_DONE) st = Status::IOError(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
    }
    sqlite3_finalize(select);
  }
  if (st.ok()) st = Exec(fmt::format("DELETE FROM {} WHERE datablox_moving({})", QuoteSqlName(table_), key));
  if (st.ok()) st = Exec("COMMIT");
  if (!st.ok()) st = Rollback(st);
  // The function points at `moving`: gone with this call.
  sqlite3_create_function_v2(db_, "datablox_moving", 1, SQLITE_UTF8, nullptr, nullptr, nullptr, nullptr, nullptr);
  if (!st.ok()) return st;
  for (OwnedLog& row : rows) out->push_back(std::move(row));
  return Status::OK();
}

// In one transaction: every row arrives, or (on an error) none does.
Status SqliteStore::import_state(Batch state) {
  if (state.empty()) return Status::OK();
  Status st = Exec("BEGIN IMMEDIATE");
  for (size_t i = 0; i < state.size() && st.ok(); ++i) {
    std::string refused = state[i].valid() ? Refusal(state[i].root()) : "not a msgpack map";
    if (!refused.empty()) {
      st = Status::Invalid(fmt::format("state log {}: {}", i, refused));
      break;
    }
    bool inserted = false;
    st = Insert(state[i].root(), &inserted);
  }
  if (st.ok()) st = Exec("COMMIT");
  if (!st.ok()) st = Rollback(st);
  return st;
}

void SqliteStore::stop() {
  query_.reset();
  for (auto& [key, stmt] : inserts_) sqlite3_finalize(stmt);
  inserts_.clear();
  if (save_position_) sqlite3_finalize(save_position_);
  save_position_ = nullptr;
  if (db_) sqlite3_close(db_);
  db_ = nullptr;
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::SqliteStore)
