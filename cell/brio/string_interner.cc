#include "cell/brio/string_interner.h"

#include <algorithm>
#include <functional>

namespace datablox::brio {

namespace {
constexpr size_t kInitialSlots = 64;
size_t HashOf(std::string_view s) { return std::hash<std::string_view>{}(s); }
}  // namespace

uint32_t StringInterner::Intern(std::string_view s) {
  // Kept at most half full, so a probe ends at an empty slot quickly.
  if ((ends_.size() + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = HashOf(s) & mask;; i = (i + 1) & mask) {
    const uint32_t slot = slots_[i];
    if (slot == 0) {
      bytes_.append(s);
      ends_.push_back(static_cast<uint32_t>(bytes_.size()));
      slots_[i] = static_cast<uint32_t>(ends_.size());
      return slots_[i] - 1;
    }
    if (Get(slot - 1) == s) return slot - 1;
  }
}

void StringInterner::Grow() {
  const size_t size = std::max(kInitialSlots, slots_.size() * 2);
  slots_.assign(size, 0);
  const size_t mask = size - 1;
  for (uint32_t key = 0; key < ends_.size(); ++key) {
    size_t i = HashOf(Get(key)) & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = key + 1;
  }
}

void StringInterner::Clear() {
  bytes_.clear();
  ends_.clear();
  std::fill(slots_.begin(), slots_.end(), 0);
}

}  // namespace datablox::brio
