// A partial result as msgpack, for the supervisor's gather: workers send
// theirs, the supervisor decodes and merges them. The decoder trusts
// nothing: it walks the whole message first (truncation, nesting deeper
// than kMaxPartialDepth, counts larger than the bytes that could hold
// them), then reads the fixed shape below, every mismatch an error.
//
//   ["eql-partial", 1, key_parts, [[function, integer], ...], rows_scanned, blobs_scanned,
//    [[[key part, ...], [state, ...]], ...]]
//   key part: nil | int | float64 | str
//   state: count / funnel: int; sum, min, max, avg: [count, int_sum, double_sum,
//          int_min, int_max, double_min, double_max]; count(distinct): [[int...], [str...]]
#pragma once

#include <string>
#include <string_view>

#include "cell/query/partial.h"
#include "datablox/status.h"

namespace datablox::eql {

constexpr int kMaxPartialDepth = 8;
constexpr int kPartialFormatVersion = 1;

std::string EncodePartial(const PartialResult& partial);

// Replaces *out with the partial in `bytes`; Invalid with the reason (and
// the byte offset) when the bytes are no such partial.
Status DecodePartial(std::string_view bytes, PartialResult* out);

}  // namespace datablox::eql
