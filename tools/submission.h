// What `run` and `submit` send the master, made independent of where the
// master and the caretakers were started: the topology file as an absolute
// path, its text as written, its relative path parameters made absolute
// against the submitting user's folder, and the folders Python classes are
// looked up in.
#pragma once

#include <string>
#include <vector>

#include "datablox/status.h"
#include "dsl/path_params.h"
#include "runtime/core/control.h"

namespace datablox::cli {

struct Submission {
  std::string file;                      // absolute
  std::string text;                      // as written: the master's errors point into it
  dsl::AbsolutePaths absolute_paths;     // the master sets these after parsing
  std::vector<std::string> search_path;  // ClassSearchPath(file): absolute, none empty

  // The master's "submit" request (with "name" when not empty).
  control::Json Request(const std::string& name = "") const;
};

// FILE, as read into `text`, prepared against the current working
// directory. A text that does not parse has no path parameters here; the
// master's check reports its errors.
Status PrepareSubmission(const std::string& file, const std::string& text, Submission* out);

}  // namespace datablox::cli
