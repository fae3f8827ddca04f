#include "cell/samplestore/loci_answer.h"

#include "cell/samplestore/loci.h"
#include "cell/samplestore/locus_request.h"

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
  for (const Locus& locus : SplitLoci(files, static_cast<int>(workers.size()), view.loci_replication)) {
    nlohmann::json addresses = nlohmann::json::array();
    for (int w : locus.workers) addresses.push_back(workers[static_cast<size_t>(w)]);
    loci.push_back({{"locus", locus.index},
                    {"files", locus.files},
                    {"bytes", locus.bytes},
                    {"addresses", std::move(addresses)},
                    {"paradata", EncodeLocusRequest({view.name, generation, locus.index, locus.files})}});
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
