// What a checked topology's policy statements give each element and the
// topology as a whole, for the master's planner. An element's own
// `policy NAME { ... }` wins over the defaults of `policy * { ... }`.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "datablox/spec.h"
#include "dsl/topology.h"

namespace datablox::dsl {

// The least `policy * { checkpoint: MS }` the checker lets through: a
// checkpoint every few milliseconds would leave the elements no time for
// their logs.
inline constexpr int kMinCheckpointMs = 50;

// The value of policy `key` for `element`: its own policy's, else that of
// `policy *`; null when neither sets it to a value of `kind`.
const ParamValue* FindPolicyValue(const Topology& topology, std::string_view element, std::string_view key,
                                  ParamValue::Kind kind);

// `policy * { checkpoint: MS }`: how often the master checkpoints the whole
// topology; nullopt when no `policy *` sets it (no periodic checkpoints).
// The checker has made sure it is at least kMinCheckpointMs.
std::optional<std::chrono::milliseconds> CheckpointEvery(const Topology& topology);

}  // namespace datablox::dsl
