#include "cell/worker/disk_layout.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/core/bounded_json.h"

namespace datablox::worker {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

bool PlainName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

std::string RegionName(int core) { return fmt::format("region-{}.brgn", core); }

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

Status Errno(const std::string& what) { return Status::IOError(fmt::format("{}: {}", what, std::strerror(errno))); }

// PATH.partial (complete) flushed to disk, then renamed to PATH.
Status SyncAndRename(const std::string& path) {
  const std::string partial = path + std::string(kPartialSuffix);
  const int fd = ::open(partial.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno(partial);
  if (::fsync(fd) != 0) {
    Status st = Errno(partial);
    ::close(fd);
    return st;
  }
  ::close(fd);
  if (::rename(partial.c_str(), path.c_str()) != 0) return Errno(path);
  return Status::OK();
}

// Writes `bytes` to `path` (created or truncated) and closes it.
Status WriteFile(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno(path);
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status st = Errno(path);
      ::close(fd);
      return st;
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return Errno(path);
  return Status::OK();
}

// PATH.partial, flushed to disk, then renamed to PATH: PATH is complete or absent.
Status WriteAtomically(const std::string& path, std::string_view bytes) {
  if (Status st = WriteFile(path + std::string(kPartialSuffix), bytes); !st.ok()) return st;
  return SyncAndRename(path);
}

void SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// The slice of one folder, from its manifest; Invalid saying why not.
Status ReadSlice(const fs::path& dir, const SliceKey& key, CachedSlice* out) {
  const fs::path manifest = dir / kManifestName;
  std::error_code ec;
  if (!fs::exists(manifest, ec)) return Status::Invalid("no manifest (a slice written only in part)");
  const uintmax_t size = fs::file_size(manifest, ec);
  if (ec || size > kMaxManifestBytes) return Status::Invalid("manifest unreadable or too large");
  std::ifstream in(manifest, std::ios::binary);
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  json m;
  if (Status st = ParseBoundedJson(text, &m, kMaxManifestDepth); !st.ok())
    return Status::Invalid(fmt::format("manifest: {}", st.message()));
  if (!m.is_object() || m.value("format", 0) != kManifestFormat)
    return Status::Invalid(fmt::format("manifest: not format {}", kManifestFormat));
  if (m.value("domain", "") != key.generation.domain || m.value("view", "") != key.generation.view ||
      m.value("generation", int64_t{-1}) != key.generation.generation || m.value("worker", -1) != key.worker)
    return Status::Invalid("manifest: names another slice than its folder");
  auto regions = m.find("regions");
  if (regions == m.end() || !regions->is_array()) return Status::Invalid("manifest: no regions");
  auto loci = m.find("loci");
  if (loci == m.end() || !loci->is_array() || loci->size() > kMaxManifestLoci)
    return Status::Invalid("manifest: no loci");
  out->loci.clear();
  for (const json& n : *loci) {
    if (!n.is_number_integer()) return Status::Invalid("manifest: a locus that is no number");
    out->loci.push_back(n.get<int>());
  }
  out->key = key;
  out->regions.clear();
  for (const json& r : *regions) {
    if (!r.is_object() || !r.value("core", json()).is_number_integer() ||
        !r.value("bytes", json()).is_number_unsigned())
      return Status::Invalid("manifest: a region without core and bytes");
    RegionInfo region;
    region.core = r["core"].get<int>();
    region.bytes = r["bytes"].get<uint64_t>();
    region.file = RegionName(region.core);
    if (region.core < 0 || region.core >= kMaxCores) return Status::Invalid("manifest: a core out of range");
    const uintmax_t found = fs::file_size(dir / region.file, ec);
    if (ec) return Status::Invalid(fmt::format("{}: missing", region.file));
    if (found != region.bytes)
      return Status::Invalid(
          fmt::format("{}: {} bytes where the manifest says {} (torn)", region.file, found, region.bytes));
    out->regions.push_back(region);
  }
  if (!out->life.Apply(SliceEvent::kLoaded).ok()) return Status::Internal("a fresh slice is not cold");
  return Status::OK();
}

}  // namespace

Status DiskLayout::SliceDir(const SliceKey& key, std::string* dir) const {
  if (!PlainName(key.generation.domain) || !PlainName(key.generation.view))
    return Status::Invalid(fmt::format("slice {}: a domain or view that is no plain file name", key.ToString()));
  *dir = (fs::path(root_) / key.generation.domain / key.generation.view / std::to_string(key.generation.generation) /
          fmt::format("slice-{}", key.worker))
             .string();
  return Status::OK();
}

Status DiskLayout::WriteRegion(const SliceKey& key, int core, std::string_view bytes, RegionInfo* out) const {
  std::string partial;
  if (Status st = PartialRegionPath(key, core, &partial); !st.ok()) return st;
  if (Status st = WriteFile(partial, bytes); !st.ok()) return st;
  return CommitRegion(key, core, out);
}

Status DiskLayout::PartialRegionPath(const SliceKey& key, int core, std::string* path) const {
  if (core < 0 || core >= kMaxCores) return Status::Invalid(fmt::format("core {} out of range", core));
  std::string dir;
  if (Status st = SliceDir(key, &dir); !st.ok()) return st;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError(fmt::format("{}: {}", dir, ec.message()));
  *path = (fs::path(dir) / RegionName(core)).string() + std::string(kPartialSuffix);
  return Status::OK();
}

Status DiskLayout::CommitRegion(const SliceKey& key, int core, RegionInfo* out) const {
  std::string dir;
  if (Status st = SliceDir(key, &dir); !st.ok()) return st;
  const std::string path = (fs::path(dir) / RegionName(core)).string();
  if (Status st = SyncAndRename(path); !st.ok()) return st;
  std::error_code ec;
  const uintmax_t bytes = fs::file_size(path, ec);
  if (ec) return Status::IOError(fmt::format("{}: {}", path, ec.message()));
  *out = {core, RegionName(core), static_cast<uint64_t>(bytes)};
  return Status::OK();
}

Status DiskLayout::WriteManifest(const SliceKey& key, const std::vector<RegionInfo>& regions,
                                 const std::vector<int>& loci) const {
  std::string dir;
  if (Status st = SliceDir(key, &dir); !st.ok()) return st;
  json list = json::array();
  for (const RegionInfo& r : regions) list.push_back({{"core", r.core}, {"bytes", r.bytes}});
  const json manifest = {{"format", kManifestFormat},   {"domain", key.generation.domain},
                         {"view", key.generation.view}, {"generation", key.generation.generation},
                         {"worker", key.worker},        {"regions", list},
                         {"loci", loci}};
  Status st = WriteAtomically((fs::path(dir) / kManifestName).string(), manifest.dump());
  if (st.ok()) SyncDirectory(dir);  // the renames of the regions and the manifest reach the disk
  return st;
}

Status DiskLayout::RemoveSlice(const SliceKey& key) const {
  std::string dir;
  if (Status st = SliceDir(key, &dir); !st.ok()) return st;
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) return Status::IOError(fmt::format("{}: {}", dir, ec.message()));
  return Status::OK();
}

Status DiskLayout::Rescan(RescanResult* out, int only_worker) const {
  *out = RescanResult();
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) return Status::OK();
  auto folders = [](const fs::path& dir) {
    std::vector<fs::path> list;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_directory(ec)) list.push_back(entry.path());
    }
    std::sort(list.begin(), list.end());
    return list;
  };
  for (const fs::path& domain : folders(root_)) {
    for (const fs::path& view : folders(domain)) {
      for (const fs::path& generation : folders(view)) {
        int64_t clock = 0;
        if (!ParseNumber(generation.filename().string(), &clock)) continue;  // not ours: left alone
        for (const fs::path& slice : folders(generation)) {
          const std::string name = slice.filename().string();
          int worker = 0;
          if (!name.starts_with("slice-") || !ParseNumber(std::string_view(name).substr(6), &worker)) continue;
          if (only_worker != kAnyWorker && worker != only_worker) continue;  // another member's
          // Leftovers of a write that did not finish.
          for (const auto& entry : fs::directory_iterator(slice, ec)) {
            if (entry.path().string().ends_with(kPartialSuffix)) {
              out->ignored.push_back(fmt::format("{}: written only in part", entry.path().string()));
              fs::remove(entry.path(), ec);
            }
          }
          SliceKey key{{domain.filename().string(), view.filename().string(), clock}, worker};
          CachedSlice found;
          if (Status st = ReadSlice(slice, key, &found); !st.ok()) {
            out->ignored.push_back(fmt::format("{}: {}", slice.string(), st.message()));
            fs::remove_all(slice, ec);
            continue;
          }
          out->warm.push_back(std::move(found));
        }
      }
    }
  }
  return Status::OK();
}

}  // namespace datablox::worker
