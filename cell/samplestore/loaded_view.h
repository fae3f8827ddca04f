// A view with its schema loaded and its flat grouping checked against it:
// what a sample-store supervisor or worker holds to answer for the view.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cell/brio/blob_layout.h"
#include "cell/brio/press_stats.h"
#include "cell/brio/schema.h"
#include "cell/samplestore/view.h"
#include "datablox/status.h"

namespace datablox::samplestore {

class LoadedView {
 public:
  // Reads the view file, its schema, and checks what needs both: the
  // grouping (flat), json.rootVersion within the schema's versions. The
  // schema's own errors are reported at their place in the .brio file.
  // *out is set only when no error was added.
  static void Load(const std::string& path, std::unique_ptr<LoadedView>* out, std::vector<ViewError>* errors);
  // The same, every error in one Status (Invalid), one a line.
  static Status Load(const std::string& path, std::unique_ptr<LoadedView>* out);

  const ViewDefinition& definition() const { return definition_; }
  const brio::Schema& schema() const { return schema_; }
  const brio::SchemaLayout& layout() const { return layout_; }
  brio::PressOptions press_options() const;

 private:
  LoadedView() = default;
  ViewDefinition definition_;
  brio::Schema schema_;  // the layout points into it: a LoadedView does not move
  brio::SchemaLayout layout_;
};

// The file of view NAME in `views_dir` (NAME.view.toml). A name is a plain
// file name: "", ".", "..", a '/' or a NUL is refused (InvalidArgument).
Status ViewPath(const std::string& views_dir, std::string_view name, std::string* path);

// The views of a folder, by name, sorted.
std::vector<std::string> ViewNames(const std::string& views_dir);

}  // namespace datablox::samplestore
