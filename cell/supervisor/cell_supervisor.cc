#include "cell/supervisor/cell_supervisor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>

#include "runtime/core/bounded_json.h"

namespace datablox::supervisor {

namespace {

using nlohmann::json;

// The catalog's and the sample store's answers nest a few levels.
constexpr int kMaxReplyDepth = 8;

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ClassSpec CellSupervisor::spec() {
  return ClassSpec("CellSupervisor",
                   "answers EQL queries over the cell: the catalog's view, its sample store's generation, one scan "
                   "scattered over the workers and gathered")
      .describe(
          "Asked {\"query\": \"select ...\", \"view\": VIEW[, \"now\": EPOCH_MS][, \"timeout_ms\": N]} or "
          "{\"saved\": MONIKER} (a saved query: the catalog's text and view) on its `query` port. It asks the "
          "catalog (`catalog`) for the view (find_view); the view's sample store (the ELEMENT of the view's "
          "[TOPOLOGY/]ELEMENT store) among the SampleStoreSupervisors linked to `stores`, by that element's name, "
          "for the current generation, the loci and the schema; compiles the query once against the schema (a "
          "query that does not parse or check is answered {\"refused\": {\"message\", \"errors\": "
          "[\"LINE:COL: error: ...\"]}}); deals the loci over the members of the CellWorker shard linked to "
          "`workers` (sticky: a locus stays with its member while that member lives; the loci of a member gone "
          "go to the fewest-loaded), and asks that shard one scan {\"domain\", \"view\", \"generation\", \"loci\", "
          "\"deal\", \"query\", \"schema\", \"now\", \"timeout_ms\"}: every member scans its loci (loading them "
          "first when the generation is new to it) and the host merges their partial results. It answers "
          "{\"columns\", \"rows\", \"stats\": {\"generation\", \"rows_scanned\", \"blobs\", \"ms\", \"load_ms\", "
          "\"workers\", \"sources\"}}. Every wait comes out of the query's timeout_ms (default 30000): a query "
          "while the workers load its generation waits for the load within it. A worker that fails or is silent "
          "fails the query with an error naming it (\"workers/1\"), never a hang; the next query asks it again. "
          "Several queries run at once. Runs until stopped.")
      .query_in("query", /*required=*/false,
                "{query, view[, now][, timeout_ms]} or {saved[, now][, timeout_ms]} -> {columns, rows, stats}")
      .query_out("catalog", /*required=*/true, "the Catalog's `query` port")
      .query_out("stores", /*required=*/true,
                 "the SampleStoreSupervisors' `view` ports: a view's store is asked by its element's name")
      .query_out("workers", /*required=*/true, "the CellWorker shard's `scan` port")
      .param_int("step_timeout_ms", 5000, "the longest wait for the catalog or a sample store (within timeout_ms)")
      .handler("queries", "queries answered with a table")
      .handler("refused", "queries refused: they did not parse or check")
      .handler("failures", "queries failed (malformed, a view unknown, a store or a worker failing or silent)")
      .handler("running", "queries running now")
      .handler("last_ms", "how long the last query answered took (-1: none yet)")
      .handler("generations", "the generation each view was last answered from: VIEW=GEN ...")
      .handler("redealt", "loci dealt again because their worker was gone");
}

Status CellSupervisor::configure(const Params& params) {
  if (Status st = params.read("step_timeout_ms", step_timeout_ms_).status(); !st.ok()) return st;
  if (step_timeout_ms_ < 10) return Status::Invalid("step_timeout_ms must be >= 10");
  auto number = [](const uint64_t* value) { return [value] { return std::to_string(*value); }; };
  add_read_handler("queries", number(&queries_));
  add_read_handler("refused", number(&refused_));
  add_read_handler("failures", number(&failures_));
  add_read_handler("running", [this] { return std::to_string(running_.size()); });
  add_read_handler("last_ms", [this] { return std::to_string(last_ms_); });
  add_read_handler("redealt", [this] { return std::to_string(deal_.redealt()); });
  add_read_handler("generations", [this] {
    std::string text;
    for (const auto& [view, generation] : generations_) text += (text.empty() ? "" : " ") + view + "=" + generation;
    return text;
  });
  return Status::OK();
}

Status CellSupervisor::start() {
  catalog_port_ = query_out_port("catalog");
  stores_port_ = query_out_port("stores");
  workers_port_ = query_out_port("workers");
  return Status::OK();
}

// A service: it has no inputs to end it, so it runs until stopped.
Production CellSupervisor::produce() { return Production::Later(Milliseconds(60000)); }

void CellSupervisor::on_query(int, const Log& request, Responder responder) {
  json parsed;
  CellQuery query;
  Status st = ParseBoundedJson(request.to_json(), &parsed, kMaxRequestDepth);
  if (st.ok()) st = DecodeCellQuery(parsed, &query);
  if (!st.ok()) {
    ++failures_;
    return responder.error(fmt::format("malformed query: {}", st.message()));
  }
  const uint64_t id = next_id_++;
  running_[id] = Running{std::make_unique<QueryRun>(std::move(query), SteadyMs(), WallMs()), responder};
  Advance(id);
}

Status CellSupervisor::ParseReply(const Reply& reply, json* out) {
  if (!reply.status.ok()) return reply.status;
  return ParseBoundedJson(reply.log.to_json(), out, kMaxReplyDepth);
}

ReplyCallback CellSupervisor::AnswerTo(uint64_t id, void (QueryRun::*on)(const Status&, const json&)) {
  return [this, id, on](Reply reply) {
    auto at = running_.find(id);
    if (at == running_.end()) return;
    json answer;
    ((*at->second.run).*on)(ParseReply(reply, &answer), answer);
    Advance(id);
  };
}

void CellSupervisor::Advance(uint64_t id) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  QueryRun& run = *it->second.run;
  const int64_t now = SteadyMs();
  const Milliseconds step_timeout(std::min(step_timeout_ms_, run.RemainingMs(now)));
  LogBuilder request;
  auto build = [&](const std::string& text) {
    Status st = request.assign_json(text);
    if (!st.ok()) run.Fail(Status::Internal(fmt::format("a request could not be written: {}", st.message())));
    return st.ok();
  };
  switch (run.step()) {
    case QueryRun::Step::kSavedQuery:
    case QueryRun::Step::kView:
      if (!build(run.CatalogRequest().dump())) return Advance(id);
      return ask(catalog_port_, request, step_timeout, AnswerTo(id, &QueryRun::OnCatalog));
    case QueryRun::Step::kStore: {
      const std::vector<std::string> stores = linked_elements(stores_port_);
      auto link = std::find(stores.begin(), stores.end(), run.store_element());
      if (link == stores.end()) {
        run.Fail(Status::Unavailable(
            fmt::format("view '{}': its sample store '{}' is not linked to this supervisor's `stores` (linked: {})",
                        run.view(), run.store_element(), fmt::join(stores, ", "))));
        return Advance(id);
      }
      if (!build(run.StoreRequest().dump())) return Advance(id);
      return ask_link(stores_port_, static_cast<int>(link - stores.begin()), request, step_timeout,
                      AnswerTo(id, &QueryRun::OnStore));
    }
    case QueryRun::Step::kScan: {
      Deal deal;
      if (Status st = deal_.Deal(run.view(), run.loci(), linked_members(workers_port_), &deal); !st.ok()) {
        run.Fail(st);
        return Advance(id);
      }
      if (!build(worker::EncodeScanRequest(run.ScanRequest(deal, now)))) return Advance(id);
      return ask(workers_port_, request, Milliseconds(run.RemainingMs(now)), [this, id](Reply reply) {
        auto at = running_.find(id);
        if (at == running_.end()) return;
        worker::ScanReply answer;
        Status st = reply.status;
        if (st.ok()) st = worker::DecodeScanReply(reply.log.log(), &answer);
        at->second.run->OnScan(st, answer, SteadyMs());
        Advance(id);
      });
    }
    case QueryRun::Step::kDone:
      Finish(it->second);
      running_.erase(it);
      return;
  }
}

void CellSupervisor::Finish(Running& running) {
  const QueryRun& run = *running.run;
  LogBuilder answer;
  if (run.refused()) {
    ++refused_;
    if (answer.assign_json(EncodeRefusal(run.refusal()).dump()).ok()) return running.responder.reply(answer);
    return running.responder.error(run.refusal().message);
  }
  if (!run.error().ok()) {
    ++failures_;
    return running.responder.error(run.error().message());
  }
  if (Status st = answer.assign_json(run.answer().dump()); !st.ok()) {
    ++failures_;
    return running.responder.error(fmt::format("the answer could not be written: {}", st.message()));
  }
  ++queries_;
  last_ms_ = run.answer()["stats"]["ms"].get<int64_t>();
  generations_[run.view()] = run.generation();
  running.responder.reply(answer);
}

}  // namespace datablox::supervisor

DATABLOX_ELEMENT(datablox::supervisor::CellSupervisor)
