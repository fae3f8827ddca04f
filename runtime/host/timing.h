// The element host's clocks and periods, in one place: the link state
// classes and the event loop pace themselves by the same numbers.
#pragma once

#include <chrono>

namespace datablox::host {

using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;

inline constexpr auto kStatsPeriod = Milliseconds(250);
// The batching time limit: a partial batch, or credit not yet handed back,
// waits no longer than this.
inline constexpr auto kPartialBatchAge = Milliseconds(5);
// A sender waiting on a receiver that said nothing this long says it is
// there (an empty frame): a restarted receiver learns the sender's id from
// it and asks it to resume. ZMQ_PROBE_ROUTER probes only the first connect
// (a connecting DEALER keeps its pipe across reconnects).
inline constexpr auto kProbeSilentReceiverAfter = Milliseconds(100);
// How often a receiver asks an unknown sender to resume.
inline constexpr auto kResyncEvery = Milliseconds(20);
// Messages read from one socket before looking at the others.
inline constexpr int kDrainPerSocket = 64;

}  // namespace datablox::host
