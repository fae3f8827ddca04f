#include "cell/samplestore/view_cache.h"

#include <sys/stat.h>
#include <time.h>

namespace datablox::samplestore {
namespace {

// A file modified this close to its reading may change again within its
// timestamp's granularity without its identity showing it (git's "racily
// clean" files): such a load is used once, not kept.
constexpr int64_t kRacyNs = 1000000000;

int64_t WallNs() {
  timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

}  // namespace

FileIdentity IdentityOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return FileIdentity{};
  return FileIdentity{st.st_ino, static_cast<int64_t>(st.st_size),
                      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

Status ViewCache::Get(const std::string& path, const LoadedView** view) {
  const FileIdentity view_file = IdentityOf(path);
  auto found = entries_.find(path);
  if (found != entries_.end() && view_file.size >= 0 && found->second.view_file == view_file &&
      found->second.schema_file == IdentityOf(found->second.view->definition().schema_path)) {
    *view = found->second.view.get();
    return Status::OK();
  }
  ++loads_;
  const int64_t reading_from_ns = WallNs();
  std::unique_ptr<LoadedView> loaded;
  Status st = LoadedView::Load(path, &loaded);
  if (!st.ok()) {
    if (found != entries_.end()) entries_.erase(found);
    return st;
  }
  Entry entry{view_file, IdentityOf(loaded->definition().schema_path), std::move(loaded)};
  // Stat'ed after the schema was read, the schema's identity may be newer
  // than what was read, and the view file's may be older: either one
  // changed lately makes the entry one that matches nothing.
  if (entry.view_file.mtime_ns >= reading_from_ns - kRacyNs || entry.schema_file.mtime_ns >= reading_from_ns - kRacyNs)
    entry.view_file.size = entry.schema_file.size = -2;
  Entry& kept = entries_[path] = std::move(entry);
  *view = kept.view.get();
  return Status::OK();
}

}  // namespace datablox::samplestore
