#include "cell/samplestore/loaded_view.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "cell/brio/flat_rows.h"
#include "cell/brio/schema_parser.h"

namespace datablox::samplestore {

void LoadedView::Load(const std::string& path, std::unique_ptr<LoadedView>* out, std::vector<ViewError>* errors) {
  const size_t first_error = errors->size();
  std::unique_ptr<LoadedView> view(new LoadedView());
  ReadView(path, &view->definition_, errors);
  if (errors->size() > first_error) return;
  const ViewDefinition& d = view->definition_;
  std::vector<brio::SchemaError> schema_errors;
  view->schema_ = brio::LoadSchemaFile(d.schema_path, &schema_errors);
  if (!schema_errors.empty()) {
    errors->push_back({d.file, d.schema_line, d.schema_column,
                       fmt::format("the schema {} has {} error(s), below", d.schema_path, schema_errors.size())});
    for (const brio::SchemaError& e : schema_errors) errors->push_back({e.file, e.pos.line, e.pos.column, e.message});
    return;
  }
  if (Status st = brio::SchemaLayout::Make(view->schema_, &view->layout_); !st.ok()) {
    errors->push_back({d.file, d.schema_line, d.schema_column, "the schema's layout: " + st.message()});
    return;
  }
  if (d.json_root_version > view->schema_.version) {
    errors->push_back({d.file, d.root_version_line, d.root_version_column,
                       fmt::format("json.rootVersion {} is above the schema's version {}", d.json_root_version,
                                   view->schema_.version)});
  }
  if (d.shape == ViewShape::kFlat) {
    std::unique_ptr<brio::FlatPresser> presser;
    if (Status st = brio::FlatPresser::Make(view->layout_, d.grouping, view->press_options(), &presser); !st.ok()) {
      std::istringstream lines(st.message());
      for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) errors->push_back({d.file, d.levels_line, d.levels_column, "[[level]]: " + line});
      }
    }
  }
  if (errors->size() == first_error) *out = std::move(view);
}

Status LoadedView::Load(const std::string& path, std::unique_ptr<LoadedView>* out) {
  std::vector<ViewError> errors;
  Load(path, out, &errors);
  if (errors.empty()) return Status::OK();
  std::string text;
  for (const ViewError& e : errors) text += (text.empty() ? "" : "\n") + e.ToString();
  return Status::Invalid(text);
}

brio::PressOptions LoadedView::press_options() const {
  brio::PressOptions options;
  options.max_item_bytes = definition_.max_item_bytes;
  return options;
}

Status ViewPath(const std::string& views_dir, std::string_view name, std::string* path) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos)
    return Status::Invalid(fmt::format("'{}' is not a view name (a file name without '/')", name));
  *path = (std::filesystem::path(views_dir) / (std::string(name) + std::string(kViewSuffix))).string();
  return Status::OK();
}

std::vector<std::string> ViewNames(const std::string& views_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(views_dir, ec)) {
    const std::string base = entry.path().filename().string();
    if (base.size() > kViewSuffix.size() && base.ends_with(kViewSuffix))
      names.push_back(base.substr(0, base.size() - kViewSuffix.size()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace datablox::samplestore
