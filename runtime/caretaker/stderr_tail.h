// The last lines an element host wrote to its stderr, kept by its caretaker
// for `datablox logs` (the user-facing verb keeps its kubectl name; inside
// the code a "log" is a record of data, so this is the stderr tail). Bytes
// come from a pipe in any chunks; a line is kept (and handed to the echo)
// once its newline arrives.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace datablox {

class StderrTail {
 public:
  // Called with every whole line the host wrote (without its newline).
  using Echo = std::function<void(std::string_view line)>;

  static constexpr size_t kMaxLines = 200;
  // A "line" that never ends is still shown, in pieces of about this size.
  static constexpr size_t kMaxLineBytes = 65536;

  explicit StderrTail(Echo echo = nullptr, size_t max_lines = kMaxLines)
      : echo_(std::move(echo)), max_lines_(max_lines) {}

  // Bytes read from the pipe.
  void Append(std::string_view bytes);
  // The pipe is closed: a last line without a newline is kept too.
  void Finish();
  // A line of the caretaker's own (a restart marker): kept, not echoed.
  void Note(std::string line);

  // The last `count` lines, oldest first.
  std::vector<std::string> Last(size_t count) const;
  size_t size() const { return lines_.size(); }

 private:
  void Keep(std::string line, bool echo);

  Echo echo_;
  size_t max_lines_;
  std::string partial_;
  std::deque<std::string> lines_;
};

// Writes `line` and its newline to our own stderr in one write, so that
// hosts writing at once do not interleave mid-line on the caretaker's stderr
// (the terminal of `datablox run`).
void EchoToStderr(std::string_view line);

// Reads what the non-blocking pipe `*fd` holds into `tail`. At EOF (or, with
// `until_eof`, as soon as the pipe is empty: the host has exited and nothing
// more will come) finishes the tail, closes the pipe and sets *fd to -1.
void ReadStderrPipe(int* fd, bool until_eof, StderrTail& tail);

}  // namespace datablox
