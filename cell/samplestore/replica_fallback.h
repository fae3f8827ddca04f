// Which worker a fetch pulls each locus from, and what it does when a pull
// fails: a locus held by `loci.replication` workers (primary first) is
// pulled again from its next replica when its worker is dead (a timeout),
// refuses the stream, or fails it mid-stream (what the fetch had of that
// locus is then discarded: no duplicates, no losses); only when every
// replica failed is the locus lost, and the fetch with it. A failure that
// says the data does not add up (Invalid: a count mismatch, a parcel that
// is no region) is not retried: a replica presses the same files, and a
// wrong answer is reported rather than papered over. Socket-free: a test
// feeds it outcomes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "datablox/status.h"

namespace datablox::samplestore {

class ReplicaFallback {
 public:
  enum class Next {
    kRetry,      // pull the locus again from Address(locus), its next replica
    kExhausted,  // every replica failed: Exhausted(locus) says how
    kFatal,      // not worth a retry: fail the fetch with the status as it is
  };

  // Per locus, the addresses of its workers, primary first (none empty).
  explicit ReplicaFallback(std::vector<std::vector<std::string>> addresses);

  // The worker to pull the locus from now.
  const std::string& Address(size_t locus) const;
  // Records that the pull from Address(locus) failed with `why`.
  Next Failed(size_t locus, const Status& why);
  // Loci pulled again so far, over all loci.
  size_t retries() const { return retries_; }
  // Every attempt of a locus, "ADDRESS: ERROR; ADDRESS: ERROR".
  std::string Attempts(size_t locus) const;
  // After kExhausted: Timeout when every worker went silent (dead), else
  // Unavailable; the message names each worker and its error.
  Status Exhausted(size_t locus, int locus_number) const;

 private:
  struct Locus {
    std::vector<std::string> addresses;
    size_t current = 0;
    std::vector<Status> errors;  // one per failed attempt, in order
  };
  std::vector<Locus> loci_;
  size_t retries_ = 0;
};

}  // namespace datablox::samplestore
