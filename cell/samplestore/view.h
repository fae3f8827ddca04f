// A sample-store view, as data: a small TOML file (NAME.view.toml) that
// says which schema the data is pressed with, in which shape, where the
// dataset lies and how it is loaded. TOML rather than a section of the
// .brio language: a view is a handful of properties and a table per level,
// which TOML already spells (dotted keys give Alloy's property names as they
// are: `load.concurrency = 4`), and the same library reads the caretaker's
// configuration. Every error is FILE:LINE:COL, all of them in one run (a
// TOML syntax error stops the file there: the library does not recover).
//
//   schema = "unity.brio"            # relative to this file
//   shape = "flat"                   # or "nested": one root object a line
//   location = "../data/events"      # the dataset's folder, relative to this file
//   files = ["*.jsonl", "*.jsonl.gz"]  # globs of paths under location (the default)
//   max_item_bytes = 67108864        # an item whose blob is larger is rejected
//   load.concurrency = 2             # files pressed at once by one worker
//   loci.replication = 1             # workers holding each locus
//   loci.rangeBytes = 67108864       # nested: plain files larger are cut into byte ranges (0: never; loci.h)
//   json.rootVersion = 2             # the schema version the JSON is written at
//   stream.skipIndex = false         # accepted, see ViewDefinition
//
//   [[level]]                        # flat only: from the root down
//   fields = { id = "user", country = "country", os = "os" }   # field = row key
//   keys = ["id"]
//   child = "sessions"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cell/brio/flat_rows.h"

namespace datablox::samplestore {

// One error of a view file; line 0: about the file as a whole.
struct ViewError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  // "FILE:LINE:COL: error: MESSAGE" ("FILE: error: MESSAGE" for line 0)
  std::string ToString() const;
};

enum class ViewShape : uint8_t { kNested, kFlat };

struct ViewDefinition {
  std::string name;         // NAME of NAME.view.toml: what a request asks for
  std::string file;         // the view file, as given
  std::string text;         // its bytes: part of the generation
  std::string schema_path;  // resolved against the view file's folder
  ViewShape shape = ViewShape::kNested;
  brio::FlatGrouping grouping;  // flat: the levels, fields sorted by name
  std::string location;         // the dataset's folder, resolved like schema_path
  std::vector<std::string> files{"*.jsonl", "*.jsonl.gz"};
  uint64_t max_item_bytes = 64u << 20;
  int load_concurrency = 2;
  int loci_replication = 1;
  // Nested views only (flat ones split whole files: loci.h); 0: never.
  uint64_t loci_range_bytes = 64u << 20;
  int json_root_version = 0;  // 0: not given, the schema's version
  // Burst's Alloy skips building a per-locus item index with it. Here a
  // parcel is a Brio region, whose index the region reader needs, so the
  // index is always written: the property is read, checked and part of the
  // generation, and changes nothing else.
  bool stream_skip_index = false;

  // Where each part was written, for the checks that need the schema.
  int schema_line = 0, schema_column = 0;
  int levels_line = 0, levels_column = 0;
  int root_version_line = 0, root_version_column = 0;
};

// Views are named by their file: NAME.view.toml.
inline constexpr std::string_view kViewSuffix = ".view.toml";
// A view file is small: more than this is refused unread.
inline constexpr size_t kMaxViewBytes = 1u << 20;
// Arrays and inline tables nest at most this deep (the TOML parser recurses).
inline constexpr int kMaxViewNesting = 16;
inline constexpr int kMaxConcurrency = 256;
inline constexpr int kMaxReplication = 64;

// Parses view `text`; `file` names it in errors and anchors relative paths.
// Appends every error; *view is complete only when none was added.
void ParseView(std::string_view text, const std::string& file, ViewDefinition* view, std::vector<ViewError>* errors);

// Reads `path` (at most kMaxViewBytes) and parses it.
void ReadView(const std::string& path, ViewDefinition* view, std::vector<ViewError>* errors);

}  // namespace datablox::samplestore
