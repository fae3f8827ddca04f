// A view's dataset as the sample store sees it: the files under the view's
// location that its globs match, each with its size and modification time,
// and the generation they make with the view's definition. A file that is
// added, removed, grows, shrinks or is touched changes the generation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/status.h"

namespace datablox::samplestore {

struct DatasetFile {
  std::string path;  // relative to the view's location, '/'-separated
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const DatasetFile&) const = default;
};

// True for "NAME.jsonl" and "NAME.jsonl.gz": the only files a dataset holds.
bool IsDatasetFileName(std::string_view name);

// True when `path` (relative, '/'-separated) matches one of `globs`
// (fnmatch with FNM_PATHNAME: '*' stays within a folder).
bool MatchesAny(const std::vector<std::string>& globs, std::string_view path);

// Every matching .jsonl / .jsonl.gz file under `location` (subfolders
// included, at most kMaxScanDepth deep; symbolic links not followed),
// sorted by path. IOError when `location` is not a readable folder.
inline constexpr int kMaxScanDepth = 16;
Status ScanDataset(const std::string& location, const std::vector<std::string>& globs, std::vector<DatasetFile>* files);

// 16 hex digits: FNV-1a 64 over the view's text and every file's path,
// size and modification time, in path order.
std::string GenerationOf(const std::vector<DatasetFile>& files, std::string_view view_text);

}  // namespace datablox::samplestore
