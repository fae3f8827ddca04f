#include "cell/worker/region_dealer.h"

#include <unistd.h>

namespace datablox::worker {

RegionDealer::RegionDealer(int cores, RegionPath path_of)
    : path_of_(std::move(path_of)), cores_(static_cast<size_t>(cores < 1 ? 1 : cores)) {}

void RegionDealer::Add(int locus, std::string_view blob) {
  CoreFile& core = cores_[next_];
  if (!core.writer && error_.ok()) {
    auto writer = std::make_unique<samplestore::RegionFileWriter>();
    error_ = path_of_(static_cast<int>(next_), &core.path);
    if (error_.ok()) error_ = writer->Open(core.path);
    if (error_.ok()) core.writer = std::move(writer);
  }
  if (core.writer) core.writer->Add(static_cast<uint32_t>(locus), blob);
  next_ = (next_ + 1) % cores_.size();
}

void RegionDealer::Discard(int locus) {
  for (CoreFile& core : cores_) {
    if (core.writer) core.writer->Discard(static_cast<uint32_t>(locus));
  }
}

uint64_t RegionDealer::blob_count() const {
  uint64_t n = 0;
  for (const CoreFile& core : cores_) n += core.writer ? core.writer->blob_count() : 0;
  return n;
}

Status RegionDealer::Finish(std::vector<Region>* regions) {
  regions->clear();
  Status first = error_;
  for (size_t i = 0; i < cores_.size(); ++i) {
    CoreFile& core = cores_[i];
    if (!core.writer) continue;
    const bool empty = core.writer->blob_count() == 0;
    Status st = core.writer->Finish();
    if (first.ok()) first = st;
    if (empty) {
      ::unlink(core.path.c_str());
    } else {
      regions->push_back({static_cast<int>(i), core.path, core.writer->bytes()});
    }
    core.writer.reset();
  }
  return first;
}

}  // namespace datablox::worker
