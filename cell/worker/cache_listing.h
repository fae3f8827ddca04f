// What a worker's cache holds, for its handlers: socket-free, so a test
// checks the text exactly.
//
//   {"memory_bytes": N, "disk_bytes": N,
//    "generations": [{"domain": "unity", "view": "events", "generation": "0123456789abcdef",
//                     "slices": [{"worker": 0, "state": "hot", "bytes": N, "last_used_ms": T,
//                                 "failure": "...",          // only when failed
//                                 "regions": [{"core": 0, "file": "region-0.brgn", "bytes": N}]}]}]}
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cell/worker/worker_cache.h"

namespace datablox::worker {

// generations -> slices -> regions, in key order.
nlohmann::json CacheListing(const WorkerCache& cache);

// The slices by state, every state named: "cold=0 warm=1 hot=2 no_data=0
// failed=0" (cold counts the slices loading now, which the cache does not
// hold yet).
std::string StateCounts(const std::vector<SliceUse>& slices, uint64_t loading);

}  // namespace datablox::worker
