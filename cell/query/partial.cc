#include "cell/query/partial.h"

#include <algorithm>
#include <functional>

namespace datablox::eql {

int CompareKeyParts(const KeyPart& a, const KeyPart& b) {
  auto rank = [](KeyPart::Kind k) { return k == KeyPart::Kind::kNull ? 0 : k == KeyPart::Kind::kString ? 2 : 1; };
  if (rank(a.kind) != rank(b.kind)) return rank(a.kind) < rank(b.kind) ? -1 : 1;
  if (a.kind == KeyPart::Kind::kNull) return 0;
  if (a.kind == KeyPart::Kind::kString) {
    const int c = a.string_value.compare(b.string_value);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.kind == KeyPart::Kind::kInt && b.kind == KeyPart::Kind::kInt) {
    return a.int_value < b.int_value ? -1 : a.int_value > b.int_value ? 1 : 0;
  }
  const double x = a.kind == KeyPart::Kind::kInt ? static_cast<double>(a.int_value) : a.double_value;
  const double y = b.kind == KeyPart::Kind::kInt ? static_cast<double>(b.int_value) : b.double_value;
  return x < y ? -1 : x > y ? 1 : 0;
}

PartialShape PartialShape::Of(const Plan& plan) {
  PartialShape shape;
  shape.key_parts = static_cast<int>(plan.dimensions.size());
  for (const PlanAggregate& a : plan.aggregates) shape.aggregates.push_back({a.function, a.integer});
  return shape;
}

PartialResult::PartialResult(PartialShape shape) : shape_(std::move(shape)) {
  slots_.assign(16, 0);
  if (shape_.key_parts == 0) FindOrAdd(nullptr);
}

uint64_t PartialResult::Hash(const KeyPart* key) const {
  uint64_t h = 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < KeyWidth(); ++i) {
    uint64_t v = static_cast<uint64_t>(key[i].kind);
    switch (key[i].kind) {
      case KeyPart::Kind::kNull: break;
      case KeyPart::Kind::kInt: v ^= static_cast<uint64_t>(key[i].int_value) * 0xff51afd7ed558ccdull; break;
      case KeyPart::Kind::kDouble: v ^= std::hash<double>{}(key[i].double_value); break;
      case KeyPart::Kind::kString: v ^= std::hash<std::string_view>{}(key[i].string_value); break;
    }
    h = (h ^ v) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  return h;
}

void PartialResult::Grow() {
  std::vector<uint32_t> slots(slots_.size() * 2, 0);
  const size_t mask = slots.size() - 1;
  for (uint32_t g = 0; g < group_count_; ++g) {
    size_t at = Hash(key(g)) & mask;
    while (slots[at] != 0) at = (at + 1) & mask;
    slots[at] = g + 1;
  }
  slots_.swap(slots);
}

uint32_t PartialResult::FindOrAdd(const KeyPart* key_parts) {
  const size_t mask = slots_.size() - 1;
  size_t at = Hash(key_parts) & mask;
  for (; slots_[at] != 0; at = (at + 1) & mask) {
    const uint32_t g = slots_[at] - 1;
    const KeyPart* stored = key(g);
    bool equal = true;
    for (size_t i = 0; i < KeyWidth() && equal; ++i) equal = KeyPartEqual(stored[i], key_parts[i]);
    if (equal) return g;
  }
  const uint32_t g = static_cast<uint32_t>(group_count_++);
  for (size_t i = 0; i < KeyWidth(); ++i) {
    KeyPart part = key_parts[i];
    if (part.kind == KeyPart::Kind::kString) {
      strings_.emplace_back(part.string_value);
      part.string_value = strings_.back();
    }
    keys_.push_back(part);
  }
  states_.resize(states_.size() + shape_.aggregates.size());
  for (const AggShape& a : shape_.aggregates) {
    distinct_.push_back(a.function == AggFunction::kCountDistinct ? std::make_unique<DistinctSet>() : nullptr);
  }
  slots_[at] = g + 1;
  if (group_count_ * 2 > slots_.size()) Grow();
  return g;
}

namespace {

void MergeState(const AggShape& shape, const AggState& from, AggState* into) {
  if (from.count == 0) return;
  if (shape.function == AggFunction::kMin || shape.function == AggFunction::kMax ||
      shape.function == AggFunction::kSum || shape.function == AggFunction::kAvg) {
    into->double_min = into->count == 0 ? from.double_min : std::min(into->double_min, from.double_min);
    into->double_max = into->count == 0 ? from.double_max : std::max(into->double_max, from.double_max);
    into->int_min = std::min(into->int_min, from.int_min);
    into->int_max = std::max(into->int_max, from.int_max);
    into->int_sum += from.int_sum;
    into->double_sum += from.double_sum;
  }
  into->count += from.count;
}

}  // namespace

Status PartialResult::Merge(const PartialResult& other) {
  if (!(other.shape_ == shape_)) return Status::Invalid("partial results of different queries do not merge");
  for (uint32_t g = 0; g < other.group_count_; ++g) {
    const uint32_t mine = FindOrAdd(other.key(g));
    for (size_t a = 0; a < shape_.aggregates.size(); ++a) {
      MergeState(shape_.aggregates[a], other.states(g)[a], &states(mine)[a]);
      if (const DistinctSet* from = other.distinct(g, a)) {
        DistinctSet* into = distinct(mine, a);
        into->numbers.insert(from->numbers.begin(), from->numbers.end());
        into->strings.insert(from->strings.begin(), from->strings.end());
      }
    }
  }
  rows_scanned += other.rows_scanned;
  blobs_scanned += other.blobs_scanned;
  return Status::OK();
}

}  // namespace datablox::eql
