#include "cell/samplestore/file_text.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace datablox::samplestore {

namespace {

Status ReadPlain(const std::string& path, std::string* text, uint64_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(fmt::format("{}: {}", path, std::strerror(errno)));
  struct stat st;
  if (::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return Status::IOError(fmt::format("{}: larger than {} bytes", path, max_bytes));
  }
  text->resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < text->size()) {
    const ssize_t n = ::read(fd, text->data() + done, text->size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // shrank meanwhile: the next scan sees a new generation
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  text->resize(done);
  return Status::OK();
}

Status ReadGzip(const std::string& path, std::string* text, uint64_t max_bytes) {
  gzFile in = ::gzopen(path.c_str(), "rb");
  if (!in) return Status::IOError(fmt::format("{}: {}", path, std::strerror(errno)));
  ::gzbuffer(in, 256 << 10);
  text->clear();
  constexpr size_t kStep = 1 << 20;
  for (;;) {
    const size_t at = text->size();
    text->resize(at + kStep);
    const int n = ::gzread(in, text->data() + at, static_cast<unsigned>(kStep));
    if (n < 0) {
      int code = 0;
      std::string why = ::gzerror(in, &code);
      ::gzclose(in);
      return Status::IOError(fmt::format("{}: gzip: {}", path, why));
    }
    text->resize(at + static_cast<size_t>(n));
    if (text->size() > max_bytes) {
      ::gzclose(in);
      return Status::IOError(fmt::format("{}: more than {} bytes once decompressed", path, max_bytes));
    }
    if (n == 0) break;
  }
  // A truncated stream reads as a short end: gzclose_r says so.
  if (const int rc = ::gzclose(in); rc != Z_OK)
    return Status::IOError(fmt::format("{}: gzip: truncated or corrupt (zlib {})", path, rc));
  return Status::OK();
}

}  // namespace

Status ReadFileText(const std::string& path, std::string* text, uint64_t max_bytes) {
  if (path.ends_with(".gz")) return ReadGzip(path, text, max_bytes);
  return ReadPlain(path, text, max_bytes);
}

}  // namespace datablox::samplestore
