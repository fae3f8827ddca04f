// One scan of one slice: a query compiled once (CompileScan: the schema's
// text parsed and laid out, the EQL compiled against it), then every
// region of the slice scanned on a thread of its own (the slice has one
// region per core) into a PartialResult each, merged into one once the
// last thread is done. The element's thread starts it, polls done() and
// takes the result; nothing blocks it meanwhile.
//
// A region is checked whole (RegionView::CheckBlobs) when `check` says so:
// once after its slice was loaded or mapped, for the schema the scan
// names; then scanned with ScanCheckedRegion, which checks no blob again
// and allocates nothing per blob. A region checked is also counted whole
// (eql::Census), so that later queries asking only counts of whole levels
// are answered without a scan (cell_worker.cc keeps the census).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cell/brio/blob_layout.h"
#include "cell/brio/schema.h"
#include "cell/query/census.h"
#include "cell/query/partial.h"
#include "cell/query/plan.h"
#include "datablox/status.h"

namespace datablox::worker {

// A query ready to scan with: it does not move (the layout points into
// its schema), so it is shared by pointer among the scans that use it.
struct CompiledScan {
  std::string schema_text;
  brio::Schema schema;
  brio::SchemaLayout layout;
  eql::Plan plan;
};

// Invalid with every error, one a line: the schema's ("scan schema:LINE:COL:
// error: ...") or else the query's ("LINE:COL: error: ...").
Status CompileScan(const std::string& schema_text, const std::string& query, int64_t now_ms,
                   std::shared_ptr<const CompiledScan>* out);

class SliceScan {
 public:
  // Starts one thread per region at once. The regions' bytes must stay
  // mapped until done() (the element pins the slice against eviction).
  SliceScan(std::shared_ptr<const CompiledScan> query, std::vector<std::string_view> regions, bool check);
  ~SliceScan();  // waits for the threads
  SliceScan(const SliceScan&) = delete;
  SliceScan& operator=(const SliceScan&) = delete;

  bool done() const { return done_.load(std::memory_order_acquire); }
  // Once done(): the first region that did not open or check, naming it; or
  // OK and the regions' partials merged.
  const Status& status() const { return status_; }
  eql::PartialResult& partial() { return *partials_.front(); }
  // Once done() and OK, of a scan that checked its regions: every region's census, added.
  const eql::Census& census() const { return censuses_.front(); }
  double scan_ms() const { return scan_ms_; }

 private:
  void ScanRegion(size_t region, std::string_view bytes, bool check);
  void Finish();

  std::shared_ptr<const CompiledScan> query_;
  std::vector<std::unique_ptr<eql::PartialResult>> partials_;  // by region; [0] holds the merge
  std::vector<Status> region_status_;
  std::vector<eql::Census> censuses_;  // by region, when checked; [0] holds the sum
  std::atomic<size_t> running_{0};
  std::atomic<bool> done_{false};
  Status status_;
  std::chrono::steady_clock::time_point start_;
  double scan_ms_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace datablox::worker
