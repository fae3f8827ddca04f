// What an element class declares and implements to be a shard's member.
//
// A shard (`users :: shard Counter(key: "user") { members: 1..8, route:
// hash(user), merge: sum }`) spreads its work over member elements that the
// master adds and removes with the load. A class opts in with
// ClassSpec::shardable(); a class with keyed state also says which parameter
// names its key field, and implements export_state / import_state on its
// Element (element.h), so that the state of the keys that move goes with
// them.
//
// The key space is a fixed number of key groups per shard (`key_groups`,
// default kDefaultKeyGroups). A key's group is a hash of its text (KeyText):
// the senders route by it, and a member asked to export the state of some
// groups tests its keys with KeyGroupSet::contains.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/status.h"
#include "datablox/value.h"

namespace datablox {

class Log;
class LogBuilder;

enum class StateKind : uint8_t {
  kStateless,  // nothing to move: a new member starts working at once
  kKeyed,      // per-key state: the groups that move take their state along
};

inline constexpr int kDefaultKeyGroups = 128;
inline constexpr int kMaxKeyGroups = 65536;

// A key as its group is computed from: a string as it is, any other value
// as its compact JSON (Counter names its groups the same way).
std::string KeyText(const Value& key);
// The key group of a key's text, in [0, groups).
int KeyGroupOf(std::string_view key_text, int groups);

// The key groups whose state moves in one migration.
class KeyGroupSet {
 public:
  KeyGroupSet() = default;
  KeyGroupSet(int groups, std::vector<int> members);
  bool contains(const Value& key) const { return contains_text(KeyText(key)); }
  bool contains_text(std::string_view key_text) const;
  int groups() const { return groups_; }
  const std::vector<int>& members() const { return members_; }  // sorted
  bool empty() const { return members_.empty(); }

 private:
  int groups_ = kDefaultKeyGroups;
  std::vector<int> members_;
  std::vector<bool> in_set_;
};

// A member's place in its shard (Element::membership()).
struct ShardMembership {
  std::string shard;  // the shard's name in the topology ("users")
  int id = 0;         // this member's id ("users/ID")
  std::string key;    // hash routing: the key field logs are routed by ("" otherwise)
  int key_groups = kDefaultKeyGroups;
};

// The load of a shard as the master measured it, handed to can_add().
struct ShardLoad {
  int members = 0;           // members now
  double busy_share = 0;     // of the members' time in their hooks, averaged over the window
  double queue_depth = 0;    // logs waiting in the members' inputs, averaged
  double blocked_share = 0;  // of the senders' time blocked by the members' backpressure
  double moving_share = 0;   // of the key groups a new member would take (keyed state)
};

// can_add's answer: no, or yes at a cost (the effort of shrinking back:
// 0 for a stateless filter, the state that would move for a keyed store).
struct AddAnswer {
  bool yes = true;
  double cost = 0;
  std::string why;  // when no
  static AddAnswer No(std::string why) { return {false, 0, std::move(why)}; }
  static AddAnswer Yes(double cost) { return {true, cost, ""}; }
};

// A custom merge of the members' replies to one query, in member order
// (`merge: custom` in the shard's declaration). Only the replies that came
// are passed; an error is the requester's reply.
using MergeFunction = std::function<Status(const std::vector<const Log*>& replies, LogBuilder* merged)>;

}  // namespace datablox
