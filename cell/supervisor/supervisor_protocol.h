// The cell supervisor's query port, declared once: what a client asks and
// how the answer is spelt. The CellSupervisor element decodes requests with
// it; `datablox query --cell` encodes them and reads the answers.
//
//   {"query": "select ...", "view": MONIKER[, "now": EPOCH_MS][, "timeout_ms": N]}
//   {"saved": MONIKER[, "now": EPOCH_MS][, "timeout_ms": N]}      a saved query: its text and view
//     -> {"columns": [...], "rows": [[...]], "stats": {"generation", "rows_scanned", "blobs", "ms",
//                                                     "load_ms", "workers", "sources": {SOURCE: N}}}
//     -> {"refused": {"message", "errors": ["LINE:COL: error: ...", ...]}}
//        a query that does not parse or check against the view's schema (the client's exit 65)
//
// Anything else that fails (a view unknown to the catalog, its sample store
// not linked or failing, a cell worker failing or silent, named as
// "workers/1") is an error reply, with the reason.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "cell/query/result_table.h"
#include "datablox/status.h"

namespace datablox::supervisor {

inline constexpr int64_t kDefaultQueryTimeoutMs = 30000;
inline constexpr int64_t kMaxQueryTimeoutMs = 3600 * 1000;
inline constexpr size_t kMaxQueryTextBytes = 64 * 1024;
// A request is flat; an answer nests {"stats": {"sources": {}}} and rows of cells.
inline constexpr int kMaxRequestDepth = 4;
inline constexpr int kMaxAnswerDepth = 6;

struct CellQuery {
  std::string text;   // the EQL; empty with `saved`
  std::string view;   // the view's moniker; empty with `saved`
  std::string saved;  // a saved query's moniker
  int64_t now_ms = -1;  // NOW of the query; -1: the supervisor's clock
  int64_t timeout_ms = kDefaultQueryTimeoutMs;
};

// Why a query was refused: it did not parse or check.
struct QueryRefusal {
  std::string message;
  std::vector<std::string> errors;  // "LINE:COL: error: ...", in the order found
};

nlohmann::json EncodeCellQuery(const CellQuery& query);
// Invalid, naming the field, for a request not of the shapes above.
Status DecodeCellQuery(const nlohmann::json& in, CellQuery* out);

nlohmann::json EncodeRefusal(const QueryRefusal& refusal);
// True when `answer` is a refusal (then *out holds it).
bool DecodeRefusal(const nlohmann::json& answer, QueryRefusal* out);

// {"columns": [...], "rows": [[...]]}: a cell is null, an integer, a float or a string.
nlohmann::json TableJson(const eql::ResultTable& table);
// The table back from the answer (its "columns" and "rows"); Invalid when they are not of that shape.
Status TableFromJson(const nlohmann::json& answer, eql::ResultTable* out);

}  // namespace datablox::supervisor
