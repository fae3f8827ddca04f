// Which member of the cell workers' shard scans each locus of a view: the
// supervisor's deal, socket-free. Sticky, so that caches stay warm: a locus
// stays with its member while that member lives (is among the members the
// host links); a locus new to the deal, or whose member is gone, goes to
// the member holding the fewest loci of that view (the lowest id on a tie).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "datablox/status.h"

namespace datablox::supervisor {

// Member id -> the indices of the loci it scans, ascending.
using Deal = std::map<int, std::vector<int>>;

class LocusDeal {
 public:
  // Deals the `loci` loci of `view` (indices 0..loci-1 of its sample
  // store's answer) over `members`; a member without a locus is absent.
  // Unavailable when there are loci and no member.
  Status Deal(const std::string& view, int loci, const std::vector<int>& members, supervisor::Deal* out);

  // Loci that moved to another member because theirs was gone.
  uint64_t redealt() const { return redealt_; }
  // The member holding each locus of `view` ("" when never dealt): "0=1 1=0".
  std::string Text(const std::string& view) const;

 private:
  std::map<std::string, std::vector<int>> owners_;  // view -> locus -> member (-1: none yet)
  uint64_t redealt_ = 0;
};

}  // namespace datablox::supervisor
