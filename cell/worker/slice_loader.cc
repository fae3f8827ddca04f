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
  RegionDealer dealer(cores);
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
  // A failed load writes nothing: what its streams brought is dropped here.
  const std::vector<RegionDealer::Region> regions =
      result_.status.ok() ? dealer.Finish() : std::vector<RegionDealer::Region>();
  for (const RegionDealer::Region& region : regions) {
    RegionInfo info;
    result_.status = layout_.WriteRegion(key_, region.core, region.bytes, &info);
    if (!result_.status.ok()) break;
    result_.regions.push_back(info);
  }
  done_.store(true, std::memory_order_release);
}

}  // namespace datablox::worker
