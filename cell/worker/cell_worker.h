// CellWorker: the cell's worker, holding slices of views in its cache.
// Its documentation is spec() in cell_worker.cc, which `datablox describe
// CellWorker` prints.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cell/worker/load_request.h"
#include "cell/worker/slice_loader.h"
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
  struct Loading {
    std::string generation_text;
    std::unique_ptr<SliceLoader> loader;
    std::vector<Responder> waiters;
  };

  void StartLoad(const SliceKey& key, const LoadRequest& request);
  void FinishLoads();
  void Evict();
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
  int poll_timer_ = -1;
  int evict_timer_ = -1;
  uint64_t loads_ = 0;           // load requests
  uint64_t streams_opened_ = 0;  // locus streams opened, over all loads
  uint64_t loaded_items_ = 0;
  uint64_t loaded_bytes_ = 0;
  uint64_t load_failures_ = 0;
  uint64_t recovered_ = 0;  // slices found on disk at start
  uint64_t flushed_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace datablox::worker
