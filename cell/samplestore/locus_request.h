// The paradata of a locus stream: what a fetcher asks a sample-store
// worker for. The supervisor writes it into each locus of its answer; the
// fetcher passes it on unread; the worker checks the generation against
// its own scan of the view (a stale generation is an error) and presses
// the files. JSON, to be read in logs and errors.
//
//   {"view": "events", "generation": "0123456789abcdef", "locus": 0,
//    "files": ["events-0000.jsonl", "events-0002.jsonl.gz"]}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "datablox/status.h"

namespace datablox::samplestore {

struct LocusRequest {
  std::string view;
  std::string generation;
  int locus = 0;
  std::vector<std::string> files;  // relative to the view's location
  bool operator==(const LocusRequest&) const = default;
};

std::string EncodeLocusRequest(const LocusRequest& request);
// Invalid, saying which part is wrong, for anything else (a file path that
// is absolute or climbs out with "..").
Status DecodeLocusRequest(std::string_view paradata, LocusRequest* request);

}  // namespace datablox::samplestore
