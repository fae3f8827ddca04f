#include "cell/worker/slice_loader.h"

#include "cell/brio/region.h"

namespace datablox::worker {

namespace {

// Deals the blobs to the regions in turn, so each core scans a like share.
class RoundRobinSink : public brio::BlobSink {
 public:
  explicit RoundRobinSink(int cores) : regions_(static_cast<size_t>(cores)) {}
  void Add(std::string_view blob) override {
    regions_[next_].Add(blob);
    next_ = (next_ + 1) % regions_.size();
  }
  std::vector<brio::RegionWriter>& regions() { return regions_; }

 private:
  std::vector<brio::RegionWriter> regions_;
  size_t next_ = 0;
};

}  // namespace

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
  RoundRobinSink sink(cores);
  samplestore::FetchReport report;
  auto show = [this](const samplestore::FetchProgress& p) {
    loci_ = p.loci;
    loci_done_ = p.loci_done;
    items_ = p.items;
    bytes_ = p.bytes;
  };
  result_.status = samplestore::FetchLoci(loci, options, sink, show, &report);
  result_.failed = report.failed;
  result_.items = report.items;
  if (result_.status.ok() && report.items > 0) {
    // An empty region would be a file to map for nothing: a core gets one
    // only when it has blobs (fewer blobs than cores: fewer regions).
    for (size_t core = 0; core < sink.regions().size() && result_.status.ok(); ++core) {
      brio::RegionWriter& writer = sink.regions()[core];
      if (writer.blob_count() == 0) continue;
      const std::string bytes = writer.Finish();
      RegionInfo region;
      result_.status = layout_.WriteRegion(key_, static_cast<int>(core), bytes, &region);
      if (result_.status.ok()) result_.regions.push_back(region);
    }
  }
  done_.store(true, std::memory_order_release);
}

}  // namespace datablox::worker
