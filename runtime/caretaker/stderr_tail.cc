#include "runtime/caretaker/stderr_tail.h"

#include <unistd.h>

#include <cerrno>

namespace datablox {

void StderrTail::Append(std::string_view bytes) {
  partial_.append(bytes);
  size_t start = 0, newline;
  while ((newline = partial_.find('\n', start)) != std::string::npos) {
    Keep(partial_.substr(start, newline - start), /*echo=*/true);
    start = newline + 1;
  }
  partial_.erase(0, start);
  if (partial_.size() > kMaxLineBytes) {
    Keep(std::move(partial_), /*echo=*/true);
    partial_.clear();
  }
}

void StderrTail::Finish() {
  if (!partial_.empty()) Keep(std::move(partial_), /*echo=*/true);
  partial_.clear();
}

void StderrTail::Note(std::string line) { Keep(std::move(line), /*echo=*/false); }

void StderrTail::Keep(std::string line, bool echo) {
  if (echo && echo_) echo_(line);
  lines_.push_back(std::move(line));
  if (lines_.size() > max_lines_) lines_.pop_front();
}

std::vector<std::string> StderrTail::Last(size_t count) const {
  size_t from = lines_.size() > count ? lines_.size() - count : 0;
  return {lines_.begin() + static_cast<std::ptrdiff_t>(from), lines_.end()};
}

void EchoToStderr(std::string_view line) {
  std::string echo = std::string(line) + "\n";
  (void)!::write(STDERR_FILENO, echo.data(), echo.size());
}

void ReadStderrPipe(int* fd, bool until_eof, StderrTail& tail) {
  char buffer[65536];
  while (*fd >= 0) {
    ssize_t n = ::read(*fd, buffer, sizeof buffer);
    if (n > 0) {
      tail.Append(std::string_view(buffer, static_cast<size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN && !until_eof) return;
    // EOF (or, after the exit, nothing more to come).
    tail.Finish();
    ::close(*fd);
    *fd = -1;
  }
}

}  // namespace datablox
