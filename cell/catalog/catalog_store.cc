#include "cell/catalog/catalog_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "cell/catalog/catalog_migrations.h"

namespace datablox::catalog {
namespace {

// One prepared statement, finalized on every path out.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db), sql_(sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) status_ = Error();
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& bind(int i, const std::string& text) {
    if (status_.ok()) sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, int64_t n) {
    if (status_.ok()) sqlite3_bind_int64(stmt_, i, n);
    return *this;
  }
  // True with a row; false at the end or on an error (status() says).
  bool step() {
    if (!status_.ok()) return false;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) status_ = Error();
    return false;
  }
  std::string text(int column) const {
    const unsigned char* t = sqlite3_column_text(stmt_, column);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }
  int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  const Status& status() const { return status_; }
  bool constraint_failed() const { return sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_UNIQUE; }

 private:
  Status Error() const { return Status::IOError(fmt::format("catalog: {}", sqlite3_errmsg(db_))); }
  sqlite3* db_;
  const char* sql_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

std::string PropertiesText(const Properties& properties) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : properties) out[key] = value;
  return out.dump();
}

// The column was written by PropertiesText; anything else reads as none.
Properties ParseProperties(const std::string& text) {
  Properties out;
  nlohmann::json in = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!in.is_object()) return out;
  for (const auto& [key, value] : in.items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

constexpr const char* kSelectDomain = "SELECT id, moniker, properties FROM domains";
constexpr const char* kSelectView =
    "SELECT v.id, v.moniker, d.moniker, v.view_file, v.schema_file, v.shape, v.levels, v.store, v.location, "
    "v.properties, v.generation FROM views v JOIN domains d ON d.id = v.domain";
constexpr const char* kSelectQuery =
    "SELECT q.id, q.moniker, v.moniker, q.text FROM queries q JOIN views v ON v.id = q.view";

Domain ReadDomain(const Statement& s) { return {s.integer(0), s.text(1), ParseProperties(s.text(2))}; }

View ReadView(const Statement& s) {
  View v;
  v.key = s.integer(0);
  v.moniker = s.text(1);
  v.domain = s.text(2);
  v.view_file = s.text(3);
  v.schema = s.text(4);
  v.shape = s.text(5);
  v.levels = static_cast<int>(s.integer(6));
  v.store = s.text(7);
  v.location = s.text(8);
  v.properties = ParseProperties(s.text(9));
  v.generation = s.integer(10);
  return v;
}

SavedQuery ReadQuery(const Statement& s) { return {s.integer(0), s.text(1), s.text(2), s.text(3)}; }

template <typename T, typename Read>
Status ReadAll(sqlite3* db, const std::string& sql, Read read, std::vector<T>* out) {
  out->clear();
  Statement s(db, sql.c_str());
  while (s.step()) out->push_back(read(s));
  return s.status();
}

template <typename T, typename Read>
Status ReadOne(sqlite3* db, const std::string& sql, const std::string& moniker, const char* kind, Read read, T* out) {
  Statement s(db, sql.c_str());
  s.bind(1, moniker);
  if (s.step()) {
    *out = read(s);
    return Status::OK();
  }
  if (!s.status().ok()) return s.status();
  return Status::NotFound(fmt::format("no {} '{}'", kind, moniker));
}

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

Status CatalogStore::Open(const std::string& path, std::unique_ptr<CatalogStore>* out) {
  std::unique_ptr<CatalogStore> store(new CatalogStore(path));
  if (sqlite3_open_v2(path.c_str(), &store->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return Status::IOError(
        fmt::format("cannot open catalog '{}': {}", path, store->db_ ? sqlite3_errmsg(store->db_) : "out of memory"));
  }
  sqlite3_busy_timeout(store->db_, 5000);  // the element and `catalog --db` may share the file
  Status st = store->Exec("PRAGMA journal_mode=WAL");
  if (st.ok()) st = store->Exec("PRAGMA synchronous=NORMAL");
  if (st.ok()) st = store->Exec("PRAGMA foreign_keys=ON");
  if (st.ok()) st = store->Migrate();
  if (!st.ok() && st.code() != Status::Code::kInvalid)
    return Status::IOError(fmt::format("catalog '{}': {}", path, st.message()));
  if (!st.ok()) return st;
  *out = std::move(store);
  return Status::OK();
}

CatalogStore::~CatalogStore() {
  if (db_) sqlite3_close(db_);
}

Status CatalogStore::Exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    Status st = Status::IOError(error ? error : "unknown error");
    sqlite3_free(error);
    return st;
  }
  return Status::OK();
}

// Checks and their change in one write transaction: what was checked still
// holds when the change is made, whoever else writes the file.
Status CatalogStore::InTransaction(const std::function<Status()>& change) {
  if (Status st = Exec("BEGIN IMMEDIATE"); !st.ok()) return st;
  Status st = change();
  if (st.ok()) st = Exec("COMMIT");
  if (!st.ok()) (void)Exec("ROLLBACK");
  return st;
}

Status CatalogStore::Migrate() {
  Status st = Exec("BEGIN IMMEDIATE");
  if (!st.ok()) return st;
  int64_t version = 0, tables = 0;
  {
    Statement s(db_, "PRAGMA user_version");
    if (s.step()) version = s.integer(0);
    Statement t(db_, "SELECT count(*) FROM sqlite_master");
    if (t.step()) tables = t.integer(0);
    st = s.status().ok() ? t.status() : s.status();
  }
  if (st.ok() && version > kCatalogVersion) {
    st = Status::Invalid(fmt::format("catalog '{}' is at version {}; this datablox knows versions up to {}", path_,
                                     version, kCatalogVersion));
  } else if (st.ok() && version == 0 && tables > 0) {
    st = Status::Invalid(fmt::format("'{}' is a SQLite file with tables of its own, not a catalog", path_));
  }
  for (int64_t v = version; st.ok() && v < kCatalogVersion; ++v) {
    st = Exec(kMigrations[static_cast<size_t>(v)]);
    if (st.ok()) st = Exec(fmt::format("PRAGMA user_version = {}", v + 1));
  }
  if (st.ok()) return Exec("COMMIT");
  (void)Exec("ROLLBACK");
  return st;
}

Status CatalogStore::AddDomain(Domain* d) {
  if (Status st = CheckMoniker(d->moniker); !st.ok()) return st;
  Statement s(db_, "INSERT INTO domains (moniker, properties) VALUES (?, ?)");
  s.bind(1, d->moniker).bind(2, PropertiesText(d->properties)).step();
  if (s.constraint_failed()) return Status::Invalid(fmt::format("a domain '{}' exists already", d->moniker));
  if (!s.status().ok()) return s.status();
  d->key = sqlite3_last_insert_rowid(db_);
  return Status::OK();
}

Status CatalogStore::AddView(View* v) {
  return InTransaction([&]() -> Status {
    if (Status st = CheckMoniker(v->moniker); !st.ok()) return st;
    Domain domain;
    if (Status st = FindDomain(v->domain, &domain); !st.ok()) return st;
    Statement s(
        db_,
        "INSERT INTO views (moniker, domain, view_file, schema_file, shape, levels, store, location, properties, "
        "generation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, v->moniker)
        .bind(2, domain.key)
        .bind(3, v->view_file)
        .bind(4, v->schema)
        .bind(5, v->shape)
        .bind(6, static_cast<int64_t>(v->levels))
        .bind(7, v->store)
        .bind(8, v->location)
        .bind(9, PropertiesText(v->properties))
        .bind(10, v->generation)
        .step();
    if (s.constraint_failed()) return Status::Invalid(fmt::format("a view '{}' exists already", v->moniker));
    if (!s.status().ok()) return s.status();
    v->key = sqlite3_last_insert_rowid(db_);
    return Status::OK();
  });
}

Status CatalogStore::AddQuery(SavedQuery* q) {
  return InTransaction([&]() -> Status {
    if (Status st = CheckMoniker(q->moniker); !st.ok()) return st;
    if (q->text.empty()) return Status::Invalid(fmt::format("saved query '{}': the text is empty", q->moniker));
    View view;
    if (Status st = FindView(q->view, &view); !st.ok()) return st;
    Statement s(db_, "INSERT INTO queries (moniker, view, text) VALUES (?, ?, ?)");
    s.bind(1, q->moniker).bind(2, view.key).bind(3, q->text).step();
    if (s.constraint_failed()) return Status::Invalid(fmt::format("a saved query '{}' exists already", q->moniker));
    if (!s.status().ok()) return s.status();
    q->key = sqlite3_last_insert_rowid(db_);
    return Status::OK();
  });
}

Status CatalogStore::ListDomains(std::vector<Domain>* out) {
  return ReadAll(db_, fmt::format("{} ORDER BY moniker", kSelectDomain), ReadDomain, out);
}
Status CatalogStore::ListViews(std::vector<View>* out) {
  return ReadAll(db_, fmt::format("{} ORDER BY v.moniker", kSelectView), ReadView, out);
}
Status CatalogStore::ListQueries(std::vector<SavedQuery>* out) {
  return ReadAll(db_, fmt::format("{} ORDER BY q.moniker", kSelectQuery), ReadQuery, out);
}

Status CatalogStore::FindDomain(const std::string& moniker, Domain* out) {
  return ReadOne(db_, fmt::format("{} WHERE moniker = ?", kSelectDomain), moniker, "domain", ReadDomain, out);
}
Status CatalogStore::FindView(const std::string& moniker, View* out) {
  return ReadOne(db_, fmt::format("{} WHERE v.moniker = ?", kSelectView), moniker, "view", ReadView, out);
}
Status CatalogStore::FindQuery(const std::string& moniker, SavedQuery* out) {
  return ReadOne(db_, fmt::format("{} WHERE q.moniker = ?", kSelectQuery), moniker, "saved query", ReadQuery, out);
}

Status CatalogStore::Names(const std::string& sql, int64_t key, std::vector<std::string>* names) {
  Statement s(db_, sql.c_str());
  s.bind(1, key);
  while (s.step()) names->push_back(s.text(0));
  return s.status();
}

Status CatalogStore::RemoveDomain(const std::string& moniker, Domain* removed) {
  return InTransaction([&]() -> Status {
    if (Status st = FindDomain(moniker, removed); !st.ok()) return st;
    std::vector<std::string> views;
    if (Status st = Names("SELECT moniker FROM views WHERE domain = ? ORDER BY moniker", removed->key, &views);
        !st.ok())
      return st;
    if (!views.empty())
      return Status::Invalid(
          fmt::format("domain '{}' still has views: {} (remove them first)", moniker, Joined(views)));
    Statement s(db_, "DELETE FROM domains WHERE id = ?");
    s.bind(1, removed->key).step();
    return s.status();
  });
}

Status CatalogStore::RemoveView(const std::string& moniker, View* removed) {
  return InTransaction([&]() -> Status {
    if (Status st = FindView(moniker, removed); !st.ok()) return st;
    std::vector<std::string> queries;
    if (Status st = Names("SELECT moniker FROM queries WHERE view = ? ORDER BY moniker", removed->key, &queries);
        !st.ok())
      return st;
    if (!queries.empty())
      return Status::Invalid(
          fmt::format("view '{}' still has saved queries: {} (remove them first)", moniker, Joined(queries)));
    Statement s(db_, "DELETE FROM views WHERE id = ?");
    s.bind(1, removed->key).step();
    return s.status();
  });
}

Status CatalogStore::RemoveQuery(const std::string& moniker, SavedQuery* removed) {
  return InTransaction([&]() -> Status {
    if (Status st = FindQuery(moniker, removed); !st.ok()) return st;
    Statement s(db_, "DELETE FROM queries WHERE id = ?");
    s.bind(1, removed->key).step();
    return s.status();
  });
}

Status CatalogStore::BumpGeneration(const std::string& moniker, View* out) {
  return InTransaction([&]() -> Status {
    Statement s(db_, "UPDATE views SET generation = generation + 1 WHERE moniker = ?");
    s.bind(1, moniker).step();
    if (!s.status().ok()) return s.status();
    if (sqlite3_changes(db_) == 0) return Status::NotFound(fmt::format("no view '{}'", moniker));
    return FindView(moniker, out);
  });
}

}  // namespace datablox::catalog
