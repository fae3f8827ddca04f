// Whether bytes received as a log can be read as one: exactly one msgpack
// map, well formed, nested no deeper than kMaxLogDepth. The host checks each
// log once on receipt, so a malformed or too-deep log is counted and dropped
// before any element (or its recursive readers: to_json, copies, Python
// conversion) sees it.
#pragma once

#include <string_view>
#include <vector>

#include "datablox/log.h"
#include "datablox/status.h"

namespace datablox {

// OK, or Invalid saying what is wrong (truncated, not a map, too deep, ...).
// Iterative and allocation-free: it runs on the push path for every log.
Status CheckLogShape(std::string_view bytes);

// Keeps the logs of logs[from, end) that pass CheckLogShape, in order, at
// the front of that range, and calls on_malformed(why) for each other one.
// Returns the end of the kept logs.
template <class OnMalformed>
size_t DropMalformedLogs(std::vector<Log>& logs, size_t from, OnMalformed&& on_malformed) {
  size_t kept = from;
  for (size_t i = from; i < logs.size(); ++i) {
    Status shape = CheckLogShape(logs[i].bytes());
    if (!shape.ok()) {
      on_malformed(shape);
      continue;
    }
    if (kept != i) logs[kept] = logs[i];
    ++kept;
  }
  return kept;
}

}  // namespace datablox
