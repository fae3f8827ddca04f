#include "tools/submission.h"

#include <fmt/format.h>

#include <filesystem>

#include "datablox/element.h"
#include "dsl/loader.h"

namespace datablox::cli {

control::Json Submission::Request(const std::string& name) const {
  control::Submit request;
  request.file = file;
  request.text = text;
  request.absolute_paths = control::Json(absolute_paths);
  request.search_path = search_path;
  if (!name.empty()) request.name = name;
  return control::ToJson(request);
}

Status PrepareSubmission(const std::string& file, const std::string& text, Submission* out) {
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (ec) return Status::IOError(fmt::format("cannot tell the working directory: {}", ec.message()));
  out->file = (cwd / file).lexically_normal().string();
  out->text = text;
  std::vector<dsl::Diagnostic> errors;
  dsl::Topology topology = dsl::Parse(text, file, &errors);
  out->absolute_paths = errors.empty() ? dsl::AbsolutePathParameters(topology, cwd.string()) : dsl::AbsolutePaths{};
  out->search_path = ClassSearchPath(out->file);
  return Status::OK();
}

}  // namespace datablox::cli
