// The limits of a topology file, in one place. Each keeps a hostile or broken
// file from exhausting memory or the stack of whoever reads it (the CLI, and
// the master, which parses what `submit` sends); each error message names
// its limit.
#pragma once

#include <cstddef>

#include "datablox/spec.h"

namespace datablox::dsl {

// Bytes of a topology file. Read in chunks and stopped one past it, so a
// FIFO or /dev/zero ends with an error instead of filling memory.
inline constexpr size_t kMaxTopologyBytes = size_t{16} << 20;  // 16 MiB
inline constexpr const char* kMaxTopologyBytesText = "16 MiB";

// Lists nested in a parameter value: a limit of the public API.
inline constexpr int kMaxListNesting = kMaxParamListNesting;

// Members of one shard (`members: 1..64` at most): each is a process with
// its own links from every sender, so a sender's fan-out stays bounded.
inline constexpr int kMaxShardMembers = 64;

}  // namespace datablox::dsl
