// The life of one query in the cell's supervisor, socket-free: the element
// asks what step() says, hands each answer back, and replies once the run
// is done. A test drives it with answers of its own.
//
//   kSavedQuery  a saved query: the catalog's {"op": "show", "kind": "query"} gives its text and view
//   kView        the catalog's find_view: the view's domain, sample store and view file
//   kStore       the sample store's {"view": NAME}: the current generation, the loci, the schema;
//                the query is compiled here, once (errors: refused, every LINE:COL)
//   kScan        one scan asked of the workers' shard, the loci dealt over its members
//   kDone        refused(), failed() or the table: Answer()
//
// Every step's wait comes out of the query's one time budget (timeout_ms):
// a scan while the workers load the generation waits for it, within it.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cell/query/plan.h"
#include "cell/supervisor/locus_deal.h"
#include "cell/supervisor/supervisor_protocol.h"
#include "cell/worker/scan_protocol.h"
#include "datablox/status.h"

namespace datablox::supervisor {

class QueryRun {
 public:
  enum class Step { kSavedQuery, kView, kStore, kScan, kDone };

  // `start_ms`: a steady clock's now, the budget's start; `wall_ms`: NOW
  // for a query that gives none.
  QueryRun(CellQuery query, int64_t start_ms, int64_t wall_ms);

  Step step() const { return step_; }

  // kSavedQuery, kView: what to ask the catalog, and its answer.
  nlohmann::json CatalogRequest() const;
  void OnCatalog(const Status& asked, const nlohmann::json& answer);

  // kStore: which sample store (the ELEMENT of the view's [TOPOLOGY/]ELEMENT),
  // what to ask it, and its answer.
  const std::string& store_element() const { return store_element_; }
  nlohmann::json StoreRequest() const;
  void OnStore(const Status& asked, const nlohmann::json& answer);

  // kScan: the view the deal is kept for, its loci, the request for a deal
  // of them, and the shard's answer.
  const std::string& view() const { return query_.view; }
  int loci() const { return static_cast<int>(loci_.size()); }
  // (cell/worker/scan_protocol.h is the protocol.)
  worker::ScanRequest ScanRequest(const Deal& deal, int64_t now_ms) const;
  void OnScan(const Status& asked, const worker::ScanReply& answer, int64_t now_ms);

  // Fails the run (a step that could not be asked); kDone after.
  void Fail(const Status& why);

  // The milliseconds left of the budget at `now_ms` (at least 1).
  int64_t RemainingMs(int64_t now_ms) const;

  // kDone: a refusal, an error, or the answer {"columns", "rows", "stats"}.
  bool refused() const { return !refusal_.errors.empty(); }
  const QueryRefusal& refusal() const { return refusal_; }
  const Status& error() const { return error_; }
  const nlohmann::json& answer() const { return answer_; }
  const std::string& generation() const { return generation_; }

 private:
  CellQuery query_;
  int64_t start_ms_, now_ms_;
  Step step_;
  std::string domain_, store_element_, store_view_;
  std::string generation_, schema_text_;
  nlohmann::json loci_ = nlohmann::json::array();
  int64_t generation_number_ = 0;
  eql::Plan plan_;
  QueryRefusal refusal_;
  Status error_;
  nlohmann::json answer_;
};

// "events" of ".../events.view.toml": the name a sample store knows a view by.
std::string StoreViewName(const std::string& view_file);
// "store" of "cell/store" or of "store".
std::string ElementOfTarget(const std::string& target);

}  // namespace datablox::supervisor
