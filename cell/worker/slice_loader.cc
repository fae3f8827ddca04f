#include "cell/worker/slice_loader.h"

#include "cell/worker/region_dealer.h"

namespace datablox::worker {

SliceLoader::SliceLoader(const DiskLayout& layout, SliceKey key, nlohmann::json loci, int cores,
                         samplestore::LociFetchOptions options)
    : layout_(layout), key_(std::move(key)) {
  thread_ =
      std::thread([this, loci = std::move(loci), cores, options]() mutable { Run(std::move(loci), cores, options); });
}

SliceLoader::~SliceLoader() {
  if (thread_.joinable()) thread_.join();
}

LoadProgress SliceLoader::progress() const { return {loci_.load(), loci_done_.load(), items_.load(), bytes_.load()}; }

void SliceLoader::Run(nlohmann::json loci, int cores, samplestore::LociFetchOptions options) {
  // The blobs go to their region files as they come: the slice is never held in memory.
  RegionDealer dealer(cores, [this](int core, std::string* path) { return layout_.PartialRegionPath(key_, core, path); });
  samplestore::FetchReport report;
  auto show = [this](const samplestore::FetchProgress& p) {
    loci_ = p.loci;
    loci_done_ = p.loci_done;
    items_ = p.items;
    bytes_ = p.bytes;
  };
  result_.status = samplestore::FetchLoci(loci, options, dealer, show, &report);
  result_.failed = report.failed;
  result_.items = report.items;
  std::vector<RegionDealer::Region> regions;
  const Status written = dealer.Finish(&regions);
  if (result_.status.ok()) result_.status = written;
  for (const RegionDealer::Region& region : regions) {
    if (!result_.status.ok()) break;
    RegionInfo info;
    result_.status = layout_.CommitRegion(key_, region.core, &info);
    if (result_.status.ok()) result_.regions.push_back(info);
  }
  // A failed load leaves nothing: what its streams brought is removed (the slice was cold).
  if (!result_.status.ok()) {
    result_.regions.clear();
    (void)layout_.RemoveSlice(key_);
  }
  done_.store(true, std::memory_order_release);
}

}  // namespace datablox::worker
