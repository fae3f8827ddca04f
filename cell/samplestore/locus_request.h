// The paradata of a locus stream: what a fetcher asks a sample-store
// worker for. The supervisor writes it into each locus of its answer; the
// fetcher passes it on unread; the worker checks the generation against
// its own scan of the view (a stale generation is an error) and presses
// the files. JSON, to be read in logs and errors.
//
//   {"view": "events", "generation": "0123456789abcdef", "locus": 0,
//    "files": ["events-0000.jsonl", "events-0002.jsonl.gz"],
//    "ranges": [["big.jsonl", 0, 67108864], ...]}    // FILE, BEGIN, END; only when any
// (a range as a list, not an object: the paradata of a locus must stay
// under Nexus's 32 KiB, and a locus may hold many ranges).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cell/samplestore/loci.h"
#include "datablox/status.h"

namespace datablox::samplestore {

struct LocusRequest {
  std::string view;
  std::string generation;
  int locus = 0;
  std::vector<std::string> files;  // relative to the view's location
  std::vector<LocusRange> ranges;  // byte ranges of files (loci.h)
  bool operator==(const LocusRequest&) const = default;
};

std::string EncodeLocusRequest(const LocusRequest& request);
// Invalid, saying which part is wrong, for anything else (a file path that
// is absolute or climbs out with "..", a range whose begin is not below its end).
Status DecodeLocusRequest(std::string_view paradata, LocusRequest* request);

}  // namespace datablox::samplestore
