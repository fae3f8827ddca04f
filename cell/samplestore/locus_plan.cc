#include "cell/samplestore/locus_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "cell/samplestore/dataset.h"
#include "cell/samplestore/locus_request.h"

namespace datablox::samplestore {

Status PlanLocus(const std::string& views_dir, std::string_view paradata, LocusPlan* plan) {
  LocusRequest locus;
  if (Status st = DecodeLocusRequest(paradata, &locus); !st.ok()) return st;
  std::string path;
  if (Status st = ViewPath(views_dir, locus.view, &path); !st.ok()) return st;
  if (Status st = LoadedView::Load(path, &plan->view); !st.ok()) return st;
  const ViewDefinition& view = plan->view->definition();
  std::vector<DatasetFile> files;
  if (Status st = ScanDataset(view.location, view.files, &files); !st.ok()) return st;
  const std::string now = GenerationOf(files, view.text);
  if (now != locus.generation) {
    plan->stale = true;
    return Status::Invalid(
        fmt::format("view {}: stale generation {}: the dataset is at {} now; ask the supervisor for the loci again",
                    locus.view, locus.generation, now));
  }
  for (const std::string& name : locus.files) {
    auto it = std::find_if(files.begin(), files.end(), [&](const DatasetFile& f) { return f.path == name; });
    if (it == files.end())
      return Status::NotFound(fmt::format("view {}: generation {} has no file {}", locus.view, now, name));
    plan->files.push_back({(std::filesystem::path(view.location) / name).string(), name});
  }
  for (const LocusRange& range : locus.ranges) {
    auto it = std::find_if(files.begin(), files.end(), [&](const DatasetFile& f) { return f.path == range.file; });
    if (it == files.end())
      return Status::NotFound(fmt::format("view {}: generation {} has no file {}", locus.view, now, range.file));
    if (view.shape == ViewShape::kFlat || !RangesAllowed(range.file) || range.end > it->size)
      return Status::Invalid(
          fmt::format("view {}: {} bytes {}..{}: not a range a locus may hold (a nested view's "
                      "plain file, within its {} bytes)",
                      locus.view, range.file, range.begin, range.end, it->size));
    // The last range reads to the end of the file, which the generation says is `size`.
    plan->files.push_back(
        {(std::filesystem::path(view.location) / range.file).string(), range.file, range.begin, range.end});
  }
  return Status::OK();
}

}  // namespace datablox::samplestore
