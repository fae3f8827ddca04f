// SqliteSource: its documentation is SqliteSource::spec() in sqlite_source.cc, which
// `datablox describe SqliteSource` prints.
#pragma once

#include <cstdint>
#include <string>

#include "datablox/element.h"

struct sqlite3;
struct sqlite3_stmt;

namespace datablox {

class SqliteSource : public Element {
 public:
  static ClassSpec spec();
  ~SqliteSource() override { stop(); }
  Status configure(const Params& params) override;
  Status start() override;
  Production produce() override;
  void stop() override;
  // Checkpoints: its position is the key of the last row emitted.
  Status snapshot(std::string* state) override;
  Status restore(std::string_view state) override;

 private:
  Status Prepare();
  // What the rows come from, for messages: "table 'events'" or "query".
  std::string Origin() const;

  std::string path_, table_, query_, key_;
  int64_t batch_ = 1000;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* next_rows_ = nullptr;
  int64_t last_key_ = 0;
  bool started_from_restore_ = false;
  uint64_t rows_ = 0;
  LogBuilder row_;
};

}  // namespace datablox
