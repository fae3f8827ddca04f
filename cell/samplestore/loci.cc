#include "cell/samplestore/loci.h"

#include <algorithm>
#include <tuple>

namespace datablox::samplestore {

namespace {

// A file, or a range of one: what is dealt.
struct Piece {
  const DatasetFile* file;
  uint64_t begin = 0;
  uint64_t end = 0;
  bool whole = true;
  uint64_t bytes() const { return whole ? file->size : end - begin; }
};

std::vector<Piece> Pieces(const std::vector<DatasetFile>& files, uint64_t range_bytes) {
  std::vector<Piece> pieces;
  for (const DatasetFile& f : files) {
    if (range_bytes == 0 || f.size <= range_bytes || !RangesAllowed(f.path)) {
      pieces.push_back({&f, 0, f.size, true});
      continue;
    }
    const uint64_t length = std::max(range_bytes, (f.size + kMaxRangesPerFile - 1) / kMaxRangesPerFile);
    for (uint64_t at = 0; at < f.size; at += length) pieces.push_back({&f, at, std::min(f.size, at + length), false});
  }
  return pieces;
}

}  // namespace

bool RangesAllowed(const std::string& path) { return !path.ends_with(".gz"); }

std::vector<Locus> SplitLoci(const std::vector<DatasetFile>& files, int workers, int replication,
                             uint64_t range_bytes) {
  workers = std::max(workers, 1);
  replication = std::clamp(replication, 1, workers);
  std::vector<Piece> pieces = Pieces(files, range_bytes);
  const size_t count = std::min(pieces.size(), static_cast<size_t>(workers));
  std::vector<Locus> loci(count);
  std::vector<size_t> piece_counts(count, 0);
  std::stable_sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.bytes() > b.bytes(); });
  for (const Piece& piece : pieces) {
    size_t lightest = 0;
    for (size_t i = 1; i < count; ++i) {
      if (loci[i].bytes < loci[lightest].bytes ||
          (loci[i].bytes == loci[lightest].bytes && piece_counts[i] < piece_counts[lightest]))
        lightest = i;
    }
    Locus& locus = loci[lightest];
    if (piece.whole) locus.files.push_back(piece.file->path);
    else locus.ranges.push_back({piece.file->path, piece.begin, piece.end});
    locus.bytes += piece.bytes();
    ++piece_counts[lightest];
  }
  for (size_t i = 0; i < loci.size(); ++i) {
    Locus& locus = loci[i];
    locus.index = static_cast<int>(i);
    std::sort(locus.files.begin(), locus.files.end());
    std::sort(locus.ranges.begin(), locus.ranges.end(), [](const LocusRange& a, const LocusRange& b) {
      return std::tie(a.file, a.begin) < std::tie(b.file, b.begin);
    });
    std::vector<LocusRange> merged;
    for (LocusRange& r : locus.ranges) {
      if (!merged.empty() && merged.back().file == r.file && merged.back().end == r.begin) merged.back().end = r.end;
      else merged.push_back(std::move(r));
    }
    locus.ranges = std::move(merged);
    for (int r = 0; r < replication; ++r) locus.workers.push_back((static_cast<int>(i) + r) % workers);
  }
  return loci;
}

}  // namespace datablox::samplestore
