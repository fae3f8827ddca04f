// Pulling a view's loci: every locus of a supervisor's answer
// (loci_answer.h) through Nexus into one sink of blobs, as `datablox fetch`
// does. One nexus::Client, one operation, a stream per locus to its primary
// worker, all in parallel; every parcel must be a Brio region holding as
// many blobs as the parcel says, and every stream's completion counts are
// checked by the client (a short load is an error, never a success). The
// first failure cancels the rest.
//
// Errors: Timeout when a worker went silent (died) for stream_timeout_ms;
// Invalid when the data does not add up (a count mismatch, a parcel that is
// no region, an answer not of its shape); Unavailable when a worker refused
// or failed (a stale generation).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "cell/brio/press_stats.h"
#include "datablox/status.h"

namespace datablox::samplestore {

struct LociFetchOptions {
  int64_t stream_timeout_ms = 10000;
  uint32_t window = 8;        // parcels in flight per stream
  int64_t progress_ms = 250;  // how often `progress` is called
};

struct FetchProgress {
  uint32_t loci = 0;
  uint32_t loci_done = 0;
  uint64_t items = 0;
  uint64_t bytes = 0;
};

struct FetchReport {
  std::string generation;
  uint32_t loci = 0;
  uint64_t items = 0;     // blobs written to the sink
  uint64_t rejected = 0;  // summed from the completions
  uint64_t bytes = 0;     // parcel bytes received
  std::string failed;     // "locus N at ADDRESS" of the first failure, "" when none
};

Status FetchLoci(const nlohmann::json& answer, const LociFetchOptions& options, brio::BlobSink& sink,
                 const std::function<void(const FetchProgress&)>& progress, FetchReport* report);

}  // namespace datablox::samplestore
