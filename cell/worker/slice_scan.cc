#include "cell/worker/slice_scan.h"

#include <fmt/format.h>

#include "cell/brio/region.h"
#include "cell/brio/schema_parser.h"
#include "cell/query/eql_compiler.h"
#include "cell/query/scanner.h"

namespace datablox::worker {

Status CompileScan(const std::string& schema_text, const std::string& query, int64_t now_ms,
                   std::shared_ptr<const CompiledScan>* out) {
  auto compiled = std::make_shared<CompiledScan>();
  compiled->schema_text = schema_text;
  std::vector<brio::SchemaError> schema_errors;
  compiled->schema = brio::ParseSchema(schema_text, "scan schema", &schema_errors);
  if (!schema_errors.empty()) {
    std::string text;
    for (const brio::SchemaError& e : schema_errors) text += (text.empty() ? "" : "\n") + e.ToString();
    return Status::Invalid(text);
  }
  if (Status st = brio::SchemaLayout::Make(compiled->schema, &compiled->layout); !st.ok())
    return Status::Invalid("scan schema: " + st.message());
  std::vector<eql::QueryError> errors;
  if (!eql::CompileQueryText(query, compiled->schema, now_ms, &compiled->plan, &errors)) {
    std::string text;
    for (const eql::QueryError& e : errors) text += (text.empty() ? "" : "\n") + e.ToString();
    return Status::Invalid(text.empty() ? "the query does not compile" : text);
  }
  *out = std::move(compiled);
  return Status::OK();
}

SliceScan::SliceScan(std::shared_ptr<const CompiledScan> query, std::vector<std::string_view> regions, bool check)
    : query_(std::move(query)), start_(std::chrono::steady_clock::now()) {
  const eql::PartialShape shape = eql::PartialShape::Of(query_->plan);
  // At least one partial, so that a slice of no region answers an empty one.
  for (size_t i = 0; i < std::max<size_t>(regions.size(), 1); ++i)
    partials_.push_back(std::make_unique<eql::PartialResult>(shape));
  region_status_.resize(regions.size());
  censuses_.resize(std::max<size_t>(regions.size(), 1));
  if (regions.empty()) {
    Finish();
    return;
  }
  running_ = regions.size();
  for (size_t i = 0; i < regions.size(); ++i)
    threads_.emplace_back([this, i, bytes = regions[i], check] { ScanRegion(i, bytes, check); });
}

SliceScan::~SliceScan() {
  for (std::thread& t : threads_) t.join();
}

void SliceScan::ScanRegion(size_t region, std::string_view bytes, bool check) {
  brio::RegionView view;
  Status st = brio::RegionView::Open(bytes, &view);
  if (st.ok() && check) st = view.CheckBlobs(query_->layout);
  if (st.ok() && check) censuses_[region] = eql::Census::Take(view, query_->layout);
  if (st.ok()) {
    eql::Scanner scanner(query_->plan);
    scanner.ScanCheckedRegion(view, query_->layout, partials_[region].get());
  } else {
    region_status_[region] = Status::Invalid(fmt::format("region {}: {}", region, st.message()));
  }
  // The last region's thread merges: the element's thread only takes the result.
  if (running_.fetch_sub(1, std::memory_order_acq_rel) == 1) Finish();
}

void SliceScan::Finish() {
  for (const Status& st : region_status_) {
    if (!st.ok()) {
      status_ = st;
      break;
    }
  }
  for (size_t i = 1; i < partials_.size() && status_.ok(); ++i) status_ = partials_[0]->Merge(*partials_[i]);
  for (size_t i = 1; i < censuses_.size(); ++i) censuses_[0].Add(censuses_[i]);
  scan_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  done_.store(true, std::memory_order_release);
}

}  // namespace datablox::worker
