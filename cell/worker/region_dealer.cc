#include "cell/worker/region_dealer.h"

#include "cell/brio/region.h"

namespace datablox::worker {

void RegionDealer::Add(int locus, std::string_view blob) {
  LocusBlobs& held = loci_[locus];
  held.spans.emplace_back(held.bytes.size(), blob.size());
  held.bytes.append(blob);
  ++blobs_;
}

void RegionDealer::Discard(int locus) {
  auto it = loci_.find(locus);
  if (it == loci_.end()) return;
  blobs_ -= it->second.spans.size();
  loci_.erase(it);
}

std::vector<RegionDealer::Region> RegionDealer::Finish() {
  std::vector<brio::RegionWriter> writers(cores_);
  size_t next = 0;
  for (auto& [locus, held] : loci_) {
    for (const auto& [offset, size] : held.spans) {
      writers[next].Add(std::string_view(held.bytes).substr(offset, size));
      next = (next + 1) % cores_;
    }
    std::string().swap(held.bytes);  // dealt: its memory goes before the next locus's copy
  }
  loci_.clear();
  blobs_ = 0;
  std::vector<Region> out;
  for (size_t core = 0; core < writers.size(); ++core) {
    if (writers[core].blob_count() == 0) continue;
    out.push_back({static_cast<int>(core), writers[core].Finish()});
  }
  return out;
}

}  // namespace datablox::worker
