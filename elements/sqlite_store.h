// =c SqliteStore(path, table)
// =s stores every log as a row of a SQLite table; answers read-only SQL on its "query" port
// =d A log's fields become columns (added as new fields appear); nested
//    values are stored as JSON text. Each received batch is one transaction.
//    A request {"sql": "SELECT ...", "params": [...]} gets {"rows": [...],
//    "count": N}; statements that would write are refused. The optional
//    output passes every stored log on once its transaction has committed.
// =h count: rows inserted
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "datablox/element.h"

struct sqlite3;
struct sqlite3_stmt;

namespace datablox {

class SqliteStore : public Element {
 public:
  static ClassSpec spec();
  ~SqliteStore() override;
  Status configure(const Params& params) override;
  void on_batch(int port, Batch logs) override;
  void on_query(int port, const Log& request, Responder responder) override;
  void stop() override;

 private:
  Status Exec(const std::string& sql);
  Status EnsureColumns(const Value& root);
  Status Insert(const Value& root);
  sqlite3_stmt* InsertStatement(const Value& root, Status* status);

  std::string path_, table_;
  sqlite3* db_ = nullptr;
  bool table_exists_ = false;
  std::set<std::string, std::less<>> columns_;
  std::map<std::string, sqlite3_stmt*, std::less<>> inserts_;  // by field list
  std::string key_;
  uint64_t count_ = 0;
};

}  // namespace datablox
