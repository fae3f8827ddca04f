// A partial result: what a scan of one region (or of many) holds, grouped
// by the query's dimensions, and what merges with other partials into the
// final table (result_table.h). One group a key; each group holds one
// state per aggregate. Strings of a key are copied in only when the group
// is new, so a scan that finds its groups again allocates nothing.
//
// Merging: counts and sums add, min/max take the extreme, avg is kept as
// sum + count, distinct values are sets (unioned), funnel counts add (a
// user lives in one blob, so a subject is never split between partials).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cell/query/plan.h"
#include "datablox/status.h"

namespace datablox::eql {

// One part of a group key. A string is a view: into the blob while
// scanning, into the partial's own storage once the group exists.
struct KeyPart {
  enum class Kind : uint8_t { kNull, kInt, kDouble, kString };
  Kind kind = Kind::kNull;
  int64_t int_value = 0;
  double double_value = 0;
  std::string_view string_value;
};
// Inline: the scanner asks it at every instance that finds its group.
inline bool KeyPartEqual(const KeyPart& a, const KeyPart& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case KeyPart::Kind::kNull: return true;
    case KeyPart::Kind::kInt: return a.int_value == b.int_value;
    case KeyPart::Kind::kDouble: return a.double_value == b.double_value;
    case KeyPart::Kind::kString: return a.string_value == b.string_value;
  }
  return false;
}
// Nulls first, then numbers, then strings (bytewise).
int CompareKeyParts(const KeyPart& a, const KeyPart& b);

struct AggState {
  int64_t count = 0;  // values (or instances, or funnel subjects) counted
  int64_t int_sum = 0;
  double double_sum = 0;
  int64_t int_min = INT64_MAX;
  int64_t int_max = INT64_MIN;
  double double_min = 0;  // valid when count > 0
  double double_max = 0;
};

// count(distinct ...): integers (booleans, and doubles by their bits) and strings.
struct DistinctSet {
  std::set<int64_t> numbers;
  std::set<std::string, std::less<>> strings;
};

struct AggShape {
  AggFunction function = AggFunction::kCount;
  bool integer = false;
  bool operator==(const AggShape&) const = default;
};

// What every partial of one plan has in common: merged partials must agree.
struct PartialShape {
  int key_parts = 0;
  std::vector<AggShape> aggregates;
  bool operator==(const PartialShape&) const = default;
  static PartialShape Of(const Plan& plan);
};

class PartialResult {
 public:
  explicit PartialResult(PartialShape shape);
  PartialResult(PartialResult&&) = default;
  PartialResult& operator=(PartialResult&&) = default;
  PartialResult(const PartialResult&) = delete;
  PartialResult& operator=(const PartialResult&) = delete;

  const PartialShape& shape() const { return shape_; }
  // The group of `key` (shape().key_parts parts), added when new. With no
  // dimensions there is one group, group 0, from the start.
  uint32_t FindOrAdd(const KeyPart* key);
  size_t group_count() const { return group_count_; }
  const KeyPart* key(uint32_t group) const { return keys_.data() + static_cast<size_t>(group) * KeyWidth(); }
  AggState* states(uint32_t group) { return states_.data() + static_cast<size_t>(group) * shape_.aggregates.size(); }
  const AggState* states(uint32_t group) const {
    return states_.data() + static_cast<size_t>(group) * shape_.aggregates.size();
  }
  // Null unless aggregate `agg` is a count(distinct).
  DistinctSet* distinct(uint32_t group, size_t agg) {
    return distinct_[static_cast<size_t>(group) * shape_.aggregates.size() + agg].get();
  }
  const DistinctSet* distinct(uint32_t group, size_t agg) const {
    return distinct_[static_cast<size_t>(group) * shape_.aggregates.size() + agg].get();
  }

  // Adds `other` into this one; Invalid when their shapes differ.
  Status Merge(const PartialResult& other);

  uint64_t rows_scanned = 0;  // instances visited, every level
  uint64_t blobs_scanned = 0;

 private:
  size_t KeyWidth() const { return static_cast<size_t>(shape_.key_parts); }
  uint64_t Hash(const KeyPart* key) const;
  void Grow();

  PartialShape shape_;
  size_t group_count_ = 0;
  std::vector<KeyPart> keys_;        // group_count_ * key_parts, strings in strings_
  std::deque<std::string> strings_;  // a deque: its strings never move
  std::vector<AggState> states_;
  std::vector<std::unique_ptr<DistinctSet>> distinct_;
  std::vector<uint32_t> slots_;  // open addressing: group + 1, 0 empty
};

}  // namespace datablox::eql
