#include "cell/query/in_place_check.h"

namespace datablox::eql {

bool InPlaceCompare::From(const PlanCondition& c, InPlaceCompare* out) {
  if (c.kind != PlanCondition::Kind::kCompare || c.values.size() != 1) return false;
  const PlanValue& v = c.values[0];
  InPlaceCompare t;
  t.op = c.op;
  t.type = c.field.type;
  t.node = c.field.node;
  t.field = c.field.field;
  if (c.count_of) {
    if (!c.count_vector || !v.integral || v.is_string) return false;
    t.kind = Kind::kVectorSize;
    t.int_value = v.int_value;
  } else if (c.field.type == brio::ScalarType::kString) {
    if (!v.is_string || v.string_slot < 0 || (c.op != CompareOp::kEq && c.op != CompareOp::kNotEq)) return false;
    t.kind = Kind::kStringKey;
    t.string_slot = v.string_slot;
  } else if (c.field.type == brio::ScalarType::kDouble) {
    if (v.is_string) return false;
    t.kind = Kind::kDouble;
    t.double_value = v.double_value;
  } else if (c.field.type != brio::ScalarType::kBoolean) {
    if (v.is_string || !v.integral) return false;
    t.kind = Kind::kInt;
    t.int_value = v.int_value;
  } else {
    return false;
  }
  *out = t;
  return true;
}

void AppendChecks(const PlanCondition& condition, std::vector<InPlaceCheck>* out) {
  if (condition.kind == PlanCondition::Kind::kAnd) {
    for (const PlanCondition& child : condition.children) AppendChecks(child, out);
    return;
  }
  if (condition.kind == PlanCondition::Kind::kTrue) return;
  InPlaceCheck check;
  if (!InPlaceCompare::From(condition, &check.compare)) check.general = &condition;
  out->push_back(check);
}

}  // namespace datablox::eql
