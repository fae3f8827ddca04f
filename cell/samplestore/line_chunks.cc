#include "cell/samplestore/line_chunks.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace datablox::samplestore {

LineChunks::~LineChunks() {
  if (fd_ >= 0) ::close(fd_);
  if (gz_) ::gzclose(static_cast<gzFile>(gz_));
}

Status LineChunks::Open(const std::string& path, uint64_t begin, uint64_t end, size_t chunk_bytes) {
  path_ = path;
  end_ = end;
  chunk_bytes_ = std::max<size_t>(chunk_bytes, 1);
  if (begin >= end) {
    finished_ = true;
    return Status::OK();
  }
  if (path.ends_with(".gz")) {
    if (begin != 0 || end != kWholeFile) return Status::Invalid(path + ": a .gz file is read whole only");
    gzFile in = ::gzopen(path.c_str(), "rb");
    if (!in) return Status::IOError(fmt::format("{}: {}", path, std::strerror(errno ? errno : ENOMEM)));
    ::gzbuffer(in, 256 << 10);
    gz_ = in;
    return Status::OK();
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return Status::IOError(fmt::format("{}: {}", path, std::strerror(errno)));
  if (begin > 0) {
    // From the byte before begin: a '\n' there means a line starts at begin.
    base_ = begin - 1;
    skipping_ = true;
    if (::lseek(fd_, static_cast<off_t>(base_), SEEK_SET) < 0)
      return Status::IOError(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  return Status::OK();
}

bool LineChunks::Fail(Status why) {
  status_ = std::move(why);
  finished_ = true;
  return false;
}

void LineChunks::Consume(size_t n) {
  if (n == 0) return;
  std::memmove(buffer_.get(), buffer_.get() + n, size_ - n);
  size_ -= n;
  base_ += n;
}

void LineChunks::ReadMore() {
  if (capacity_ - size_ < chunk_bytes_) {
    // Grown by doubling at least: a line longer than a chunk is read in O(its length).
    const size_t capacity = std::max(size_ + chunk_bytes_, capacity_ * 2);
    std::unique_ptr<char[]> grown(new char[capacity]);  // not zeroed: read() fills what is used
    if (size_ > 0) std::memcpy(grown.get(), buffer_.get(), size_);
    buffer_ = std::move(grown);
    capacity_ = capacity;
  }
  char* at = buffer_.get() + size_;
  for (;;) {
    int64_t n = 0;
    if (gz_) {
      n = ::gzread(static_cast<gzFile>(gz_), at, static_cast<unsigned>(chunk_bytes_));
      if (n < 0) {
        int code = 0;
        status_ = Status::IOError(fmt::format("{}: gzip: {}", path_, ::gzerror(static_cast<gzFile>(gz_), &code)));
      }
    } else {
      n = ::read(fd_, at, chunk_bytes_);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) status_ = Status::IOError(fmt::format("{}: {}", path_, std::strerror(errno)));
    }
    size_ += static_cast<size_t>(std::max<int64_t>(n, 0));
    bytes_read_ += static_cast<uint64_t>(std::max<int64_t>(n, 0));
    if (n <= 0) eof_ = true;
    break;
  }
  if (gz_ && bytes_read_ > kMaxGzipBytes)
    status_ = Status::IOError(fmt::format("{}: more than {} bytes once decompressed", path_, kMaxGzipBytes));
  if (eof_ && gz_ && status_.ok()) {
    // A truncated stream reads as a short end: gzclose says so.
    const int rc = ::gzclose(static_cast<gzFile>(gz_));
    gz_ = nullptr;
    if (rc != Z_OK) status_ = Status::IOError(fmt::format("{}: gzip: truncated or corrupt (zlib {})", path_, rc));
  }
}

bool LineChunks::Next(std::string_view* lines) {
  Consume(handed_);
  handed_ = 0;
  lines_before_ = lines_out_;
  for (;;) {
    if (finished_ || !status_.ok()) return status_.ok() ? false : Fail(status_);
    if (skipping_) {
      const char* newline = static_cast<const char*>(size_ ? std::memchr(buffer_.get(), '\n', size_) : nullptr);
      if (newline == nullptr) {
        Consume(size_);
        if (eof_ || base_ >= end_) {  // no line starts in the range
          finished_ = true;
          continue;
        }
        ReadMore();
        continue;
      }
      Consume(static_cast<size_t>(newline - buffer_.get()) + 1);
      skipping_ = false;
      if (base_ >= end_) {
        finished_ = true;
        continue;
      }
    }
    if (!skipping_ && lines_out_ == 0 && handed_ == 0) first_line_offset_ = base_;
    if (size_ < chunk_bytes_ && !eof_) {
      ReadMore();
      continue;
    }
    const char* buffer = buffer_.get();
    size_t cut = 0;
    bool found = false;
    bool last = false;
    if (end_ != kWholeFile && base_ + size_ >= end_) {
      // The line holding byte end - 1 is the range's last.
      const size_t from = static_cast<size_t>(end_ - 1 - base_);
      if (const void* newline = std::memchr(buffer + from, '\n', size_ - from)) {
        cut = static_cast<size_t>(static_cast<const char*>(newline) - buffer) + 1;
        found = last = true;
      }
    }
    if (!found) {
      const void* newline = size_ ? ::memrchr(buffer, '\n', size_) : nullptr;
      if (eof_) {
        cut = size_;
        last = true;
      } else if (newline != nullptr) {
        cut = static_cast<size_t>(static_cast<const char*>(newline) - buffer) + 1;
      } else if (size_ >= kMaxLineBytes) {
        return Fail(
            Status::IOError(fmt::format("{}: a line longer than {} bytes at byte {}", path_, kMaxLineBytes, base_)));
      } else {
        ReadMore();  // a line longer than a chunk: the chunk grows
        continue;
      }
    }
    if (last) finished_ = true;
    if (cut == 0) continue;
    *lines = std::string_view(buffer, cut);
    handed_ = cut;
    lines_out_ += CountLineEnds(buffer, cut);
    if (lines->back() != '\n') ++lines_out_;
    return true;
  }
}

uint64_t CountLineEnds(const char* data, size_t size) {
  uint64_t count = 0;
  const char* end = data + size;
  while (data < end) {
    const void* newline = std::memchr(data, '\n', static_cast<size_t>(end - data));
    if (newline == nullptr) break;
    ++count;
    data = static_cast<const char*>(newline) + 1;
  }
  return count;
}

}  // namespace datablox::samplestore
