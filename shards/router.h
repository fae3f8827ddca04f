// How one push output spreads its logs over one shard's members: the
// decisions of routing, without a socket (the element host moves the
// bytes, push_output.cc).
//
// The router knows the shard's table (control::ShardRoute: the kind of
// route, and for hash routing the key groups' owners and the groups held
// while their state moves) and the members the sender has a link to, each
// in a slot (the host keeps its member links in the same order). It answers
// where the next log goes: a slot, or "hold it", or "wait for credit".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/control_protocol.h"

namespace datablox::shards {

// What the router is told of one member's link when it picks a batch's link.
struct MemberLinkView {
  uint32_t pending = 0;    // logs in the batch being built on it
  int64_t credit = 0;      // logs it may still send (its window less what is in flight)
  uint32_t batch_max = 1;  // logs per batch at most
};

class Router {
 public:
  static constexpr int kHeld = -1;  // hash: the key's group is held (its state moves): keep the log
  static constexpr int kWait = -2;  // work queue: no member has credit for a batch: wait for some
  static constexpr int kNone = -3;  // no member to send to (none left, or its owner has no link)

  // `route`: the table; `members`: the member id in each slot.
  Router(control::ShardRoute route, std::vector<int> members);

  enum class Update : uint8_t {
    kApplied,
    kStale,  // not newer than the table in force: ignored
  };
  // A newer table, and the members in each slot from now on (links added
  // and removed with it). `fence` gets the members that owned a group this
  // table holds under the table before: what was sent to them must be
  // acked before the held groups' state can move.
  Update Apply(const control::ShardRoute& route, std::vector<int> members, std::vector<int>* fence);

  // Round robin and work queue: the slot of the next log, `links` in slot
  // order. It sticks to the slot of the batch being built (pending > 0);
  // then round robin takes the next member in turn that has credit for a
  // whole batch (passing over one that has not), work queue the one with
  // the most free credit (the first in slot order among equals); kWait
  // when none has credit for a whole batch. kNone without members.
  int BatchSlot(std::span<const MemberLinkView> links);
  // The slot BatchSlot chose last (-1 before, or after a new table).
  int sticky() const { return sticky_; }

  // Hash: the key group of a key's text (KeyText), and where it goes.
  int GroupOf(std::string_view key_text) const;
  bool held(int group) const { return group >= 0 && group < static_cast<int>(held_.size()) && held_[group]; }
  // The slot of the group's owner; kHeld while it is held; kNone when the
  // owner has no slot.
  int SlotOfGroup(int group) const;

  const control::ShardRoute& route() const { return route_; }
  RouteKind kind() const { return route_.route; }
  uint64_t version() const { return route_.version; }
  const std::vector<int>& members() const { return members_; }
  bool holds_any() const { return !route_.held.empty(); }

 private:
  void Index();

  control::ShardRoute route_;
  std::vector<int> members_;     // slot -> member id
  std::vector<int> owner_slot_;  // hash: group -> slot of its owner (kNone when it has none)
  std::vector<bool> held_;       // hash: group -> held
  int sticky_ = -1;
  size_t next_in_turn_ = 0;  // round robin: the slot after the last batch's
};

}  // namespace datablox::shards
