#include "cell/brio/string_interner.h"

#include <algorithm>
#include <cstring>

namespace datablox::brio {

namespace {

constexpr size_t kInitialSlots = 64;

// The high and low halves of a 64x64 product folded: one multiply mixes every input bit.
inline uint64_t Fold(uint64_t a, uint64_t b) {
  const __uint128_t product = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

// Interned strings are mostly short (ids, types, countries): eight bytes a
// multiply, where std::hash (murmur over bytes) cost a third of interning.
}  // namespace

uint64_t HashBytes(std::string_view s) {
  constexpr uint64_t kA = 0xa0761d6478bd642full, kB = 0xe7037ed1a0b428dbull;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = kA ^ s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    h = Fold(h ^ word, kB);
  }
  if (n > 0) {
    uint64_t word = 0;
    std::memcpy(&word, p, n);
    h = Fold(h ^ word, kB);
  }
  return Fold(h, kA);
}

namespace {

// Equality of n bytes, inline for the short strings interned most (a call
// to memcmp was a twentieth of pressing): two overlapping loads cover 4 to 16
// bytes, within both strings.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  if (n > 16) return std::memcmp(a, b, n) == 0;
  if (n >= 8) {
    uint64_t a0, a1, b0, b1;
    std::memcpy(&a0, a, 8), std::memcpy(&b0, b, 8);
    std::memcpy(&a1, a + n - 8, 8), std::memcpy(&b1, b + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n >= 4) {
    uint32_t a0, a1, b0, b1;
    std::memcpy(&a0, a, 4), std::memcpy(&b0, b, 4);
    std::memcpy(&a1, a + n - 4, 4), std::memcpy(&b1, b + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// A slot: the string's key + 1 in the low half (0: empty), its hash's high half above,
// so a probe compares bytes only when the hashes agree.
inline uint64_t SlotOf(uint64_t hash, uint32_t key) { return (hash & 0xffffffff00000000ull) | (key + uint64_t{1}); }

}  // namespace

namespace {

// A short string (1 to 16 bytes) as two words that, with its size, name it
// exactly: its first and last 8 bytes, or for fewer its bytes in the first.
inline void ShortWords(std::string_view s, uint64_t* a, uint64_t* b) {
  const char* p = s.data();
  const size_t n = s.size();
  if (n >= 8) {
    std::memcpy(a, p, 8);
    std::memcpy(b, p + n - 8, 8);
    return;
  }
  *b = 0;
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    *a = lo | (uint64_t{hi} << 32);
    return;
  }
  *a = 0;
  for (size_t i = 0; i < n; ++i) *a |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
}

}  // namespace

uint32_t StringInterner::Intern(std::string_view s) {
  if (s.size() - 1 < kShortBytes) {  // 1 to kShortBytes bytes
    uint64_t a, b;
    ShortWords(s, &a, &b);
    ShortEntry& e = recent_[((a * 0x9e3779b97f4a7c15ull) ^ (b * 0xc2b2ae3d27d4eb4full)) >> (64 - kRecentBits)];
    if (e.a == a && e.b == b && e.size == s.size()) return e.key;
    const uint32_t key = InternNew(s);
    e = {a, b, static_cast<uint32_t>(s.size()), key};
    return key;
  }
  return InternNew(s);
}

uint32_t StringInterner::InternNew(std::string_view s) {
  // Kept at most half full, so a probe ends at an empty slot quickly.
  if ((ends_.size() + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  const uint64_t hash = HashBytes(s);
  const uint64_t tag = hash & 0xffffffff00000000ull;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const uint64_t slot = slots_[i];
    if (slot == 0) {
      bytes_.append(s);
      ends_.push_back(static_cast<uint32_t>(bytes_.size()));
      const uint32_t key = static_cast<uint32_t>(ends_.size() - 1);
      slots_[i] = SlotOf(hash, key);
      return key;
    }
    const uint32_t key = static_cast<uint32_t>(slot) - 1;
    if ((slot & 0xffffffff00000000ull) == tag) {
      const std::string_view kept = Get(key);
      if (kept.size() == s.size() && SameBytes(kept.data(), s.data(), s.size())) return key;
    }
  }
}

void StringInterner::Grow() {
  const size_t size = std::max(kInitialSlots, slots_.size() * 2);
  slots_.assign(size, 0);
  const size_t mask = size - 1;
  for (uint32_t key = 0; key < ends_.size(); ++key) {
    const uint64_t hash = HashBytes(Get(key));
    size_t i = hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = SlotOf(hash, key);
  }
}

void StringInterner::Clear() {
  bytes_.clear();
  ends_.clear();
  std::fill(std::begin(recent_), std::end(recent_), ShortEntry{});
  std::fill(slots_.begin(), slots_.end(), 0);
}

size_t StringInterner::memory_bytes() const {
  return bytes_.capacity() + ends_.capacity() * sizeof(uint32_t) + slots_.capacity() * sizeof(uint64_t);
}

}  // namespace datablox::brio
