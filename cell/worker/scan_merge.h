// How a shard of CellWorkers answers one scan (the class's `merge: custom`,
// ClassSpec::merge): the members' replies (scan_protocol.h), in member
// order, become the reply one worker holding every dealt locus would give.
// Each member's partial is decoded (DecodePartial) and merged
// (PartialResult::Merge), the sum re-encoded; "workers" are concatenated.
// Apart from the element, so that a unit test feeds it replies.
//
// Errors name the reply by its index: a reply not of the protocol's shape,
// a partial that does not decode, partials of different shapes (another
// query), or members answering different generations.
#pragma once

#include <vector>

#include "datablox/log.h"
#include "datablox/status.h"

namespace datablox::worker {

Status MergeScanReplies(const std::vector<const Log*>& replies, LogBuilder* merged);

}  // namespace datablox::worker
