#include "cell/samplestore/loci.h"

#include <algorithm>

namespace datablox::samplestore {

std::vector<Locus> SplitLoci(const std::vector<DatasetFile>& files, int workers, int replication) {
  workers = std::max(workers, 1);
  replication = std::clamp(replication, 1, workers);
  const size_t count = std::min(files.size(), static_cast<size_t>(workers));
  std::vector<Locus> loci(count);
  std::vector<const DatasetFile*> by_size;
  for (const DatasetFile& f : files) by_size.push_back(&f);
  std::stable_sort(by_size.begin(), by_size.end(),
                   [](const DatasetFile* a, const DatasetFile* b) { return a->size > b->size; });
  for (const DatasetFile* f : by_size) {
    auto lightest = std::min_element(loci.begin(), loci.end(), [](const Locus& a, const Locus& b) {
      return a.bytes < b.bytes || (a.bytes == b.bytes && a.files.size() < b.files.size());
    });
    lightest->files.push_back(f->path);
    lightest->bytes += f->size;
  }
  for (size_t i = 0; i < loci.size(); ++i) {
    loci[i].index = static_cast<int>(i);
    std::sort(loci[i].files.begin(), loci[i].files.end());
    for (int r = 0; r < replication; ++r) loci[i].workers.push_back((static_cast<int>(i) + r) % workers);
  }
  return loci;
}

}  // namespace datablox::samplestore
