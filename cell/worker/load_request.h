// What a CellWorker is asked on its `load` port, read from JSON, socket-free:
//
//   {"domain": "unity", "view": "events", "generation": "0123456789abcdef",
//    "loci": [...],            // the sample-store supervisor's loci (all, or this worker's deal)
//    "wait": true}             // false: answer at once with the slice's state and progress
//
// The rest of the supervisor's answer may come along (its "shape", "files",
// ...): it is ignored, so the answer itself, with a domain, is a request.
// The sample store's generation is a 64-bit hash written in 16 hex digits;
// the cache keys generations by a 64-bit number (cache_model.h), so the
// digits are kept as that number's bits and shown again as the digits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cell/worker/cache_model.h"
#include "datablox/status.h"

namespace datablox::worker {

inline constexpr size_t kMaxLoadRequestBytes = 16u << 20;
inline constexpr int kMaxLoadRequestDepth = 8;  // {"loci": [{"addresses": [...]}]} and a little room

struct LoadRequest {
  GenerationKey generation;
  std::string generation_text;  // the sample store's 16 hex digits
  nlohmann::json loci;          // {"generation", "loci"}: what FetchLoci takes
  bool wait = true;
};

// Invalid, naming the field, for a request not of the shape above.
Status ParseLoadRequest(std::string_view json_text, LoadRequest* out);

// A locus's number as the sample store gives it ("locus"), or `fallback`
// (its index) when it has none: what a slice records of the loci it holds.
int LocusNumber(const nlohmann::json& locus, int fallback);
// LocusNumber of each locus of an array, by index.
std::vector<int> LocusNumbers(const nlohmann::json& loci);

// "0123456789abcdef" <-> the number the cache keys it by.
Status GenerationNumber(std::string_view hex, int64_t* out);
std::string GenerationText(int64_t generation);

}  // namespace datablox::worker
