#include "cell/supervisor/query_run.h"

#include <fmt/format.h>

#include <algorithm>

#include "cell/brio/schema_parser.h"
#include "cell/catalog/catalog_protocol.h"
#include "cell/query/eql_compiler.h"
#include "cell/query/partial_codec.h"
#include "cell/query/result_table.h"
#include "cell/worker/load_request.h"

namespace datablox::supervisor {
namespace {

using nlohmann::json;

constexpr const char* kViewFileSuffix = ".view.toml";

// The catalog's answer to a request it refused, as a status.
Status CatalogRefusal(const json& answer, const std::string& what) {
  catalog::Refused refused;
  if (!catalog::DecodeRefused(answer, &refused)) return Status::OK();
  return Status::Invalid(fmt::format("{}: {}", what, refused.message));
}

// `st` with what failed in front, its code kept (a timeout stays one).
Status Within(const std::string& what, const Status& st) {
  const std::string message = fmt::format("{}: {}", what, st.message());
  switch (st.code()) {
    case Status::Code::kTimeout: return Status::Timeout(message);
    case Status::Code::kUnavailable: return Status::Unavailable(message);
    case Status::Code::kNotFound: return Status::NotFound(message);
    case Status::Code::kIOError: return Status::IOError(message);
    case Status::Code::kInternal: return Status::Internal(message);
    default: return Status::Invalid(message);
  }
}

}  // namespace

std::string StoreViewName(const std::string& view_file) {
  std::string name = view_file.substr(view_file.find_last_of('/') + 1);
  const size_t suffix = std::string(kViewFileSuffix).size();
  if (name.size() > suffix && name.compare(name.size() - suffix, suffix, kViewFileSuffix) == 0)
    name.resize(name.size() - suffix);
  return name;
}

std::string ElementOfTarget(const std::string& target) { return target.substr(target.find('/') + 1); }

QueryRun::QueryRun(CellQuery query, int64_t start_ms, int64_t wall_ms)
    : query_(std::move(query)), start_ms_(start_ms), now_ms_(query_.now_ms >= 0 ? query_.now_ms : wall_ms),
      step_(query_.saved.empty() ? Step::kView : Step::kSavedQuery) {}

int64_t QueryRun::RemainingMs(int64_t now_ms) const {
  return std::max<int64_t>(1, start_ms_ + query_.timeout_ms - now_ms);
}

void QueryRun::Fail(const Status& why) {
  error_ = why;
  step_ = Step::kDone;
}

json QueryRun::CatalogRequest() const {
  catalog::Request request;
  if (step_ == Step::kSavedQuery) {
    request.op = catalog::Op::kShow;
    request.kind = catalog::Kind::kQuery;
    request.moniker = query_.saved;
  } else {
    request.op = catalog::Op::kFindView;
    request.moniker = query_.view;
  }
  return catalog::EncodeRequest(request);
}

void QueryRun::OnCatalog(const Status& asked, const json& answer) {
  if (!asked.ok()) return Fail(Within("the catalog", asked));
  if (step_ == Step::kSavedQuery) {
    const std::string what = fmt::format("saved query '{}'", query_.saved);
    if (Status st = CatalogRefusal(answer, what); !st.ok()) return Fail(st);
    catalog::SavedQuery saved;
    Status st = answer.contains("query") ? catalog::FromJson(answer["query"], &saved)
                                         : Status::Invalid("the catalog's answer has no query");
    if (!st.ok()) return Fail(Status::Invalid(fmt::format("{}: {}", what, st.message())));
    query_.text = saved.text;
    query_.view = saved.view;
    step_ = Step::kView;
    return;
  }
  const std::string what = fmt::format("view '{}'", query_.view);
  if (Status st = CatalogRefusal(answer, what); !st.ok()) return Fail(st);
  catalog::View view;
  Status st = answer.contains("view") ? catalog::FromJson(answer["view"], &view)
                                      : Status::Invalid("the catalog's answer has no view");
  if (!st.ok()) return Fail(Status::Invalid(fmt::format("{}: {}", what, st.message())));
  if (view.store.empty()) return Fail(Status::Invalid(fmt::format("{}: the catalog names no sample store", what)));
  domain_ = view.domain;
  store_element_ = ElementOfTarget(view.store);
  store_view_ = StoreViewName(view.view_file);
  step_ = Step::kStore;
}

json QueryRun::StoreRequest() const { return {{"view", store_view_}}; }

void QueryRun::OnStore(const Status& asked, const json& answer) {
  const std::string what = fmt::format("view '{}': sample store '{}'", query_.view, store_element_);
  if (!asked.ok()) return Fail(Within(what, asked));
  auto generation = answer.find("generation");
  auto loci = answer.find("loci");
  auto schema = answer.find("schema");
  if (generation == answer.end() || !generation->is_string() || loci == answer.end() || !loci->is_array() ||
      schema == answer.end() || !schema->is_string())
    return Fail(Status::Invalid(fmt::format("{}: an answer without generation, loci and schema", what)));
  generation_ = generation->get<std::string>();
  if (Status st = worker::GenerationNumber(generation_, &generation_number_); !st.ok())
    return Fail(Within(what, st));
  loci_ = *loci;
  const std::string schema_file = schema->get<std::string>();
  std::vector<brio::SchemaError> schema_errors;
  brio::Schema parsed;
  if (brio::ReadSchemaFile(schema_file, &schema_text_, &schema_errors))
    parsed = brio::ParseSchema(schema_text_, schema_file, &schema_errors);
  if (!schema_errors.empty())
    return Fail(Status::Invalid(fmt::format("{}: {}", what, schema_errors.front().ToString())));
  std::vector<eql::QueryError> errors;
  if (!eql::CompileQueryText(query_.text, parsed, now_ms_, &plan_, &errors)) {
    refusal_.message = fmt::format("the query does not check against view '{}': {} error{}", query_.view,
                                   errors.size(), errors.size() == 1 ? "" : "s");
    for (const eql::QueryError& e : errors) refusal_.errors.push_back(e.ToString());
    if (refusal_.errors.empty()) refusal_.errors.push_back("1:1: error: the query does not compile");
    step_ = Step::kDone;
    return;
  }
  step_ = Step::kScan;
}

worker::ScanRequest QueryRun::ScanRequest(const Deal& deal, int64_t now_ms) const {
  worker::ScanRequest request;
  request.generation = {domain_, query_.view, generation_number_};
  request.generation_text = generation_;
  request.loci = loci_;
  request.deal = deal;
  request.query = query_.text;
  request.schema = schema_text_;
  request.now_ms = now_ms_;
  // The workers' own budget ends a little before ours, so that their
  // answer (or their error naming who was slow) comes before our timeout.
  request.timeout_ms = std::max<int64_t>(1, RemainingMs(now_ms) * 9 / 10);
  return request;
}

void QueryRun::OnScan(const Status& asked, const worker::ScanReply& answer, int64_t now_ms) {
  if (!asked.ok()) return Fail(Within(fmt::format("scan of view '{}'", query_.view), asked));
  eql::PartialResult merged(eql::PartialShape::Of(plan_));
  if (Status st = eql::DecodePartial(answer.partial, &merged); !st.ok())
    return Fail(Status::Invalid(fmt::format("scan of view '{}': its partial result: {}", query_.view, st.message())));
  if (!(merged.shape() == eql::PartialShape::Of(plan_)))
    return Fail(Status::Invalid(fmt::format("scan of view '{}': a partial result of another query", query_.view)));
  const eql::ResultTable table = eql::FinishResult(plan_, merged);
  json sources = json::object();
  double load_ms = 0;
  for (const worker::ScanWorkerStats& worker : answer.workers) {
    json& n = sources[worker.source];
    n = n.is_number() ? n.get<int64_t>() + 1 : 1;
    load_ms = std::max(load_ms, worker.load_ms);
  }
  answer_ = TableJson(table);
  answer_["stats"] = {{"generation", answer.generation_text.empty() ? generation_ : answer.generation_text},
                      {"rows_scanned", merged.rows_scanned},
                      {"blobs", merged.blobs_scanned},
                      {"ms", now_ms - start_ms_},
                      {"load_ms", load_ms},
                      {"workers", answer.workers.size()},
                      {"sources", std::move(sources)}};
  step_ = Step::kDone;
}

}  // namespace datablox::supervisor
