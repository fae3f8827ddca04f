// A plain dataset file's bytes mapped read-only (MAP_POPULATE), for a
// worker's press: reading a 383 MB locus into a fresh std::string (its pages
// faulted in and zeroed, then copied into) was over a third of the element
// path of `bench/run press`. A gzip'd file is still read (file_text.h).
//
// The file must not shrink while it is mapped: a page cut off by a
// truncation ends the process (SIGBUS), its streams failing at their
// clients as when a worker is killed. Dataset files are appended to or
// replaced (a new generation is pressed from the new file), not cut short
// in place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cell/samplestore/file_text.h"
#include "datablox/status.h"

namespace datablox::samplestore {

class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile() { Close(); }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // IOError naming the file when it cannot be opened or mapped, or is larger than max_bytes.
  Status Open(const std::string& path, uint64_t max_bytes = kMaxFileTextBytes);
  std::string_view text() const { return {static_cast<const char*>(base_), size_}; }
  void Close();

 private:
  void* base_ = nullptr;
  size_t size_ = 0;
};

// A file's text: mapped into `mapped` when plain, read into `text` when
// gzip'd; *bytes is the one that holds it.
Status FileBytes(const std::string& path, std::string* text, MappedFile* mapped, std::string_view* bytes);

}  // namespace datablox::samplestore
