#include "cell/worker/cell_worker.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "cell/brio/region.h"
#include "cell/query/partial_codec.h"
#include "cell/worker/cache_listing.h"
#include "cell/worker/scan_decision.h"
#include "cell/worker/scan_merge.h"

namespace datablox::worker {

namespace {

constexpr int64_t kPollMs = 20;     // how often running loads (and scans waiting for them) are looked at
constexpr int64_t kScanPollMs = 1;  // how often running scans are: a hot scan's answer waits for it
constexpr int kScanPort = 1;  // the second query input, as declared (the first: load)

// Wall-clock ms: a slice's last use survives a restart (the TTL runs on).
int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ClassSpec CellWorker::spec() {
  return ClassSpec("CellWorker", "holds slices of views in its cache, loaded through Nexus from the sample store")
      .describe(
          "Asked {\"domain\", \"view\", \"generation\", \"loci\": [...]} on its `load` port (a SampleStoreSupervisor's "
          "answer with a domain, or the part of its loci dealt to this worker), loads the slice: every locus "
          "streamed (Nexus) from its sample-store worker, the blobs dealt round-robin to one Brio region per core, "
          "each written under CACHE_DIR/DOMAIN/VIEW/GENERATION/slice-WORKER/ (.partial, fsync, rename) and a "
          "manifest last; the slice is then warm, and mapped read-only it is hot. Answers, once loaded, "
          "{\"slice\", \"generation\", \"state\", \"source\": \"nexus\"|\"disk\"|\"memory\", \"items\", \"bytes\", "
          "\"regions\"}, or the error naming the locus and its worker. With \"wait\": false it answers at once with "
          "the state (\"loading\" with the progress while it loads). Several loads may run at once; a slice asked "
          "for while it loads is loaded once. A worker restarted by its caretaker finds its complete slices on "
          "disk again (half-written ones are removed): a load of one answers from disk, no stream opened. Every "
          "EVICT_MS, eviction: slices unused for TTL_S are dropped, hot ones flushed (unmapped, still warm) when "
          "memory passes MEMORY_HIGH of MEMORY_BYTES until under MEMORY_LOW, and the least recently used dropped "
          "when the disk passes DISK_HIGH of DISK_BYTES until under DISK_LOW; a slice a scan reads is left alone. "
          "On its `scan` port it is asked a query over its deal (cell/worker/scan_protocol.h): {\"domain\", "
          "\"view\", \"generation\", \"loci\": ALL, \"deal\": {MEMBER_ID: [locus index, ...]}, \"query\", "
          "\"schema\": TEXT, \"now\"[, \"timeout_ms\"]}. It compiles the query once (an error answers every "
          "LINE:COL), loads its slice of the loci dealt to its member id (its `worker` outside a shard) as `load` "
          "does when it is not held (a scan waits for a load in progress, at most TIMEOUT_MS; a slice held for "
          "other loci is loaded anew), checks its regions once after they are loaded or mapped (counting the "
          "instances of every level then: a query of counts of whole levels only, no where, group or funnel, is "
          "answered from those counts, no blob read), scans them on one thread per region and answers {\"partial\": BYTES, \"generation\", \"workers\": [{\"worker\", "
          "\"slice\", \"source\", \"rows_scanned\", \"blobs\", \"load_ms\", \"scan_ms\"}]}; a member dealt "
          "nothing answers an empty partial. As a shard's members (`merge: custom`), their partials are merged "
          "into one reply of the same shape. Runs until stopped.")
      .shardable()
      .merge(MergeScanReplies)
      .query_in("load", /*required=*/false, "{domain, view, generation, loci[, wait]} -> the slice, once loaded")
      .query_in("scan", /*required=*/false, "{domain, view, generation, loci, deal, query, schema, now} -> a partial")
      .param_string("cache_dir", "the folder of its slices (kept across restarts)")
      .param_int("worker", 0, "the slice number this worker holds of each generation (a shard's member: its id)")
      .param_int("cores", 2, "regions per slice: the cores that scan it (1..1024)")
      .param_int("memory_bytes", int64_t{1} << 30, "the memory budget the memory watermarks are fractions of")
      .param_int("disk_bytes", int64_t{10} << 30, "the disk budget the disk watermarks are fractions of")
      .param_float("memory_high", 0.40, "hot data above this fraction of memory_bytes is flushed ...")
      .param_float("memory_low", 0.25, "... until under this fraction")
      .param_float("disk_high", 0.60, "data on disk above this fraction of disk_bytes is dropped ...")
      .param_float("disk_low", 0.50, "... until under this fraction")
      .param_int("ttl_s", 0, "a slice unused this long is dropped (0: never)")
      .param_int("evict_ms", 1000, "how often eviction runs (10..600000)")
      .param_int("stream_timeout_ms", 10000, "a sample-store worker silent this long fails the load")
      .handler("loads", "load requests answered or waiting")
      .handler("loading", "slices loading now")
      .handler("progress", "the loads running: SLICE loci=DONE/ALL items=N bytes=N, one a line")
      .handler("streams_opened", "locus streams opened (a load answered from the cache opens none)")
      .handler("loaded_items", "blobs loaded through Nexus")
      .handler("loaded_bytes", "bytes of parcels loaded through Nexus")
      .handler("load_failures", "loads that failed")
      .handler("recovered", "slices found complete on disk at start")
      .handler("slices", "the slices by state: cold=N warm=N hot=N no_data=N failed=N (cold: loading)")
      .handler("memory_bytes", "bytes of hot slices")
      .handler("disk_bytes", "bytes of slices on disk")
      .handler("evictions", "flushed=N dropped=N")
      .handler("cache", "generations -> slices -> regions with their states, as JSON")
      .handler("scans", "scans answered")
      .handler("census_answers", "scans answered from their slice's census (counts of whole levels only), no blob read")
      .handler("scan_failures", "scans answered with an error (a bad request, a query that does not compile, ...)")
      .handler("scanning", "scans waiting for their slice and scans running")
      .handler("rows_scanned", "instances visited by the scans answered, every level")
      .handler("last_scan_ms", "how long the last scan answered took over its regions")
      .handler("reloads", "slices loaded anew because a scan was dealt other loci than they hold");
}

Status CellWorker::configure(const Params& params) {
  int64_t memory = 0, disk = 0, ttl_s = 0;
  Watermarks& marks = limits_.marks;
  Status st = params.read("cache_dir", cache_dir_)
                  .read("worker", worker_)
                  .read("cores", cores_)
                  .read("memory_bytes", memory)
                  .read("disk_bytes", disk)
                  .read("memory_high", marks.memory_high)
                  .read("memory_low", marks.memory_low)
                  .read("disk_high", marks.disk_high)
                  .read("disk_low", marks.disk_low)
                  .read("ttl_s", ttl_s)
                  .read("evict_ms", evict_ms_)
                  .read("stream_timeout_ms", stream_timeout_ms_)
                  .status();
  if (!st.ok()) return st;
  if (st = marks.Check(); !st.ok()) return st;
  if (cache_dir_.empty()) return Status::Invalid("cache_dir must be a folder");
  if (worker_ < 0) return Status::Invalid("worker must be >= 0");
  if (cores_ < 1 || cores_ > kMaxCores) return Status::Invalid(fmt::format("cores must be in 1..{}", kMaxCores));
  if (memory < 0 || disk < 0 || ttl_s < 0) return Status::Invalid("memory_bytes, disk_bytes and ttl_s must be >= 0");
  if (evict_ms_ < 10 || evict_ms_ > 600000) return Status::Invalid("evict_ms must be in 10..600000");
  if (stream_timeout_ms_ < 100) return Status::Invalid("stream_timeout_ms must be >= 100");
  if (const ShardMembership* member = membership()) worker_ = member->id;
  limits_.memory_bytes = static_cast<uint64_t>(memory);
  limits_.disk_bytes = static_cast<uint64_t>(disk);
  limits_.view_ttl_ms = ttl_s * 1000;
  cache_ = std::make_unique<WorkerCache>(cache_dir_, limits_);

  auto number = [](const uint64_t* value) { return [value] { return std::to_string(*value); }; };
  add_read_handler("loads", number(&loads_));
  add_read_handler("loading", [this] { return std::to_string(loading_.size()); });
  add_read_handler("progress", [this] { return ProgressText(); });
  add_read_handler("streams_opened", number(&streams_opened_));
  add_read_handler("loaded_items", number(&loaded_items_));
  add_read_handler("loaded_bytes", number(&loaded_bytes_));
  add_read_handler("load_failures", number(&load_failures_));
  add_read_handler("recovered", number(&recovered_));
  add_read_handler("slices", [this] { return StateCounts(cache_->Slices(), loading_.size()); });
  add_read_handler("memory_bytes", [this] { return std::to_string(cache_->memory_bytes()); });
  add_read_handler("disk_bytes", [this] { return std::to_string(cache_->disk_bytes()); });
  add_read_handler("evictions", [this] { return fmt::format("flushed={} dropped={}", flushed_, dropped_); });
  add_read_handler("cache", [this] { return CacheListing(*cache_).dump(); });
  add_read_handler("scans", number(&scans_));
  add_read_handler("census_answers", number(&census_answers_));
  add_read_handler("scan_failures", number(&scan_failures_));
  add_read_handler("scanning", [this] { return std::to_string(waiting_scans_.size() + running_scans_.size()); });
  add_read_handler("rows_scanned", number(&rows_scanned_));
  add_read_handler("last_scan_ms", [this] { return fmt::format("{:.3f}", last_scan_ms_); });
  add_read_handler("reloads", number(&reloads_));
  return Status::OK();
}

Status CellWorker::start() {
  std::vector<std::string> ignored;
  if (Status st = cache_->Recover(&ignored, NowMs(), static_cast<int>(worker_)); !st.ok()) return st;
  for (const std::string& why : ignored) std::fprintf(stderr, "cache: removed %s\n", why.c_str());
  recovered_ = cache_->Slices().size();
  if (recovered_ > 0)
    std::fprintf(stderr, "cache: %llu slices found on disk\n", static_cast<unsigned long long>(recovered_));
  evict_timer_ = set_timer(Milliseconds(evict_ms_), Milliseconds(evict_ms_));
  return Status::OK();
}

// A service: it has no inputs to end it, so it runs until stopped (its
// loads and evictions run on timers).
Production CellWorker::produce() { return Production::Later(Milliseconds(60000)); }

void CellWorker::stop() {
  running_scans_.clear();  // their threads end with their regions
  waiting_scans_.clear();
  loading_.clear();  // each loader's thread ends with its streams' timeouts at the latest
}

void CellWorker::on_query(int port, const Log& request, Responder responder) {
  if (port == kScanPort) return OnScan(request, responder);
  LoadRequest load;
  if (Status st = ParseLoadRequest(request.to_json(), &load); !st.ok()) return responder.error(st.message());
  ++loads_;
  const SliceKey key{load.generation, static_cast<int>(worker_)};
  if (auto it = loading_.find(key); it != loading_.end()) {
    if (load.wait) return it->second.waiters.push_back(responder);
    return AnswerLoading(key, it->second, responder);
  }
  const SliceState state = cache_->StateOf(key);
  if (state == SliceState::kFailed && !load.wait) return AnswerHeld(key, "memory", responder);
  if (state == SliceState::kFailed) (void)cache_->Drop(key);  // asked again: load anew
  if (state == SliceState::kCold || state == SliceState::kFailed) {
    StartLoad(key, load.generation_text, load.loci, LocusNumbers(load.loci["loci"]));
    Loading& loading = loading_.at(key);
    if (load.wait) return loading.waiters.push_back(responder);
    return AnswerLoading(key, loading, responder);
  }
  AnswerHeld(key, state == SliceState::kWarm ? "disk" : "memory", responder);
}

void CellWorker::StartLoad(const SliceKey& key, const std::string& generation_text, const nlohmann::json& loci,
                           std::vector<int> numbers) {
  samplestore::LociFetchOptions options;
  options.stream_timeout_ms = stream_timeout_ms_;
  options.progress_ms = 100;
  streams_opened_ += loci["loci"].size();
  Loading& loading = loading_[key];
  loading.generation_text = generation_text;
  loading.loci = std::move(numbers);
  loading.loader = std::make_unique<SliceLoader>(cache_->layout(), key, loci, static_cast<int>(cores_), options);
  checked_.erase(key);
  UpdateTimers();
}

void CellWorker::on_timer(int timer_id) {
  if (timer_id == poll_timer_) FinishLoads();
  if (timer_id == scan_timer_) FinishScans();
  if (timer_id == poll_timer_ || timer_id == scan_timer_) DispatchScans();
  if (timer_id == evict_timer_) Evict();
  UpdateTimers();
}

void CellWorker::UpdateTimers() {
  auto keep = [this](int* timer, bool needed, int64_t period_ms) {
    if (needed && *timer < 0) *timer = set_timer(Milliseconds(period_ms), Milliseconds(period_ms));
    if (!needed && *timer >= 0) {
      cancel_timer(*timer);
      *timer = -1;
    }
  };
  keep(&poll_timer_, !loading_.empty() || !waiting_scans_.empty(), kPollMs);
  keep(&scan_timer_, !running_scans_.empty(), kScanPollMs);
}

void CellWorker::FinishLoads() {
  for (auto it = loading_.begin(); it != loading_.end();) {
    if (!it->second.loader->done()) {
      ++it;
      continue;
    }
    const SliceKey key = it->first;
    Loading loading = std::move(it->second);
    it = loading_.erase(it);
    const LoadResult& result = loading.loader->result();
    const LoadProgress progress = loading.loader->progress();
    loaded_items_ += result.items;
    loaded_bytes_ += progress.bytes;
    Status st = result.status;
    if (st.ok()) st = cache_->CompleteLoad(key, result.regions, NowMs(), loading.loci);
    if (!st.ok()) {
      ++load_failures_;
      const std::string why =
          fmt::format("load {}: {}{}", key.ToString(), result.failed.empty() ? "" : result.failed + ": ", st.message());
      std::fprintf(stderr, "%s\n", why.c_str());
      (void)cache_->FailLoad(key, why, NowMs());
      for (const Responder& r : loading.waiters) r.error(why);
      // The scans that waited for it fail with it (asked again, they load anew).
      for (auto scan = waiting_scans_.begin(); scan != waiting_scans_.end();) {
        if (scan->key != key) {
          ++scan;
          continue;
        }
        FailScan(scan->responder, why);
        scan = waiting_scans_.erase(scan);
      }
      continue;
    }
    for (const Responder& r : loading.waiters) AnswerHeld(key, "nexus", r);
  }
}

void CellWorker::Evict() {
  for (const EvictionStep& step : cache_->Evict(NowMs(), SlicesInUse())) {
    checked_.erase(step.key);  // mapped again, or loaded again, its regions are checked again
    const bool flush = step.action == EvictionAction::kFlush;
    ++(flush ? flushed_ : dropped_);
    std::fprintf(stderr, "cache: %s %s (%s)\n", flush ? "flushed" : "dropped", step.key.ToString().c_str(),
                 step.reason);
  }
}

void CellWorker::AnswerHeld(const SliceKey& key, const std::string& source, const Responder& responder) {
  nlohmann::json answer = {
      {"slice", key.ToString()}, {"generation", GenerationText(key.generation.generation)}, {"source", source}};
  std::vector<std::string_view> regions;
  if (cache_->StateOf(key) == SliceState::kWarm || cache_->StateOf(key) == SliceState::kHot) {
    if (Status st = cache_->Acquire(key, NowMs(), &regions); !st.ok()) return responder.error(st.message());
  }
  uint64_t items = 0, bytes = 0;
  for (std::string_view region : regions) {
    brio::RegionView view;
    if (Status st = brio::RegionView::Open(region, &view); !st.ok())
      return responder.error(fmt::format("slice {}: a region is no Brio region: {}", key.ToString(), st.message()));
    items += view.blob_count();
    bytes += region.size();
  }
  answer["state"] = StateName(cache_->StateOf(key));
  answer["items"] = items;
  answer["bytes"] = bytes;
  answer["regions"] = regions.size();
  const std::string failure = cache_->FailureOf(key);
  if (!failure.empty()) answer["failure"] = failure;
  LogBuilder reply;
  if (Status st = reply.assign_json(answer.dump()); !st.ok()) return responder.error(st.message());
  responder.reply(reply);
}

void CellWorker::AnswerLoading(const SliceKey& key, const Loading& loading, const Responder& responder) {
  const LoadProgress p = loading.loader->progress();
  nlohmann::json answer = {{"slice", key.ToString()},  {"generation", loading.generation_text},
                           {"state", "loading"},       {"loci", p.loci},
                           {"loci_done", p.loci_done}, {"items", p.items},
                           {"bytes", p.bytes}};
  LogBuilder reply;
  if (Status st = reply.assign_json(answer.dump()); !st.ok()) return responder.error(st.message());
  responder.reply(reply);
}

void CellWorker::OnScan(const Log& request, const Responder& responder) {
  ScanRequest scan;
  if (Status st = ParseScanRequest(request.to_json(), &scan); !st.ok()) return FailScan(responder, st.message());
  WaitingScan waiting;
  // Compiled once, on this thread (a few ms at most); every region's thread shares it.
  if (Status st = CompileScan(scan.schema, scan.query, scan.now_ms, &waiting.query); !st.ok())
    return FailScan(responder, st.message());
  waiting.key = SliceKey{scan.generation, static_cast<int>(worker_)};
  waiting.generation_text = scan.generation_text;
  waiting.dealt = LociDealtTo(scan, static_cast<int>(worker_));
  waiting.responder = responder;
  waiting.arrived = Clock::now();
  waiting.deadline = scan.timeout_ms > 0 ? waiting.arrived + Milliseconds(scan.timeout_ms) : Clock::time_point::max();
  if (waiting.dealt.numbers.empty()) {  // dealt nothing: nothing to hold or to scan
    ++scans_;
    return AnswerScan(waiting, eql::PartialResult(eql::PartialShape::Of(waiting.query->plan)), {});
  }
  waiting_scans_.push_back(std::move(waiting));
  DispatchScans();
  UpdateTimers();
}

void CellWorker::DispatchScans() {
  for (auto it = waiting_scans_.begin(); it != waiting_scans_.end();) {
    WaitingScan& scan = *it;
    const SliceKey& key = scan.key;
    if (Clock::now() >= scan.deadline) {
      FailScan(scan.responder, fmt::format("scan of {}: its slice did not load within the scan's timeout_ms",
                                           key.ToString()));
      it = waiting_scans_.erase(it);
      continue;
    }
    const SliceSituation situation{cache_->StateOf(key), loading_.contains(key),
                                   cache_->LociOf(key) == scan.dealt.numbers, InUse(key)};
    const ScanStep step = NextScanStep(situation);
    if (step == ScanStep::kWait) {
      scan.waited_for_load = scan.waited_for_load || situation.loading;
      ++it;
      continue;
    }
    if (step == ScanStep::kReload || step == ScanStep::kLoad) {
      if (step == ScanStep::kReload) ++reloads_;
      if (situation.state != SliceState::kCold) (void)cache_->Drop(key);
      StartLoad(key, scan.generation_text, scan.dealt.fetch, scan.dealt.numbers);
      scan.waited_for_load = true;
      ++it;
      continue;
    }
    if (step == ScanStep::kAnswerEmpty) {
      ++scans_;
      ScanWorkerStats stats{static_cast<int>(worker_), key.ToString(), scan.waited_for_load ? "nexus" : "memory"};
      stats.load_ms = std::chrono::duration<double, std::milli>(Clock::now() - scan.arrived).count();
      AnswerScan(scan, eql::PartialResult(eql::PartialShape::Of(scan.query->plan)), {stats});
    } else {
      StartScan(std::move(scan));
    }
    it = waiting_scans_.erase(it);
  }
}

void CellWorker::StartScan(WaitingScan scan) {
  const SliceState before = cache_->StateOf(scan.key);
  std::vector<std::string_view> regions;
  if (Status st = cache_->Acquire(scan.key, NowMs(), &regions); !st.ok()) return FailScan(scan.responder, st.message());
  if (before == SliceState::kWarm) checked_.erase(scan.key);  // mapped anew: checked anew
  auto checked = checked_.find(scan.key);
  RunningScan running;
  running.checks = checked == checked_.end() || checked->second.schema_text != scan.query->schema_text;
  if (!running.checks && eql::Census::Answers(scan.query->plan)) {
    const Clock::time_point start = Clock::now();
    eql::PartialResult partial(eql::PartialShape::Of(scan.query->plan));
    checked->second.census.AnswerInto(scan.query->plan, &partial);
    ++scans_;
    ++census_answers_;
    rows_scanned_ += partial.rows_scanned;
    ScanWorkerStats stats{static_cast<int>(worker_), scan.key.ToString(), before == SliceState::kWarm ? "disk" : "memory"};
    stats.load_ms = std::chrono::duration<double, std::milli>(start - scan.arrived).count();
    stats.rows_scanned = partial.rows_scanned;
    stats.blobs = partial.blobs_scanned;
    stats.scan_ms = last_scan_ms_ = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    AnswerScan(scan, partial, {stats});
    return;
  }
  running.stats.worker = static_cast<int>(worker_);
  running.stats.slice = scan.key.ToString();
  running.stats.source = scan.waited_for_load ? "nexus" : before == SliceState::kWarm ? "disk" : "memory";
  running.stats.load_ms = std::chrono::duration<double, std::milli>(Clock::now() - scan.arrived).count();
  running.job = std::make_unique<SliceScan>(scan.query, std::move(regions), running.checks);
  running.scan = std::move(scan);
  running_scans_.push_back(std::move(running));
}

void CellWorker::FinishScans() {
  for (auto it = running_scans_.begin(); it != running_scans_.end();) {
    if (!it->job->done()) {
      ++it;
      continue;
    }
    RunningScan& running = *it;
    if (!running.job->status().ok()) {
      FailScan(running.scan.responder,
               fmt::format("scan of {}: {}", running.scan.key.ToString(), running.job->status().message()));
    } else {
      if (running.checks) checked_[running.scan.key] = {running.scan.query->schema_text, running.job->census()};
      const eql::PartialResult& partial = running.job->partial();
      ++scans_;
      rows_scanned_ += partial.rows_scanned;
      last_scan_ms_ = running.job->scan_ms();
      running.stats.rows_scanned = partial.rows_scanned;
      running.stats.blobs = partial.blobs_scanned;
      running.stats.scan_ms = running.job->scan_ms();
      AnswerScan(running.scan, partial, {running.stats});
    }
    it = running_scans_.erase(it);
  }
}

void CellWorker::FailScan(const Responder& responder, const std::string& why) {
  ++scan_failures_;
  std::fprintf(stderr, "scan: %s\n", why.c_str());
  responder.error(why);
}

void CellWorker::AnswerScan(const WaitingScan& scan, const eql::PartialResult& partial,
                            std::vector<ScanWorkerStats> workers) {
  ScanReply reply{eql::EncodePartial(partial), scan.generation_text, std::move(workers)};
  LogBuilder log;
  EncodeScanReply(reply, &log);
  scan.responder.reply(log);
}

bool CellWorker::InUse(const SliceKey& key) const {
  for (const RunningScan& running : running_scans_) {
    if (running.scan.key == key) return true;
  }
  return false;
}

std::set<SliceKey> CellWorker::SlicesInUse() const {
  std::set<SliceKey> keys;
  for (const RunningScan& running : running_scans_) keys.insert(running.scan.key);
  return keys;
}

std::string CellWorker::ProgressText() const {
  std::string text;
  for (const auto& [key, loading] : loading_) {
    const LoadProgress p = loading.loader->progress();
    text += fmt::format("{}{} loci={}/{} items={} bytes={}", text.empty() ? "" : "\n", key.ToString(), p.loci_done,
                        p.loci, p.items, p.bytes);
  }
  return text;
}

}  // namespace datablox::worker

DATABLOX_ELEMENT(datablox::worker::CellWorker)
