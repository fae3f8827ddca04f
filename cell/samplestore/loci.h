// The split of a generation's files over the worker members: its loci.
//
// A locus is a set of whole files. Flat rows of one root must meet in one
// press, so a dataset's files are expected to be partitioned by root key
// (every row of a user in one file: tools/gen_events.py --partition user);
// a root whose rows lie in two files is pressed as two items (fetch's
// duplicate-key check finds it). Nested lines would allow byte ranges, but
// whole files keep one rule for both shapes and gzip files whole.
//
// Files are dealt largest first to the locus with the fewest bytes so far
// (one locus per worker, fewer when there are fewer files), and locus i is
// held by workers i, i+1, ... (mod workers): `replication` of them, the
// first its primary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cell/samplestore/dataset.h"

namespace datablox::samplestore {

struct Locus {
  int index = 0;
  std::vector<std::string> files;  // paths relative to the location, sorted
  uint64_t bytes = 0;              // their sizes on disk, summed
  std::vector<int> workers;        // indexes of the workers holding it, primary first
};

// Deterministic: the same files, workers and replication give the same loci.
// workers >= 1; replication is clamped to 1..workers.
std::vector<Locus> SplitLoci(const std::vector<DatasetFile>& files, int workers, int replication);

}  // namespace datablox::samplestore
