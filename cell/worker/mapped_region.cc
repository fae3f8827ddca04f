#include "cell/worker/mapped_region.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace datablox::worker {

Status MappedRegion::Map(const std::string& path, uint64_t expected_bytes, std::unique_ptr<MappedRegion>* out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(fmt::format("{}: {}", path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return Status::IOError(fmt::format("{}: {}", path, std::strerror(error)));
  }
  if (static_cast<uint64_t>(st.st_size) != expected_bytes) {
    ::close(fd);
    return Status::Invalid(fmt::format("{}: {} bytes where its manifest says {} (torn)", path,
                                       static_cast<uint64_t>(st.st_size), expected_bytes));
  }
  void* data = nullptr;
  if (expected_bytes > 0) {
    data = ::mmap(nullptr, expected_bytes, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      const int error = errno;
      ::close(fd);
      return Status::IOError(fmt::format("{}: mmap: {}", path, std::strerror(error)));
    }
  }
  ::close(fd);  // the mapping holds the file
  out->reset(new MappedRegion(data, expected_bytes));
  return Status::OK();
}

MappedRegion::~MappedRegion() {
  if (data_) ::munmap(data_, size_);
}

}  // namespace datablox::worker
