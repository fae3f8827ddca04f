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

// Moves the logs of logs[0, count) for which check(log) is OK to the front,
// in order, calls on_failed(why) for each other one, and returns how many
// passed. The one filter of the host's push path (shape, then schema).
template <class Check, class OnFailed>
size_t KeepPassing(Log* logs, size_t count, Check&& check, OnFailed&& on_failed) {
  size_t kept = 0;
  for (size_t i = 0; i < count; ++i) {
    Status st = check(logs[i]);
    if (!st.ok()) {
      on_failed(st);
      continue;
    }
    if (kept != i) logs[kept] = logs[i];
    ++kept;
  }
  return kept;
}

// Keeps the logs of logs[from, end) that pass CheckLogShape at the front of
// that range; calls on_malformed(why) for each other one. Returns the end of
// the kept logs.
template <class OnMalformed>
size_t DropMalformedLogs(std::vector<Log>& logs, size_t from, OnMalformed&& on_malformed) {
  return from + KeepPassing(
                    logs.data() + from, logs.size() - from, [](const Log& log) { return CheckLogShape(log.bytes()); },
                    on_malformed);
}

}  // namespace datablox
