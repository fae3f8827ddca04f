#include "cell/worker/region_dealer.h"

namespace datablox::worker {

void RegionDealer::Add(std::string_view blob) {
  regions_[next_].Add(blob);
  next_ = (next_ + 1) % regions_.size();
  ++blobs_;
}

std::vector<RegionDealer::Region> RegionDealer::Finish() {
  std::vector<Region> out;
  for (size_t core = 0; core < regions_.size(); ++core) {
    if (regions_[core].blob_count() == 0) continue;
    out.push_back({static_cast<int>(core), regions_[core].Finish()});
  }
  next_ = 0;
  blobs_ = 0;
  return out;
}

}  // namespace datablox::worker
