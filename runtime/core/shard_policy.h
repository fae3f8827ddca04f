// How a shard spreads what it is sent over its members, and how the
// members' answers to a query become one: the names the topology language
// writes (`route: hash(user)`, `merge: sum`), shared by the checker, the
// plan and the element host.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "datablox/status.h"

namespace datablox {

enum class RouteKind : uint8_t {
  kRoundRobin,  // "round_robin": batch by batch, each member in turn
  kHash,        // "hash(FIELD)": a key's logs all go to the member owning its key group
  kBroadcast,   // "broadcast": every member gets every log
  kWorkQueue,   // "work_queue": each batch to the member with the most free credit
};
inline constexpr RouteKind kDefaultRoute = RouteKind::kRoundRobin;

enum class MergeKind : uint8_t {
  kFirst,   // "first": the reply of the lowest-numbered member asked (every one answered)
  kSum,     // "sum": numeric fields added, field by field (nested maps too)
  kUnion,   // "union": list fields concatenated (rows of every member)
  kMin,     // "min": per numeric field, the smallest
  kMax,     // "max": per numeric field, the largest
  kCustom,  // "custom": the member class's own merge (ClassSpec::merge)
};
inline constexpr MergeKind kDefaultMerge = MergeKind::kFirst;

std::string_view RouteKindName(RouteKind kind);  // "round_robin", "hash", ...
std::string_view MergeKindName(MergeKind kind);
// The names in the order a user is told them.
const std::vector<std::string>& RouteKindNames();
const std::vector<std::string>& MergeKindNames();
// Invalid (naming the choices) for any other name. "hash" is the name alone;
// its field is written hash(FIELD).
Status ParseRouteKind(std::string_view name, RouteKind* kind);
Status ParseMergeKind(std::string_view name, MergeKind* kind);

}  // namespace datablox
