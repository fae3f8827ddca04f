// Rows past a memory budget, in files: one file per partition in a
// temporary folder of its own, appended to in batches, read back from the
// start, and removed with the folder. Knows nothing of rows: bytes in,
// bytes out. A batch is kept only once Commit() has flushed it whole, so a
// failed write (a full disk) never leaves half a batch to be read back.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/status.h"

namespace datablox::brio {

class RowSpill {
 public:
  // A folder "datablox-press-XXXXXX" made under `parent` (empty: $TMPDIR, else /tmp).
  static Status Make(const std::string& parent, size_t partitions, std::unique_ptr<RowSpill>* out);
  ~RowSpill();  // the files and the folder removed
  RowSpill(const RowSpill&) = delete;
  RowSpill& operator=(const RowSpill&) = delete;

  size_t partitions() const { return files_.size(); }
  const std::string& folder() const { return folder_; }
  // Buffered: a write error shows at Commit.
  void Append(size_t partition, std::string_view bytes);
  // Flushes every file: on success what was appended since the last commit
  // is kept; on failure it is cut off again and the error returned.
  Status Commit();
  // Reads partition p from its start: Read fills exactly n bytes, false at
  // the end of what was committed (or on a read error: see `error`).
  Status Rewind(size_t partition);
  bool Read(size_t partition, void* out, size_t n);
  // The partition's file closed and removed (read back, it is not needed again).
  void Drop(size_t partition);
  const Status& error() const { return error_; }

 private:
  struct File {
    std::FILE* f = nullptr;
    std::string path;
    long committed = 0;  // bytes kept
    long read = 0;       // bytes read since Rewind
    std::unique_ptr<char[]> buffer;
  };
  RowSpill() = default;

  std::string folder_;
  std::vector<File> files_;
  Status error_;
};

}  // namespace datablox::brio
