#include "runtime/core/shard_policy.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace datablox {
namespace {

constexpr std::array<std::pair<RouteKind, std::string_view>, 4> kRoutes = {{
    {RouteKind::kRoundRobin, "round_robin"},
    {RouteKind::kHash, "hash"},
    {RouteKind::kBroadcast, "broadcast"},
    {RouteKind::kWorkQueue, "work_queue"},
}};
constexpr std::array<std::pair<MergeKind, std::string_view>, 6> kMerges = {{
    {MergeKind::kFirst, "first"},
    {MergeKind::kSum, "sum"},
    {MergeKind::kUnion, "union"},
    {MergeKind::kMin, "min"},
    {MergeKind::kMax, "max"},
    {MergeKind::kCustom, "custom"},
}};

template <class Kind, size_t N>
std::string_view NameOf(const std::array<std::pair<Kind, std::string_view>, N>& table, Kind kind) {
  for (const auto& [k, name] : table) {
    if (k == kind) return name;
  }
  return "?";
}

template <class Kind, size_t N>
std::vector<std::string> NamesOf(const std::array<std::pair<Kind, std::string_view>, N>& table) {
  std::vector<std::string> names;
  for (const auto& entry : table) names.emplace_back(entry.second);
  return names;
}

template <class Kind, size_t N>
Status Parse(const std::array<std::pair<Kind, std::string_view>, N>& table, std::string_view what,
             std::string_view name, Kind* kind) {
  for (const auto& [k, n] : table) {
    if (n == name) {
      *kind = k;
      return Status::OK();
    }
  }
  return Status::Invalid(fmt::format("unknown {} '{}' (choose {})", what, name, fmt::join(NamesOf(table), ", ")));
}

}  // namespace

std::string_view RouteKindName(RouteKind kind) { return NameOf(kRoutes, kind); }
std::string_view MergeKindName(MergeKind kind) { return NameOf(kMerges, kind); }
const std::vector<std::string>& RouteKindNames() {
  static const std::vector<std::string> names = NamesOf(kRoutes);
  return names;
}
const std::vector<std::string>& MergeKindNames() {
  static const std::vector<std::string> names = NamesOf(kMerges);
  return names;
}
Status ParseRouteKind(std::string_view name, RouteKind* kind) { return Parse(kRoutes, "route", name, kind); }
Status ParseMergeKind(std::string_view name, MergeKind* kind) { return Parse(kMerges, "merge", name, kind); }

}  // namespace datablox
