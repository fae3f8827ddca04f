// The split of a generation's files over the worker members: its loci.
//
// A locus is a set of whole files and byte ranges of files. Flat rows of
// one root must meet in one press, so flat views split whole files only:
// a dataset's files are expected to be partitioned by root key (every row
// of a user in one file: tools/gen_events.py --partition user), and a root
// whose rows lie in two files is pressed as two items (fetch's
// duplicate-key check finds it); a byte range would cut a file's roots
// apart the same way. A .gz file stays whole too: deflate cannot be entered
// at an offset, so a reader of its second half would inflate the first.
// A nested view's plain file larger than range_bytes is cut into byte
// ranges of range_bytes (more when the file would make over
// kMaxRangesPerFile), each a piece dealt like a file; a range holds the
// lines that start in it (line_chunks.h), so the ranges of a file see every
// line once, and the supervisor cuts them without reading the file.
//
// Pieces are dealt largest first to the locus with the fewest bytes so far
// (one locus per worker, fewer when there are fewer pieces), adjacent
// ranges of a file that land in one locus are merged, and locus i is held
// by workers i, i+1, ... (mod workers): `replication` of them, the first
// its primary. The generation still covers whole files (dataset.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cell/samplestore/dataset.h"

namespace datablox::samplestore {

inline constexpr uint64_t kMaxRangesPerFile = 64;

struct LocusRange {
  std::string file;  // relative to the location
  uint64_t begin = 0;
  uint64_t end = 0;  // exclusive; the file's size for its last range
  bool operator==(const LocusRange&) const = default;
};

struct Locus {
  int index = 0;
  std::vector<std::string> files;  // whole files, relative to the location, sorted
  std::vector<LocusRange> ranges;  // byte ranges, by file then begin
  uint64_t bytes = 0;              // their sizes on disk, summed
  std::vector<int> workers;        // indexes of the workers holding it, primary first
};

// True for a file that may be cut into ranges: a plain (not .gz) one.
bool RangesAllowed(const std::string& path);

// Deterministic: the same files, workers, replication and range_bytes give
// the same loci. workers >= 1; replication is clamped to 1..workers;
// range_bytes 0 keeps every file whole (a flat view's split).
std::vector<Locus> SplitLoci(const std::vector<DatasetFile>& files, int workers, int replication,
                             uint64_t range_bytes = 0);

}  // namespace datablox::samplestore
