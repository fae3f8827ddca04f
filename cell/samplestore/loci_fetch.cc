#include "cell/samplestore/loci_fetch.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cell/brio/region.h"
#include "cell/samplestore/replica_fallback.h"
#include "runtime/nexus/client.h"

namespace datablox::samplestore {

namespace {

struct Pull {
  int locus = 0;
  std::vector<std::string> addresses;  // primary first
  std::string paradata;
  uint64_t stream_id = 0;  // of the current attempt
  bool done = false;
  uint64_t items = 0;  // of the current attempt, in the sink
  uint64_t bytes = 0;
};

Status ReadLoci(const nlohmann::json& answer, std::vector<Pull>* pulls, std::string* generation) {
  if (!answer.is_object() || !answer.contains("loci") || !answer["loci"].is_array() ||
      !answer.value("generation", nlohmann::json()).is_string())
    return Status::Invalid("not a view's loci: " + answer.dump());
  *generation = answer["generation"].get<std::string>();
  for (const nlohmann::json& locus : answer["loci"]) {
    Pull pull;
    const nlohmann::json number = locus.value("locus", nlohmann::json());
    const nlohmann::json addresses = locus.value("addresses", nlohmann::json());
    const nlohmann::json paradata = locus.value("paradata", nlohmann::json());
    bool addresses_ok = addresses.is_array() && !addresses.empty();
    for (const nlohmann::json& a : addresses_ok ? addresses : nlohmann::json::array())
      addresses_ok = addresses_ok && a.is_string() && !a.get<std::string>().empty();
    if (!number.is_number_integer() || !addresses_ok || !paradata.is_string())
      return Status::Invalid("a locus without its number, worker addresses or paradata: " + locus.dump());
    pull.locus = number.get<int>();
    for (const nlohmann::json& a : addresses) pull.addresses.push_back(a.get<std::string>());
    pull.paradata = paradata.get<std::string>();
    pulls->push_back(std::move(pull));
  }
  return Status::OK();
}

// Waits so that parcels go at most `per_second` over the fetch.
class Throttle {
 public:
  explicit Throttle(double per_second) : per_second_(per_second) {}
  void Take() {
    if (per_second_ <= 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (next_ < now) next_ = now;
    std::this_thread::sleep_until(next_);
    next_ +=
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(1 / per_second_));
  }

 private:
  double per_second_;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace

Status FetchLoci(const nlohmann::json& answer, const LociFetchOptions& options, LocusSink& sink,
                 const std::function<void(const FetchProgress&)>& progress, FetchReport* report) {
  std::vector<Pull> pulls;
  if (Status st = ReadLoci(answer, &pulls, &report->generation); !st.ok()) return st;
  report->loci = static_cast<uint32_t>(pulls.size());
  if (pulls.empty()) return Status::OK();

  std::vector<std::vector<std::string>> addresses;
  for (const Pull& pull : pulls) addresses.push_back(pull.addresses);
  ReplicaFallback fallback(std::move(addresses));
  nexus::ClientOptions client_options;
  client_options.stream_timeout_ms = options.stream_timeout_ms;
  client_options.window = options.window;
  client_options.report_ended = true;
  nexus::Client client(client_options);
  std::unordered_map<uint64_t, size_t> pull_of;  // live streams: stream id -> its pull
  Throttle throttle(options.max_parcels_per_s);

  Status failure;  // the fetch's: it ends at once
  auto fail = [&](size_t i, Status why, const std::string& where) {
    if (!failure.ok()) return;
    failure = std::move(why);
    report->failed = fmt::format("locus {} at {}", pulls[i].locus, where);
    for (const auto& [stream, _] : pull_of) client.Abort(stream);
  };
  auto consume = [&](uint64_t stream_id, std::string_view bytes, uint64_t items) {
    auto it = pull_of.find(stream_id);
    if (!failure.ok() || it == pull_of.end()) return;
    Pull& pull = pulls[it->second];
    brio::RegionView region;
    Status opened = brio::RegionView::Open(bytes, &region);
    if (opened.ok() && region.blob_count() != items)
      opened = Status::Invalid(fmt::format("a parcel of {} items holds {} blobs", items, region.blob_count()));
    if (!opened.ok())
      return fail(it->second, Status::Invalid("a parcel is not a Brio region: " + opened.message()),
                  fallback.Address(it->second));
    for (uint64_t b = 0; b < region.blob_count(); ++b) sink.Add(pull.locus, region.BlobBytes(b));
    pull.items += region.blob_count();
    pull.bytes += bytes.size();
    throttle.Take();
  };
  // Opens the pull at its current replica; on a failure, the next ones.
  std::function<void(size_t)> open;
  auto failed = [&](size_t i, const Status& why) {
    Pull& pull = pulls[i];
    const std::string address = fallback.Address(i);
    switch (fallback.Failed(i, why)) {
      case ReplicaFallback::Next::kRetry:
        report->retried.push_back(
            fmt::format("locus {} at {}: {}; pulled from {}", pull.locus, address, why.message(), fallback.Address(i)));
        sink.Discard(pull.locus);
        pull.items = pull.bytes = 0;
        return open(i);
      case ReplicaFallback::Next::kExhausted: {
        std::string all;
        for (const std::string& a : pull.addresses) all += (all.empty() ? "" : ", ") + a;
        return fail(i, fallback.Exhausted(i, pull.locus), all);
      }
      case ReplicaFallback::Next::kFatal: return fail(i, why, address);
    }
  };
  open = [&](size_t i) {
    Pull& pull = pulls[i];
    Status st = client.Open(fallback.Address(i), pull.paradata, 0, consume, &pull.stream_id);
    if (!st.ok()) return failed(i, Status::Unavailable(st.message()));
    pull_of[pull.stream_id] = i;
  };
  for (size_t i = 0; i < pulls.size() && failure.ok(); ++i) open(i);

  auto show = [&] {
    FetchProgress p{report->loci, 0, 0, 0, static_cast<uint32_t>(fallback.retries())};
    for (const Pull& pull : pulls) {
      p.loci_done += pull.done;
      p.items += pull.items;
      p.bytes += pull.bytes;
    }
    progress(p);
  };
  auto last = std::chrono::steady_clock::now();
  size_t done = 0;
  std::vector<nexus::StreamReport> ended;
  while (failure.ok() && done < pulls.size()) {
    client.Poll(100);
    ended.clear();
    client.TakeEnded(&ended);
    for (const nexus::StreamReport& stream : ended) {
      auto it = pull_of.find(stream.stream_id);
      if (it == pull_of.end() || !failure.ok()) continue;
      const size_t i = it->second;
      pull_of.erase(it);
      if (stream.status.ok()) {
        pulls[i].done = true;
        ++done;
        report->rejected += stream.completion.rejected;
      } else {
        failed(i, stream.status);
      }
    }
    if (progress && std::chrono::steady_clock::now() - last >= std::chrono::milliseconds(options.progress_ms)) {
      last = std::chrono::steady_clock::now();
      show();
    }
  }
  if (progress) show();
  report->retries = static_cast<uint32_t>(fallback.retries());
  for (const Pull& pull : pulls) {
    report->items += pull.items;
    report->bytes += pull.bytes;
  }
  return failure;
}

}  // namespace datablox::samplestore
