// Key groups (include/datablox/shard.h): the one hash every sender and
// member agrees on. It is part of the wire contract between a shard's
// senders and its members: changing it moves every key.
#include "datablox/shard.h"

#include <algorithm>

namespace datablox {

std::string KeyText(const Value& key) {
  if (key.type() == ValueType::kString) return std::string(key.as_string());
  return key.to_json();
}

int KeyGroupOf(std::string_view key_text, int groups) {
  // FNV-1a, then a splitmix64 finaliser: FNV alone leaves the low bits of
  // short, similar keys ("user1", "user2") poorly spread over the groups.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : key_text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return static_cast<int>(h % static_cast<uint64_t>(std::max(1, groups)));
}

KeyGroupSet::KeyGroupSet(int groups, std::vector<int> members)
    : groups_(std::clamp(groups, 1, kMaxKeyGroups)), members_(std::move(members)), in_set_(groups_, false) {
  std::sort(members_.begin(), members_.end());
  members_.erase(std::unique(members_.begin(), members_.end()), members_.end());
  std::erase_if(members_, [this](int g) { return g < 0 || g >= groups_; });
  for (int g : members_) in_set_[g] = true;
}

bool KeyGroupSet::contains_text(std::string_view key_text) const {
  if (members_.empty()) return false;
  return in_set_[KeyGroupOf(key_text, groups_)];
}

}  // namespace datablox
