// `datablox query --cell [TOPOLOGY/]SUPERVISOR[.PORT] --view VIEW "select ..."`
// (or `--saved MONIKER`): an EQL query asked of a running cell's
// CellSupervisor (cell/supervisor/supervisor_protocol.h), found through the
// master as `call` finds an element. The table on stdout, or with -o json
// {"columns": [...], "rows": [[...]], "stats": {...}}. 65 for a query that
// does not parse or check (every error as LINE:COL on stderr), 69 when the
// cell cannot be reached (no master, no such topology or element, no answer
// in time), 1 for any other failure, with the supervisor's reason.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "runtime/core/bounded_json.h"
#include "cell/supervisor/supervisor_protocol.h"
#include "datablox/log.h"
#include "tools/commands.h"

namespace datablox::cli {
namespace {

// The supervisor's own budget is the query's timeout; the client waits a
// little longer, so that the supervisor's error (naming a silent worker)
// comes before the client gives up.
constexpr int kAnswerMarginMs = 2000;

}  // namespace

int QueryCell(const CellQueryOptions& options, const std::string& master, const OutputFormat& format) {
  supervisor::CellQuery query;
  query.text = options.query;
  query.view = options.view;
  query.saved = options.saved;
  query.now_ms = options.now_ms;
  query.timeout_ms = options.timeout_ms;
  const nlohmann::json request = supervisor::EncodeCellQuery(query);
  supervisor::CellQuery checked;
  if (Status st = supervisor::DecodeCellQuery(request, &checked); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return kExitUsage;
  }
  const std::string target = options.target.find('.') == std::string::npos ? options.target + ".query" : options.target;
  OwnedLog reply;
  std::string error;
  const int exit = AskStartingElement(target, request.dump(), static_cast<int>(options.timeout_ms) + kAnswerMarginMs,
                                      master, &reply, &error);
  if (exit != kExitOk) {
    std::fprintf(stderr, "error: %s%s\n", error.c_str(),
                 exit == kExitUnavailable ? " (is the cell running? --cell names its CellSupervisor)" : "");
    return exit;
  }
  nlohmann::json answer;
  if (Status st = ParseBoundedJson(reply.to_json(), &answer, supervisor::kMaxAnswerDepth); !st.ok()) {
    std::fprintf(stderr, "error: %s answered: %s\n", target.c_str(), st.message().c_str());
    return kExitSoftware;
  }
  supervisor::QueryRefusal refusal;
  if (supervisor::DecodeRefusal(answer, &refusal)) {
    for (const std::string& line : refusal.errors) std::fprintf(stderr, "%s\n", line.c_str());
    std::fprintf(stderr, "query: %zu error%s\n", refusal.errors.size(), refusal.errors.size() == 1 ? "" : "s");
    return kExitDataErr;
  }
  eql::ResultTable table;
  if (Status st = supervisor::TableFromJson(answer, &table); !st.ok()) {
    std::fprintf(stderr, "error: %s answered: %s\n", target.c_str(), st.message().c_str());
    return kExitSoftware;
  }
  if (format.json) {
    std::printf("%s\n", answer.dump().c_str());
  } else {
    std::fputs(eql::ResultTableText(table).c_str(), stdout);
  }
  return kExitOk;
}

}  // namespace datablox::cli
