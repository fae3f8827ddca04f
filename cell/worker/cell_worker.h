// CellWorker: the cell's worker, holding slices of views in its cache.
// Its documentation is spec() in cell_worker.cc, which `datablox describe
// CellWorker` prints.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cell/worker/load_request.h"
#include "cell/worker/scan_protocol.h"
#include "cell/worker/slice_loader.h"
#include "cell/worker/slice_scan.h"
#include "cell/worker/worker_cache.h"
#include "datablox/element.h"

namespace datablox::worker {

class CellWorker : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  Status start() override;
  Production produce() override;
  void on_query(int port, const Log& request, Responder responder) override;
  void on_timer(int timer_id) override;
  void stop() override;

 private:
  using Clock = std::chrono::steady_clock;
  struct Loading {
    std::string generation_text;
    std::vector<int> loci;  // the numbers of the loci it loads
    std::unique_ptr<SliceLoader> loader;
    std::vector<Responder> waiters;
  };
  // A scan waiting for its slice (a load, or other scans of another deal).
  struct WaitingScan {
    SliceKey key;
    std::string generation_text;
    DealtLoci dealt;
    std::shared_ptr<const CompiledScan> query;
    Responder responder;
    Clock::time_point arrived;
    Clock::time_point deadline;  // of its load
    bool waited_for_load = false;
  };
  struct RunningScan {
    WaitingScan scan;
    ScanWorkerStats stats;
    bool checks = false;  // its regions are checked as they are scanned
    std::unique_ptr<SliceScan> job;
  };

  void StartLoad(const SliceKey& key, const std::string& generation_text, const nlohmann::json& loci,
                 std::vector<int> numbers);
  void FinishLoads();
  void Evict();
  void OnScan(const Log& request, const Responder& responder);
  // Moves every waiting scan on as far as it can go now (scan_decision.h).
  void DispatchScans();
  void StartScan(WaitingScan scan);
  void FinishScans();
  void FailScan(const Responder& responder, const std::string& why);
  void AnswerScan(const WaitingScan& scan, const eql::PartialResult& partial, std::vector<ScanWorkerStats> workers);
  bool InUse(const SliceKey& key) const;
  std::set<SliceKey> SlicesInUse() const;
  // The poll timer while loads or waiting scans are, the fast one while scans run.
  void UpdateTimers();
  // Answers with the slice as it is now (mapping a warm one: it becomes hot).
  void AnswerHeld(const SliceKey& key, const std::string& source, const Responder& responder);
  void AnswerLoading(const SliceKey& key, const Loading& loading, const Responder& responder);
  std::string ProgressText() const;

  std::string cache_dir_;
  int64_t worker_ = 0;
  int64_t cores_ = 2;
  int64_t evict_ms_ = 1000;
  int64_t stream_timeout_ms_ = 10000;
  EvictionLimits limits_;
  std::unique_ptr<WorkerCache> cache_;
  std::map<SliceKey, Loading> loading_;
  std::list<WaitingScan> waiting_scans_;
  std::list<RunningScan> running_scans_;
  // Slices whose regions were checked since they were loaded or mapped,
  // with the schema text they were checked for and their census then.
  struct CheckedSlice {
    std::string schema_text;
    eql::Census census;
  };
  std::map<SliceKey, CheckedSlice> checked_;
  int poll_timer_ = -1;
  int scan_timer_ = -1;
  int evict_timer_ = -1;
  uint64_t census_answers_ = 0;  // scans answered from a census, none of their blobs read
  uint64_t loads_ = 0;           // load requests
  uint64_t streams_opened_ = 0;  // locus streams opened, over all loads
  uint64_t loaded_items_ = 0;
  uint64_t loaded_bytes_ = 0;
  uint64_t load_failures_ = 0;
  uint64_t recovered_ = 0;  // slices found on disk at start
  uint64_t flushed_ = 0;
  uint64_t dropped_ = 0;
  uint64_t scans_ = 0;  // answered
  uint64_t scan_failures_ = 0;
  uint64_t rows_scanned_ = 0;
  uint64_t reloads_ = 0;  // slices loaded anew for a scan dealt other loci
  double last_scan_ms_ = 0;
};

}  // namespace datablox::worker
