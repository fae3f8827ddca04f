#include "cell/samplestore/mapped_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace datablox::samplestore {

Status MappedFile::Open(const std::string& path, uint64_t max_bytes) {
  Close();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(fmt::format("{}: {}", path, std::strerror(errno)));
  struct stat st;
  if (::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return Status::IOError(fmt::format("{}: larger than {} bytes", path, max_bytes));
  }
  if (st.st_size == 0) {  // nothing to map (mmap refuses a length of 0)
    ::close(fd);
    return Status::OK();
  }
  void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  const int error = errno;
  ::close(fd);
  if (p == MAP_FAILED) return Status::IOError(fmt::format("{}: cannot map: {}", path, std::strerror(error)));
  base_ = p;
  size_ = static_cast<size_t>(st.st_size);
  return Status::OK();
}

void MappedFile::Close() {
  if (base_ != nullptr) ::munmap(base_, size_);
  base_ = nullptr;
  size_ = 0;
}

Status FileBytes(const std::string& path, std::string* text, MappedFile* mapped, std::string_view* bytes) {
  if (path.ends_with(".gz")) {
    Status st = ReadFileText(path, text);
    *bytes = *text;
    return st;
  }
  Status st = mapped->Open(path);
  *bytes = mapped->text();
  return st;
}

}  // namespace datablox::samplestore
