// Reading a whole text file that must stay under a size limit (a topology,
// a schema): with POSIX read rather than a stream, so that a directory
// fails with its own reason (EISDIR), and bounded, so that a FIFO or
// /dev/zero ends in an error instead of filling the memory.
#pragma once

#include <cstddef>
#include <string>

namespace datablox {

struct BoundedRead {
  enum class Outcome { kRead, kCannotRead, kTooLarge };
  Outcome outcome = Outcome::kRead;
  std::string why;  // kCannotRead: "cannot read PATH: REASON"
  int line = 0;     // kTooLarge: where the first byte past the limit is, 1-based
  int column = 0;
};

// PATH's text in *text when it holds at most max_bytes (*text is empty otherwise).
BoundedRead ReadBoundedFile(const std::string& path, size_t max_bytes, std::string* text);

}  // namespace datablox
