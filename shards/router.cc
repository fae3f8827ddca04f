#include "shards/router.h"

#include <algorithm>

#include "datablox/shard.h"

namespace datablox::shards {

Router::Router(control::ShardRoute route, std::vector<int> members)
    : route_(std::move(route)), members_(std::move(members)) {
  Index();
}

void Router::Index() {
  const int groups = std::max(0, route_.key_groups);
  owner_slot_.assign(static_cast<size_t>(groups), kNone);
  held_.assign(static_cast<size_t>(groups), false);
  for (int g = 0; g < groups && g < static_cast<int>(route_.owners.size()); ++g) {
    auto slot = std::find(members_.begin(), members_.end(), route_.owners[g]);
    if (slot != members_.end()) owner_slot_[g] = static_cast<int>(slot - members_.begin());
  }
  for (int g : route_.held) {
    if (g >= 0 && g < groups) held_[g] = true;
  }
  sticky_ = -1;
  if (!members_.empty()) next_in_turn_ %= members_.size();
}

Router::Update Router::Apply(const control::ShardRoute& route, std::vector<int> members, std::vector<int>* fence) {
  if (route.version <= route_.version) return Update::kStale;
  fence->clear();
  for (int g : route.held) {
    if (g < 0 || g >= static_cast<int>(route_.owners.size())) continue;
    const int owner = route_.owners[g];
    if (std::find(fence->begin(), fence->end(), owner) == fence->end()) fence->push_back(owner);
  }
  std::sort(fence->begin(), fence->end());
  route_ = route;
  members_ = std::move(members);
  Index();
  return Update::kApplied;
}

int Router::BatchSlot(std::span<const MemberLinkView> links) {
  if (links.empty()) {
    sticky_ = -1;
    return kNone;
  }
  if (sticky_ >= 0 && sticky_ < static_cast<int>(links.size()) && links[sticky_].pending > 0) return sticky_;
  if (route_.route == RouteKind::kWorkQueue) {
    int best = kWait;
    for (size_t slot = 0; slot < links.size(); ++slot) {
      const MemberLinkView& link = links[slot];
      if (link.credit < static_cast<int64_t>(link.batch_max)) continue;  // a whole batch must fit
      if (best < 0 || link.credit > links[best].credit) best = static_cast<int>(slot);
    }
    sticky_ = best >= 0 ? best : -1;
    return best;
  }
  // Round robin: the next member in turn that has room for a whole batch.
  // One whose window is full is passed over, not waited for: waiting on it
  // left the others idle behind it, so a shard ran at its slowest member's
  // pace times its members (on two cores shared by a source and two
  // members, the scheduler's shares differ by a tenth, and the shards bench
  // lost 15-25% to it). Members that keep up still take their turns evenly.
  for (size_t i = 0; i < links.size(); ++i) {
    const size_t slot = (next_in_turn_ + i) % links.size();
    if (links[slot].credit < static_cast<int64_t>(links[slot].batch_max)) continue;
    next_in_turn_ = slot + 1;
    sticky_ = static_cast<int>(slot);
    return sticky_;
  }
  sticky_ = -1;
  return kWait;
}

int Router::GroupOf(std::string_view key_text) const { return KeyGroupOf(key_text, std::max(1, route_.key_groups)); }

int Router::SlotOfGroup(int group) const {
  if (group < 0 || group >= static_cast<int>(owner_slot_.size())) return kNone;
  if (held_[group]) return kHeld;
  return owner_slot_[group];
}

}  // namespace datablox::shards
