#include "runtime/core/bounded_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace datablox {

BoundedRead ReadBoundedFile(const std::string& path, size_t max_bytes, std::string* text) {
  text->clear();
  BoundedRead result;
  auto cannot_read = [&] {
    result.outcome = BoundedRead::Outcome::kCannotRead;
    result.why = fmt::format("cannot read {}: {}", path, std::strerror(errno));
    text->clear();
    return result;
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cannot_read();
  char buffer[1 << 14];
  // One byte past the limit tells a file at the limit from a longer one.
  while (text->size() <= max_bytes) {
    const size_t wanted = std::min(sizeof buffer, max_bytes + 1 - text->size());
    const ssize_t n = ::read(fd, buffer, wanted);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      cannot_read();
      ::close(fd);
      return result;
    }
    text->append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  if (text->size() <= max_bytes) return result;
  // Pointed at the first byte past the limit.
  const size_t last_newline = max_bytes == 0 ? std::string::npos : text->rfind('\n', max_bytes - 1);
  result.outcome = BoundedRead::Outcome::kTooLarge;
  result.line =
      1 + static_cast<int>(std::count(text->begin(), text->begin() + static_cast<std::ptrdiff_t>(max_bytes), '\n'));
  const size_t column = last_newline == std::string::npos ? max_bytes + 1 : max_bytes - last_newline;
  result.column = static_cast<int>(std::min<size_t>(column, INT_MAX));
  text->clear();
  return result;
}

}  // namespace datablox
