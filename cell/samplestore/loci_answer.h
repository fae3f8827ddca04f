// The supervisor's answer to {"view": NAME}, built from a loaded view, its
// scanned files and the workers' stream addresses: socket-free, so a test
// checks the JSON exactly.
//
//   {"view": "events", "generation": "0123456789abcdef", "shape": "flat",
//    "schema": "/abs/unity.brio", "files": 4, "bytes": 123456,
//    "loci": [{"locus": 0, "files": ["a.jsonl"], "bytes": 61728,
//              "addresses": ["tcp://127.0.0.1:5001", ...],   // primary first
//              "paradata": "{\"view\":...}"}, ...]}
//   (a locus with byte ranges of files, loci.h, also has
//    "ranges": [{"file": "big.jsonl", "begin": 0, "end": 67108864}, ...])
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cell/samplestore/dataset.h"
#include "cell/samplestore/view.h"
#include "datablox/status.h"

namespace datablox::samplestore {

// Unavailable when no worker serves streams (an empty address among
// `workers`, or none at all); Invalid when a locus's paradata would be
// over Nexus's limit (too many files).
Status BuildLociAnswer(const ViewDefinition& view, const std::vector<DatasetFile>& files,
                       const std::vector<std::string>& workers, nlohmann::json* answer);

}  // namespace datablox::samplestore
