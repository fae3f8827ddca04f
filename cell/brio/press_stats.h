// What a press did, every line accounted for: pressed, rejected (with the
// reason, and a few samples with their position), or counted as a warning.
// Nothing is dropped without a count here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace datablox::brio {

struct PressOptions {
  // An item (one root object) whose blob would be larger is rejected whole,
  // never truncated. At most 4 GiB - 1 (blob offsets are uint32).
  size_t max_item_bytes = 64u << 20;
  // Flat rows: past this many bytes of kept rows, they go to spill files
  // (partitioned by a hash of the root's key) and Finish presses partition
  // by partition; 0: no budget. Checked every 16384 rows.
  size_t memory_budget_bytes = size_t{1} << 30;
  // Where the spill folder is made; empty: $TMPDIR, else /tmp.
  std::string spill_directory;
};

struct PressReject {
  std::string where;  // "FILE:LINE" (flat rows: of the item's first row), or the item's key
  std::string reason;
};

struct PressStats {
  uint64_t lines = 0;        // lines read, blank ones included
  uint64_t blank_lines = 0;  // lines with only whitespace: skipped
  uint64_t json_bytes = 0;   // bytes of the lines read
  uint64_t rows = 0;         // flat rows accepted into the grouping
  uint64_t items = 0;        // blobs pressed
  uint64_t pressed_bytes = 0;

  uint64_t rejected_malformed = 0;      // a line that is not JSON
  uint64_t rejected_not_object = 0;     // JSON, but not an object
  uint64_t rejected_missing_key = 0;    // flat rows: a key field absent, null or of the wrong type
  uint64_t rejected_too_deep = 0;       // nested: structures deeper than kMaxTreeDepth
  uint64_t rejected_over_size_cap = 0;  // items whose blob is over max_item_bytes
  uint64_t rows_in_rejected_items = 0;  // flat rows: rows of the items rejected for their size

  uint64_t wrong_type_fields = 0;  // a value of the wrong type (or range): pressed as null
  uint64_t unknown_fields = 0;     // JSON keys the schema (or the grouping) does not name: ignored

  uint64_t spills = 0;        // flat rows: times the kept rows went to spill files
  uint64_t spilled_rows = 0;  // rows written to them

  static constexpr size_t kMaxSamples = 8;
  std::vector<PressReject> samples;  // the first rejects

  uint64_t rejected() const {
    return rejected_malformed + rejected_not_object + rejected_missing_key + rejected_too_deep + rejected_over_size_cap;
  }
  void Sample(std::string_view where, std::string_view reason) {
    if (samples.size() < kMaxSamples) samples.push_back({std::string(where), std::string(reason)});
  }
};

// Where pressed blobs go (a region writer, a Nexus stream, a test's vector).
// The bytes are valid only during the call.
class BlobSink {
 public:
  virtual ~BlobSink() = default;
  virtual void Add(std::string_view blob) = 0;
};

}  // namespace datablox::brio
