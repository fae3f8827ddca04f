// A condition of a plan (a `where` filter or a funnel step) as the scanner
// tests it at each instance. The common ones, one field against one
// literal, are resolved once per query into an InPlaceCompare that reads
// the blob's bytes where they lie: no value is materialised, no condition
// tree is walked, no type is looked up. Anything else (or, not, in, a
// boolean, a fractional literal against an integer) keeps the plan's
// condition and the scanner's general evaluation, with the same answers.
#pragma once

#include <cstdint>
#include <vector>

#include "cell/brio/reader.h"
#include "cell/query/plan.h"

namespace datablox::eql {

template <typename T>
DATABLOX_BRIO_HOT bool Ordered(CompareOp op, const T& a, const T& b) {
  switch (op) {
    case CompareOp::kEq: return a == b;
    case CompareOp::kNotEq: return a != b;
    case CompareOp::kLess: return a < b;
    case CompareOp::kLessEq: return a <= b;
    case CompareOp::kGreater: return a > b;
    case CompareOp::kGreaterEq: return a >= b;
  }
  return false;
}

struct InPlaceCompare {
  // kStringKey: = or != a string literal, by the key it has in the blob's
  // dictionary; kInt: an integer field against a whole number; kDouble: a
  // double field; kVectorSize: a vector relation's length.
  enum class Kind : uint8_t { kStringKey, kInt, kDouble, kVectorSize };
  Kind kind = Kind::kInt;
  CompareOp op = CompareOp::kEq;
  brio::ScalarType type = brio::ScalarType::kLong;
  int node = -1;
  int field = -1;
  int string_slot = -1;  // kStringKey: PlanValue::string_slot
  int64_t int_value = 0;
  double double_value = 0;

  // `c` as one InPlaceCompare, when it is one of the kinds above.
  static bool From(const PlanCondition& c, InPlaceCompare* out);

  // Null fields fail every comparison, as in the general evaluation.
  // `literal_keys`: the blob's key of each string literal (no key: UINT32_MAX).
  DATABLOX_BRIO_HOT bool Holds(const brio::StructView& view, const uint32_t* literal_keys) const {
    switch (kind) {
      case Kind::kVectorSize: return Ordered(op, static_cast<int64_t>(view.VectorSize(field)), int_value);
      case Kind::kStringKey: {
        if (view.IsNull(field)) return false;
        const bool equal = view.GetStringKey(field) == literal_keys[string_slot];
        return op == CompareOp::kEq ? equal : !equal;
      }
      case Kind::kInt: return !view.IsNull(field) && Ordered(op, view.GetInt(field, type), int_value);
      case Kind::kDouble: return !view.IsNull(field) && Ordered(op, view.GetDouble(field), double_value);
    }
    return false;
  }
};

// A condition the scanner tests: in place, or (general) the plan's own.
struct InPlaceCheck {
  InPlaceCompare compare;
  const PlanCondition* general = nullptr;  // set: not in place
};

// `conditions` (each must hold) as checks, each `and` split into its parts.
void AppendChecks(const PlanCondition& condition, std::vector<InPlaceCheck>* out);

}  // namespace datablox::eql
