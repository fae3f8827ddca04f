// The supervisor's answer to {"view": NAME}, built from a loaded view, its
// scanned files and the workers' stream addresses: socket-free, so a test
// checks the JSON exactly.
//
//   {"view": "events", "generation": "0123456789abcdef", "shape": "flat",
//    "schema": "/abs/unity.brio", "files": 4, "bytes": 123456,
//    "loci": [{"locus": 0, "files": ["a.jsonl"], "bytes": 61728,
//              "addresses": ["tcp://127.0.0.1:5001", ...],   // primary first
//              "paradata": "{\"view\":...}"}, ...]}
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cell/samplestore/dataset.h"
#include "cell/samplestore/view.h"
#include "datablox/status.h"

namespace datablox::samplestore {

// Unavailable when no worker serves streams (an empty address among
// `workers`, or none at all).
Status BuildLociAnswer(const ViewDefinition& view, const std::vector<DatasetFile>& files,
                       const std::vector<std::string>& workers, nlohmann::json* answer);

}  // namespace datablox::samplestore
