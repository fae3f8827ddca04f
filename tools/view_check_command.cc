// `datablox check FILE.view.toml`: a sample-store view (cell/samplestore/
// view.h) with its schema and grouping, every error as FILE:LINE:COL in
// one run, exit 65 (66 when the file cannot be read); on success one line
// saying what the view presses, and how many files it matches now.
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cell/samplestore/dataset.h"
#include "cell/samplestore/loaded_view.h"
#include "tools/commands.h"

namespace datablox::cli {

bool IsViewFile(const std::string& file) { return file.ends_with(samplestore::kViewSuffix); }

int CheckViewFile(const std::string& file, const OutputFormat& format) {
  if (int code = CheckReadable(file, "view file"); code != kExitOk) return code;
  std::vector<samplestore::ViewError> errors;
  std::unique_ptr<samplestore::LoadedView> view;
  samplestore::LoadedView::Load(file, &view, &errors);
  if (!errors.empty()) {
    if (format.json) {
      nlohmann::json list = nlohmann::json::array();
      for (const samplestore::ViewError& e : errors)
        list.push_back({{"file", e.file}, {"line", e.line}, {"column", e.column}, {"message", e.message}});
      std::printf("%s\n", nlohmann::json{{"file", file}, {"ok", false}, {"errors", list}}.dump(2).c_str());
    } else {
      for (const samplestore::ViewError& e : errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
      std::fprintf(stderr, "%s: %zu error%s\n", file.c_str(), errors.size(), errors.size() == 1 ? "" : "s");
    }
    return errors.size() == 1 && errors[0].line == 0 ? kExitNoInput : kExitDataErr;
  }
  const samplestore::ViewDefinition& d = view->definition();
  std::vector<samplestore::DatasetFile> files;
  Status scanned = samplestore::ScanDataset(d.location, d.files, &files);
  const std::string shape = d.shape == samplestore::ViewShape::kFlat ? "flat" : "nested";
  if (format.json) {
    nlohmann::json out = {{"file", file},
                          {"ok", true},
                          {"view", d.name},
                          {"shape", shape},
                          {"schema", d.schema_path},
                          {"location", d.location},
                          {"levels", d.grouping.levels.size()}};
    if (scanned.ok()) out["files"] = files.size();
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf(
        "%s: ok: view %s, %s%s, schema %s, location %s (%s)\n", file.c_str(), d.name.c_str(), shape.c_str(),
        d.shape == samplestore::ViewShape::kFlat ? fmt::format(" in {} levels", d.grouping.levels.size()).c_str() : "",
        d.schema_path.c_str(), d.location.c_str(),
        scanned.ok() ? fmt::format("{} files now", files.size()).c_str() : "not there yet");
  }
  return kExitOk;
}

}  // namespace datablox::cli
