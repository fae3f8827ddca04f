#include "cell/samplestore/dataset.h"

#include <fmt/format.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

namespace datablox::samplestore {

bool IsDatasetFileName(std::string_view name) { return name.ends_with(".jsonl") || name.ends_with(".jsonl.gz"); }

bool MatchesAny(const std::vector<std::string>& globs, std::string_view path) {
  const std::string text(path);
  for (const std::string& glob : globs) {
    if (::fnmatch(glob.c_str(), text.c_str(), FNM_PATHNAME) == 0) return true;
  }
  return false;
}

Status ScanDataset(const std::string& location, const std::vector<std::string>& globs,
                   std::vector<DatasetFile>* files) {
  namespace fs = std::filesystem;
  files->clear();
  std::error_code ec;
  if (!fs::is_directory(location, ec)) return Status::IOError(fmt::format("{}: not a folder", location));
  fs::recursive_directory_iterator it(location, fs::directory_options::skip_permission_denied, ec);
  if (ec) return Status::IOError(fmt::format("{}: {}", location, ec.message()));
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Status::IOError(fmt::format("{}: {}", location, ec.message()));
    if (it.depth() >= kMaxScanDepth) it.disable_recursion_pending();
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    const std::string relative = it->path().lexically_relative(location).generic_string();
    if (!IsDatasetFileName(relative) || !MatchesAny(globs, relative)) continue;
    struct stat st;
    if (::stat(it->path().c_str(), &st) != 0) continue;  // removed meanwhile: not in this generation
    files->push_back({relative, static_cast<uint64_t>(st.st_size),
                      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec});
  }
  std::sort(files->begin(), files->end(), [](const DatasetFile& a, const DatasetFile& b) { return a.path < b.path; });
  return Status::OK();
}

namespace {

struct Fnv1a {
  uint64_t hash = 0xcbf29ce484222325ull;
  void Add(std::string_view bytes) {
    for (unsigned char c : bytes) hash = (hash ^ c) * 0x100000001b3ull;
  }
  void Add(uint64_t n) {
    for (int i = 0; i < 8; ++i) Add(std::string_view(reinterpret_cast<const char*>(&n) + i, 1));
  }
};

}  // namespace

std::string GenerationOf(const std::vector<DatasetFile>& files, std::string_view view_text) {
  Fnv1a fnv;
  fnv.Add(static_cast<uint64_t>(view_text.size()));  // lengths first: no two inputs hash as one
  fnv.Add(view_text);
  for (const DatasetFile& f : files) {
    fnv.Add(static_cast<uint64_t>(f.path.size()));
    fnv.Add(f.path);
    fnv.Add(f.size);
    fnv.Add(static_cast<uint64_t>(f.mtime_ns));
  }
  return fmt::format("{:016x}", fnv.hash);
}

}  // namespace datablox::samplestore
