// Distinct strings, each kept once and named by a dense key 0, 1, 2...: a
// blob's dictionary while it is pressed, and the flat-row grouper's strings.
// Open addressing over one table and one byte buffer, both reused after
// Clear(): interning allocates only when a buffer grows. Short strings
// interned lately are found first in a small direct-mapped cache.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace datablox::brio {

// The interner's hash of a string: quick over short strings (eight bytes a multiply).
uint64_t HashBytes(std::string_view s);

class StringInterner {
 public:
  // The key of `s`, adding it if it is new.
  uint32_t Intern(std::string_view s);
  std::string_view Get(uint32_t key) const {
    const uint32_t begin = key == 0 ? 0 : ends_[key - 1];
    return std::string_view(bytes_).substr(begin, ends_[key] - begin);
  }
  uint32_t size() const { return static_cast<uint32_t>(ends_.size()); }
  // The strings' bytes back to back, and where each ends: the dictionary's layout.
  const std::string& bytes() const { return bytes_; }
  const std::vector<uint32_t>& ends() const { return ends_; }
  // Forgets every string; keeps the buffers.
  void Clear();
  // The bytes its buffers hold (a memory budget's share).
  size_t memory_bytes() const;

 private:
  void Grow();
  uint32_t InternNew(std::string_view s);

  // The short strings interned lately, direct mapped by their bytes: most
  // cells of a log are a few distinct short strings (a type, a country), and
  // finding one here skips the hash and the probe of the table. An entry
  // whose size is 0 is empty (a string of 0 bytes never goes here).
  static constexpr size_t kShortBytes = 16;
  static constexpr int kRecentBits = 8;
  struct ShortEntry {
    uint64_t a = 0, b = 0;
    uint32_t size = 0;
    uint32_t key = 0;
  };
  ShortEntry recent_[size_t{1} << kRecentBits];

  std::string bytes_;
  std::vector<uint32_t> ends_;
  std::vector<uint64_t> slots_;  // key + 1 (0 for empty) and the hash's high half; size a power of two
};

}  // namespace datablox::brio
