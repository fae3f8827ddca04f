// The scan protocol between the cell's supervisor and its workers, declared
// once, socket-free: what a CellWorker is asked on its `scan` port and what
// it answers. The supervisor asks every member of a CellWorker shard at
// once, and the host merges their replies with MergeScanReplies
// (scan_merge.h), so the supervisor gets one reply of the same shape.
//
// Request (a JSON log):
//   {"domain": "unity", "view": "events", "generation": "0123456789abcdef",
//    "loci": [...],                      // the sample-store supervisor's answer's "loci", all of them
//    "deal": {"0": [0, 2], "1": [1]},    // member id -> indices into "loci" it holds
//    "query": "select ...", "schema": "<the .brio schema text>", "now": EPOCH_MS,
//    "timeout_ms": N}                    // optional: how long a load may take before the scan fails
// A member scans the loci its id is dealt (none: it answers an empty
// partial); a CellWorker outside a shard takes its `worker` parameter as
// its id. A locus is dealt to one member at most.
//
// Reply (a log):
//   {"partial": <bytes: EncodePartial (cell/query/partial_codec.h)>,
//    "generation": "0123456789abcdef",
//    "workers": [{"worker": ID, "slice": "unity/events@N#ID", "source": "nexus"|"disk"|"memory",
//                 "rows_scanned": N, "blobs": N, "load_ms": F, "scan_ms": F}, ...]}
// A member's reply lists itself (nothing when it was dealt nothing); a
// merged reply lists every member that scanned, in member order.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cell/worker/cache_model.h"
#include "datablox/log.h"
#include "datablox/status.h"

namespace datablox::worker {

inline constexpr size_t kMaxScanRequestBytes = 16u << 20;
// {"loci": [{"ranges": [{...}]}]} and a little room.
inline constexpr int kMaxScanRequestDepth = 8;
inline constexpr size_t kMaxScanQueryBytes = 64u << 10;    // the EQL parser's own limit
inline constexpr size_t kMaxScanSchemaBytes = 1u << 20;    // a .brio file's limit (schema_limits.h)
inline constexpr size_t kMaxScanLoci = 1u << 16;
inline constexpr int64_t kMaxScanTimeoutMs = 24LL * 3600 * 1000;
inline constexpr size_t kMaxScanWorkers = 4096;  // "workers" entries of one (merged) reply

struct ScanRequest {
  GenerationKey generation;
  std::string generation_text;  // the sample store's 16 hex digits
  nlohmann::json loci = nlohmann::json::array();  // every locus of the generation
  std::map<int, std::vector<int>> deal;           // member id -> indices into loci
  std::string query;
  std::string schema;  // the .brio schema's text
  int64_t now_ms = 0;
  int64_t timeout_ms = 0;  // 0: the worker's own
};

// The request as its JSON text (what the supervisor asks).
std::string EncodeScanRequest(const ScanRequest& request);
// Invalid, naming the field ("scan request: \"deal\": ..."), for a request
// not of the shape above or past a limit.
Status ParseScanRequest(std::string_view json_text, ScanRequest* out);

// The loci dealt to `member`, as the fetch client takes them
// ({"generation", "loci": [...]}), and their numbers (a locus's "locus", as
// the sample store numbers it): what a slice of this deal holds.
struct DealtLoci {
  nlohmann::json fetch;
  std::vector<int> numbers;
};
DealtLoci LociDealtTo(const ScanRequest& request, int member);

struct ScanWorkerStats {
  int worker = 0;
  std::string slice;
  std::string source;  // "nexus", "disk" or "memory"
  uint64_t rows_scanned = 0;
  uint64_t blobs = 0;
  double load_ms = 0;
  double scan_ms = 0;
  bool operator==(const ScanWorkerStats&) const = default;
};

struct ScanReply {
  std::string partial;  // EncodePartial's bytes
  std::string generation_text;
  std::vector<ScanWorkerStats> workers;
};

void EncodeScanReply(const ScanReply& reply, LogBuilder* out);
// Invalid, naming the field, for a reply not of the shape above. The
// partial's bytes are not decoded here (DecodePartial does).
Status DecodeScanReply(const Log& reply, ScanReply* out);

}  // namespace datablox::worker
