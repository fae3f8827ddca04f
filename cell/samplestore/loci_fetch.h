// Pulling a view's loci: every locus of a supervisor's answer
// (loci_answer.h) through Nexus into one sink of blobs, as `datablox fetch`
// does. One nexus::Client, a stream per locus to its primary worker, all in
// parallel; every parcel must be a Brio region holding as many blobs as the
// parcel says, and every stream's completion counts are checked by the
// client (a short load is an error, never a success).
//
// A locus whose worker is dead, refuses or fails mid-stream is pulled
// again from its next replica (replica_fallback.h), what the sink had of
// it discarded first; only when every replica of a locus failed does the
// fetch fail, and the first such failure (or any data error) cancels the
// rest.
//
// Errors: Timeout when every worker of a locus went silent (died) for
// stream_timeout_ms; Unavailable when every worker of a locus refused or
// failed (a stale generation, a death among them), the message naming each
// worker and its error; Invalid when the data does not add up (a count
// mismatch, a parcel that is no region, an answer not of its shape).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cell/samplestore/region_file.h"
#include "datablox/status.h"

namespace datablox::samplestore {

struct LociFetchOptions {
  int64_t stream_timeout_ms = 10000;
  uint32_t window = 8;        // parcels in flight per stream
  int64_t progress_ms = 250;  // how often `progress` is called
  // > 0: parcels are consumed at most this fast over all streams (the
  // fetch waits inside its consumer, so its credit, and the workers, wait
  // too): a slow requester, for tests and for sharing a link.
  double max_parcels_per_s = 0;
};

struct FetchProgress {
  uint32_t loci = 0;
  uint32_t loci_done = 0;
  uint64_t items = 0;
  uint64_t bytes = 0;
  uint32_t retries = 0;  // loci pulled again from a replica
};

struct FetchReport {
  std::string generation;
  uint32_t loci = 0;
  uint64_t items = 0;                // blobs kept in the sink
  uint64_t rejected = 0;             // summed from the completions
  uint64_t bytes = 0;                // parcel bytes received (of the attempts kept)
  uint32_t retries = 0;              // loci pulled again from a replica
  std::vector<std::string> retried;  // each: "locus N at ADDRESS: ERROR; pulled from ADDRESS"
  std::string failed;                // "locus N at ADDRESS[, ADDRESS...]" of the failure, "" when none
};

// Where a fetch puts each locus's blobs; a locus pulled again discards
// what its failed attempt had delivered.
class LocusSink {
 public:
  virtual ~LocusSink() = default;
  virtual void Add(int locus, std::string_view blob) = 0;
  virtual void Discard(int locus) = 0;
};

// A region file as a LocusSink: blobs tagged with their locus.
class RegionFileLocusSink : public LocusSink {
 public:
  explicit RegionFileLocusSink(RegionFileWriter* file) : file_(file) {}
  void Add(int locus, std::string_view blob) override { file_->Add(static_cast<uint32_t>(locus), blob); }
  void Discard(int locus) override { file_->Discard(static_cast<uint32_t>(locus)); }

 private:
  RegionFileWriter* file_;
};

Status FetchLoci(const nlohmann::json& answer, const LociFetchOptions& options, LocusSink& sink,
                 const std::function<void(const FetchProgress&)>& progress, FetchReport* report);

}  // namespace datablox::samplestore
