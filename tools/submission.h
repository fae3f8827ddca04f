// What `run` and `submit` send the master, made independent of where the
// master and the caretakers were started: the topology file as an absolute
// path, its text with relative path parameters made absolute against the
// submitting user's folder, and the folders Python classes are looked up in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "datablox/status.h"

namespace datablox::cli {

struct Submission {
  std::string file;                      // absolute
  std::string text;                      // the file's text, path parameters absolute
  std::vector<std::string> search_path;  // ClassSearchPath(file): absolute, none empty
};

// A string parameter holds a file or folder when it is named `path` or ends
// in `_path`, `_file` or `_dir` (JsonLinesSource, JsonLinesSink and
// SqliteStore's `path`; the same rule for Python classes).
bool IsPathParameter(std::string_view name);

// `text` with every relative path parameter of every element made absolute
// against `folder`. Only those string literals change; a text that does not
// parse is returned as it is (the master's check reports its errors).
std::string WithAbsolutePaths(const std::string& text, const std::string& file, const std::string& folder);

// FILE, as read into `text`, prepared against the current working directory.
Status PrepareSubmission(const std::string& file, const std::string& text, Submission* out);

}  // namespace datablox::cli
