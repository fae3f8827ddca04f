// SqliteStore: its documentation is SqliteStore::spec() in sqlite_store.cc, which
// `datablox describe SqliteStore` prints.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "datablox/element.h"
#include "sqlite_query.h"

struct sqlite3;
struct sqlite3_stmt;

namespace datablox {

class SqliteStore : public Element {
 public:
  static ClassSpec spec();
  ~SqliteStore() override;
  Status configure(const Params& params) override;
  void on_batch(int port, Batch logs) override;
  Status start() override;
  void on_query(int port, const Log& request, Responder responder) override;
  void stop() override;

  // A shard's member: its state is its rows, keyed by the field the shard
  // routes by (hash routing; otherwise it holds no keyed state to move).
  AddAnswer can_add(const ShardLoad& load) override;
  uint64_t state_size() const override;
  Status export_state(const KeyGroupSet& moving, std::vector<OwnedLog>* out) override;
  Status import_state(Batch state) override;
  // Checkpoints: the table's newest rowid at the barrier; a rollback deletes
  // the rows after it (rowids only grow), so what comes again is stored once.
  //
  // Checkpointed, it also keeps a two-phase commit a reader can follow
  // (sqlite_store_checkpoints.cc): each snapshot commits a row of table
  // datablox_checkpoints, marked complete when the checkpoint is; view
  // TABLE_committed shows the rows up to the newest complete one, which no
  // rollback deletes; once the input ended, every row (the output is final).
  Status snapshot(std::string* state) override;
  Status restore(std::string_view state) override;
  void on_checkpoint_complete(uint64_t checkpoint) override;
  void on_inputs_ended() override;

 private:
  // Where each store of a database file stands in its upstreams' streams,
  // written in the transaction of the rows it accounts for.
  static constexpr const char* kPositionsTable = "datablox_positions";
  // Checkpointed: the checkpoints each store of the file took, and which completed.
  static constexpr const char* kCheckpointsTable = "datablox_checkpoints";
  // SQLite compares column names without regard to ASCII case.
  struct Caseless {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };
  struct Next {
    uint64_t stream = 0;
    uint64_t offset = 0;
  };
  Status Exec(const std::string& sql);
  Status LoadPositions();
  Status NewestRowid(int64_t* rowid);
  Status LoadStartRowid();
  Status SetUpCheckpoints();
  Status EnsureCommittedView();
  Status RecordCheckpoint(uint64_t checkpoint, int64_t rowid, bool complete);
  Status LoadCommitted();
  Status DeleteRowsAfter(int64_t rowid);
  Status LoadColumns();
  Status SavePosition(const std::string& link, const Next& next);
  std::string Refusal(const Value& root);
  Status EnsureColumns(const Value& root);
  Status Insert(const Value& root, bool* inserted);
  Status Rollback(Status why);
  sqlite3_stmt* InsertStatement(const Value& root, Status* status);

  std::string path_, table_;
  int64_t start_rowid_ = 0;
  bool checkpointed_ = false;   // checkpoint bookkeeping is kept (the topology takes checkpoints)
  int64_t committed_rowid_ = 0;  // the rowid of the newest complete checkpoint: what the view shows  // the table's newest rowid at the first start: a rollback to the start keeps those
  sqlite3* db_ = nullptr;
  sqlite3_stmt* save_position_ = nullptr;
  std::unique_ptr<SqliteQuery> query_;  // opened at the first request
  SqliteQuery::Limits query_limits_;
  bool table_exists_ = false;
  std::set<std::string, Caseless> columns_;
  std::map<std::string, sqlite3_stmt*, std::less<>> inserts_;  // by field list
  std::map<std::string, Next, std::less<>> next_;              // by input link: what is committed
  std::vector<uint8_t> stored_;                                // per log of the batch: inserted now or before
  std::string key_;
  uint64_t count_ = 0, replayed_ = 0;
  std::string shard_key_;  // hash-routed member: the field its rows are keyed by
};

}  // namespace datablox
