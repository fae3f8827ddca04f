// The views a sample-store supervisor answers for, loaded once and kept
// while their files stay as they were: a cell asks the store for a view's
// generation on every query, and reading the view's TOML and parsing and
// checking its schema each time cost most of the store's part of a query.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "cell/samplestore/loaded_view.h"
#include "datablox/status.h"

namespace datablox::samplestore {

// What tells one version of a file from another: a file rewritten in place
// changes its size or modification time, one replaced by a rename its inode.
struct FileIdentity {
  ino_t inode = 0;
  int64_t size = -1;
  int64_t mtime_ns = -1;
  bool operator==(const FileIdentity&) const = default;
};

// The identity of the file at `path`, or size -1 when it cannot be stat'ed.
FileIdentity IdentityOf(const std::string& path);

class ViewCache {
 public:
  // The view of `path`, loaded again only when the view file or its
  // schema's file differ from when it was loaded (an error is not kept:
  // the next call reads the files again). The pointer stays valid until
  // the next Get of the same path.
  Status Get(const std::string& path, const LoadedView** view);

  uint64_t loads() const { return loads_; }  // how many Gets read the files

 private:
  struct Entry {
    FileIdentity view_file, schema_file;
    std::unique_ptr<LoadedView> view;
  };
  std::map<std::string, Entry> entries_;
  uint64_t loads_ = 0;
};

}  // namespace datablox::samplestore
