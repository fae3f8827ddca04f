#include "shards/merge.h"

#include <fmt/format.h>

#include <exception>
#include <set>
#include <string>
#include <string_view>

namespace datablox::shards {

namespace {

// An int a 64-bit int holds (a peer's uint64 past INT64_MAX does not).
bool IsInt64(const Value& value) {
  return value.type() == ValueType::kInt && (value.as_int(0) != 0 || value.as_int(1) != 1);
}

bool AllNumbers(const std::vector<Value>& values) {
  for (const Value& v : values) {
    if (!v.is_number()) return false;
  }
  return true;
}

bool AllOfType(const std::vector<Value>& values, ValueType type) {
  for (const Value& v : values) {
    if (v.type() != type) return false;
  }
  return true;
}

// The keys of `maps` in the order the merged map writes them: the first
// map's, then those only later maps have, each where it first appeared.
std::vector<std::string_view> KeysInOrder(const std::vector<Value>& maps) {
  std::vector<std::string_view> keys;
  std::set<std::string_view> seen;
  for (const Value& map : maps) {
    for (size_t i = 0; i < map.size(); ++i) {
      if (seen.insert(map.key_at(i)).second) keys.push_back(map.key_at(i));
    }
  }
  return keys;
}

// The values of `key` in the maps that have it, in member order.
std::vector<Value> ValuesOf(const std::vector<Value>& maps, std::string_view key) {
  std::vector<Value> values;
  for (const Value& map : maps) {
    if (Value v = map.get(key); v.exists()) values.push_back(v);
  }
  return values;
}

// One value as msgpack: what a one-field log under the empty key holds
// after its two header bytes (fixmap of 1, fixstr of 0).
std::string Encode(const Value& value) {
  LogBuilder one;
  one.add("", value);
  std::string_view bytes = one.bytes();
  return std::string(bytes.substr(2));
}

std::string PathOf(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

// sum, min or max of numbers, into `out` under `key`.
Status FoldNumbers(MergeKind kind, std::string_view key, std::string_view path, const std::vector<Value>& values,
                   LogBuilder* out) {
  bool all_ints = true;
  for (const Value& v : values) all_ints = all_ints && IsInt64(v);
  if (kind == MergeKind::kSum) {
    if (all_ints) {
      int64_t total = 0;
      for (const Value& v : values) {
        if (__builtin_add_overflow(total, v.as_int(), &total))
          return Status::Invalid(fmt::format("merge sum: '{}' overflows a 64-bit int", path));
      }
      out->add_int(key, total);
    } else {
      double total = 0;
      for (const Value& v : values) total += v.as_float();
      out->add(key, total);
    }
    return Status::OK();
  }
  // min, max: the winning reply's value as it wrote it (an int stays an int).
  auto less = [all_ints](const Value& a, const Value& b) {
    return all_ints ? a.as_int() < b.as_int() : a.as_float() < b.as_float();
  };
  size_t best = 0;
  for (size_t i = 1; i < values.size(); ++i) {
    bool better = kind == MergeKind::kMin ? less(values[i], values[best]) : less(values[best], values[i]);
    if (better) best = i;
  }
  out->add(key, values[best]);
  return Status::OK();
}

Status MergeMaps(MergeKind kind, const std::vector<Value>& maps, int depth, std::string_view path,
                 const MergeOptions& options, LogBuilder* out) {
  if (depth > options.max_depth) {
    return Status::Invalid(
        fmt::format("merge {}: '{}' nests deeper than {} levels", MergeKindName(kind), path, options.max_depth));
  }
  const bool numeric = kind == MergeKind::kSum || kind == MergeKind::kMin || kind == MergeKind::kMax;
  for (std::string_view key : KeysInOrder(maps)) {
    std::vector<Value> values = ValuesOf(maps, key);
    if (numeric && AllNumbers(values)) {
      if (Status st = FoldNumbers(kind, key, PathOf(path, key), values, out); !st.ok()) return st;
    } else if (numeric && AllOfType(values, ValueType::kMap)) {
      LogBuilder nested;
      if (Status st = MergeMaps(kind, values, depth + 1, PathOf(path, key), options, &nested); !st.ok()) return st;
      out->add_raw(key, nested.bytes());
    } else if (kind == MergeKind::kUnion && AllOfType(values, ValueType::kArray)) {
      std::vector<std::string> items;
      for (const Value& list : values) {
        for (size_t i = 0; i < list.size(); ++i) items.push_back(Encode(list.at(i)));
      }
      out->add_array(key, items);
    } else {
      out->add(key, values.front());  // not to be merged: the first reply's
    }
  }
  return Status::OK();
}

}  // namespace

Status MergeReplies(MergeKind kind, const std::vector<const Log*>& replies, LogBuilder* merged,
                    const MergeOptions& options) {
  merged->clear();
  if (replies.empty()) return Status::Invalid("merge: no reply to merge");
  std::vector<Value> maps;
  for (const Log* reply : replies) {
    Value root = reply->root();
    if (root.type() != ValueType::kMap) return Status::Invalid("merge: a reply is not a msgpack map");
    maps.push_back(root);
  }
  switch (kind) {
    case MergeKind::kFirst: merged->add_fields(*replies.front()); return Status::OK();
    case MergeKind::kCustom:
      if (!options.custom || !*options.custom) return Status::Invalid("merge custom: the member class has no merge");
      try {
        return (*options.custom)(replies, merged);
      } catch (const std::exception& e) {  // a class's merge must not take the requester down
        return Status::Invalid(fmt::format("merge custom: {}", e.what()));
      }
    case MergeKind::kSum:
    case MergeKind::kUnion:
    case MergeKind::kMin:
    case MergeKind::kMax: return MergeMaps(kind, maps, /*depth=*/1, "", options, merged);
  }
  return Status::Invalid("merge: unknown kind");
}

}  // namespace datablox::shards
