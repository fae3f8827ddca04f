#include "cell/samplestore/loci_answer.h"

#include <fmt/format.h>

#include "cell/samplestore/loci.h"
#include "cell/samplestore/locus_request.h"
#include "runtime/nexus/frame.h"

namespace datablox::samplestore {

Status BuildLociAnswer(const ViewDefinition& view, const std::vector<DatasetFile>& files,
                       const std::vector<std::string>& workers, nlohmann::json* answer) {
  if (workers.empty()) return Status::Unavailable("no sample-store worker is linked to the supervisor");
  for (size_t i = 0; i < workers.size(); ++i) {
    if (workers[i].empty())
      return Status::Unavailable("worker " + std::to_string(i) + " serves no streams (not running, or not wired yet)");
  }
  const std::string generation = GenerationOf(files, view.text);
  uint64_t bytes = 0;
  for (const DatasetFile& f : files) bytes += f.size;
  nlohmann::json loci = nlohmann::json::array();
  const uint64_t range_bytes = view.shape == ViewShape::kNested ? view.loci_range_bytes : 0;
  for (const Locus& locus : SplitLoci(files, static_cast<int>(workers.size()), view.loci_replication, range_bytes)) {
    nlohmann::json addresses = nlohmann::json::array();
    for (int w : locus.workers) addresses.push_back(workers[static_cast<size_t>(w)]);
    std::string paradata = EncodeLocusRequest({view.name, generation, locus.index, locus.files, locus.ranges});
    if (paradata.size() > nexus::kMaxParadataBytes)
      return Status::Invalid(
          fmt::format("view {}: locus {} names too many files and ranges for a stream's paradata "
                      "({} bytes, at most {}): use fewer, larger files, or raise loci.rangeBytes",
                      view.name, locus.index, paradata.size(), nexus::kMaxParadataBytes));
    nlohmann::json entry = {{"locus", locus.index},
                            {"files", locus.files},
                            {"bytes", locus.bytes},
                            {"addresses", std::move(addresses)},
                            {"paradata", std::move(paradata)}};
    if (!locus.ranges.empty()) {
      nlohmann::json ranges = nlohmann::json::array();
      for (const LocusRange& r : locus.ranges) ranges.push_back({{"file", r.file}, {"begin", r.begin}, {"end", r.end}});
      entry["ranges"] = std::move(ranges);
    }
    loci.push_back(std::move(entry));
  }
  *answer = {{"view", view.name},
             {"generation", generation},
             {"shape", view.shape == ViewShape::kFlat ? "flat" : "nested"},
             {"schema", view.schema_path},
             {"files", files.size()},
             {"bytes", bytes},
             {"loci", std::move(loci)}};
  return Status::OK();
}

}  // namespace datablox::samplestore
