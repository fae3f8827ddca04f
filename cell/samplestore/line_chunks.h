// A dataset file read as chunks of whole lines, so that a worker's memory
// per press is about one chunk whatever the file's size, and a stop is
// seen between chunks. A chunk is at least chunk_bytes (but the file's
// last), ends after a '\n' (but the file's last line may lack one), and
// grows past chunk_bytes only to hold a line longer than it (at most
// kMaxLineBytes: a longer line fails the read rather than eat the memory).
//
// A byte range [begin, end) of a plain file holds the lines that START in
// it: a reader at begin > 0 skips to the first '\n' at or after begin - 1
// (so a line starting exactly at begin is its own), and it reads through
// the line that crosses end. Ranges that tile a file thus see every line
// exactly once (loci.h cuts them; line_chunks_test.cc checks it). A .gz
// file is read whole only: it cannot be entered at an offset.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "datablox/status.h"

namespace datablox::samplestore {

inline constexpr uint64_t kWholeFile = std::numeric_limits<uint64_t>::max();
inline constexpr size_t kChunkBytes = 4 << 20;
inline constexpr size_t kMaxLineBytes = size_t{1} << 30;
// After decompression: a gzip bomb is refused.
inline constexpr uint64_t kMaxGzipBytes = uint64_t{64} << 30;

class LineChunks {
 public:
  LineChunks() = default;
  ~LineChunks();
  LineChunks(const LineChunks&) = delete;
  LineChunks& operator=(const LineChunks&) = delete;

  // IOError naming the file when it cannot be opened; Invalid for
  // a range of a .gz file. end = kWholeFile: to the end of the file.
  Status Open(const std::string& path, uint64_t begin = 0, uint64_t end = kWholeFile, size_t chunk_bytes = kChunkBytes);
  // The next chunk, valid until the next call; false at the end or on an
  // error (then status() says it, naming the file).
  bool Next(std::string_view* lines);
  const Status& status() const { return status_; }
  // Lines handed out before the last chunk: its first line is number
  // lines_before() + 1 of the range.
  uint64_t lines_before() const { return lines_before_; }
  // The file offset of the range's first line (begin, or past the skipped
  // part of a line); known once the first chunk is out.
  uint64_t first_line_offset() const { return first_line_offset_; }
  // Bytes taken from the file so far (decompressed, for a .gz).
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  // Appends up to chunk_bytes_ bytes; sets eof_ (and status_ on an error).
  void ReadMore();
  bool Fail(Status why);
  // Drops the buffer's first n bytes (the part of a line before a range, or a chunk handed out).
  void Consume(size_t n);

  std::string path_;
  int fd_ = -1;
  void* gz_ = nullptr;  // a gzFile
  uint64_t end_ = kWholeFile;
  size_t chunk_bytes_ = kChunkBytes;
  // The bytes read and not yet handed out, at buffer_[0, size_). Not a
  // std::string: growing one zero-fills what read() then overwrites.
  std::unique_ptr<char[]> buffer_;
  size_t size_ = 0;
  size_t capacity_ = 0;
  size_t handed_ = 0;  // bytes of buffer_ handed out by the last Next
  uint64_t base_ = 0;  // the file offset of buffer_[0]
  bool skipping_ = false;
  bool eof_ = false;
  bool finished_ = false;
  uint64_t lines_before_ = 0;
  uint64_t lines_out_ = 0;
  uint64_t first_line_offset_ = 0;
  uint64_t bytes_read_ = 0;
  Status status_;
};

// The '\n' bytes in [data, data + size). With memchr, which libc runs many
// bytes at a time: std::count compares one byte at a time, and counting a
// chunk's lines was a tenth of a sample-store worker's time.
uint64_t CountLineEnds(const char* data, size_t size);

}  // namespace datablox::samplestore
