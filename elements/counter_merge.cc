#include "counter_merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace datablox {
namespace {

Status ReadCount(const Value& value, size_t reply, std::string_view what, uint64_t* n) {
  if (value.type() != ValueType::kInt || value.as_int() < 0) {
    return Status::Invalid(fmt::format("reply {}: {} must be a count (an integer >= 0)", reply, what));
  }
  *n = static_cast<uint64_t>(value.as_int());
  return Status::OK();
}

Status MergeTops(const std::vector<const Log*>& replies, uint64_t total, LogBuilder* merged) {
  std::map<std::string, uint64_t> by_group;
  int64_t limit = 0;
  for (size_t i = 0; i < replies.size(); ++i) {
    Value top = replies[i]->get("top"), reply_limit = replies[i]->get("limit");
    if (top.type() != ValueType::kArray) return Status::Invalid(fmt::format("reply {}: \"top\" is no list", i));
    if (reply_limit.type() != ValueType::kInt || reply_limit.as_int() < 1) {
      return Status::Invalid(fmt::format("reply {}: \"limit\" must be a positive integer", i));
    }
    limit = std::max(limit, reply_limit.as_int());
    for (size_t j = 0; j < top.size(); ++j) {
      Value group = top.at(j).get("group");
      if (group.type() != ValueType::kString) {
        return Status::Invalid(fmt::format("reply {}: top item {} has no \"group\" name", i, j));
      }
      uint64_t n = 0;
      Status st = ReadCount(top.at(j).get("count"), i, fmt::format("top item {}'s \"count\"", j), &n);
      if (!st.ok()) return st;
      by_group[std::string(group.as_string())] += n;
    }
  }
  std::vector<GroupCount> top(by_group.begin(), by_group.end());
  const size_t n = std::min<size_t>(top.size(), static_cast<size_t>(limit));
  std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(n), top.end(), CountThenName);
  top.resize(n);
  WriteTop(top, limit, total, merged);
  return Status::OK();
}

Status MergeOneGroup(const std::vector<const Log*>& replies, uint64_t total, LogBuilder* merged) {
  std::string_view name = replies[0]->get("group").as_string();
  for (size_t i = 0; i < replies.size(); ++i) {
    Value group = replies[i]->get("group");
    if (group.type() != ValueType::kString || group.as_string() != name) {
      return Status::Invalid(fmt::format("reply {}: not the group of reply 0 ('{}')", i, name));
    }
  }
  merged->add("group", name).add("count", total);
  return Status::OK();
}

Status MergeGroups(const std::vector<const Log*>& replies, uint64_t total, LogBuilder* merged) {
  std::map<std::string, uint64_t> by_group;
  bool grouped = false;
  for (size_t i = 0; i < replies.size(); ++i) {
    Value groups = replies[i]->get("groups");
    if (!groups.exists()) continue;
    if (groups.type() != ValueType::kMap) return Status::Invalid(fmt::format("reply {}: \"groups\" is no map", i));
    grouped = true;
    for (size_t j = 0; j < groups.size(); ++j) {
      uint64_t n = 0;
      Status st = ReadCount(groups.at(j), i, fmt::format("group '{}'", groups.key_at(j)), &n);
      if (!st.ok()) return st;
      by_group[std::string(groups.key_at(j))] += n;
    }
  }
  merged->add("count", total);
  if (grouped) {
    LogBuilder groups;
    for (const auto& [name, n] : by_group) groups.add(name, n);
    merged->add_raw("groups", groups.bytes());
  }
  return Status::OK();
}

}  // namespace

void WriteTop(const std::vector<GroupCount>& top, int64_t limit, uint64_t total, LogBuilder* out) {
  std::vector<std::string> items;
  LogBuilder item;
  for (const auto& [name, n] : top) items.emplace_back(item.clear().add("group", name).add("count", n).bytes());
  out->add_array("top", items).add("limit", limit).add("count", total);
}

Status MergeCounterReplies(const std::vector<const Log*>& replies, LogBuilder* merged) {
  merged->clear();
  if (replies.empty()) return Status::Unavailable("no member answered");
  // Every reply must be of the kind of the first: the same request went to all.
  enum class Kind { kTop, kGroup, kGroups };
  auto kind_of = [](const Log& reply) {
    if (reply.get("top").exists()) return Kind::kTop;
    if (reply.get("group").exists()) return Kind::kGroup;
    return Kind::kGroups;
  };
  const Kind kind = kind_of(*replies[0]);
  uint64_t total = 0;
  for (size_t i = 0; i < replies.size(); ++i) {
    if (!replies[i]->valid()) return Status::Invalid(fmt::format("reply {}: not a log", i));
    if (kind_of(*replies[i]) != kind) return Status::Invalid(fmt::format("reply {}: not the kind of reply 0", i));
    uint64_t n = 0;
    Status st = ReadCount(replies[i]->get("count"), i, "\"count\"", &n);
    if (!st.ok()) return st;
    total += n;
  }
  switch (kind) {
    case Kind::kTop: return MergeTops(replies, total, merged);
    case Kind::kGroup: return MergeOneGroup(replies, total, merged);
    case Kind::kGroups: return MergeGroups(replies, total, merged);
  }
  return Status::OK();
}

}  // namespace datablox
