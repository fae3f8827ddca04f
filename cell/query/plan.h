// A checked EQL query compiled against one schema: what the scanner
// (scanner.h) runs as one depth-first pass over each blob. Every path is
// resolved to a node of the plan's tree (a level of the schema's
// containment tree the query reaches) and a field index, so the scanner
// never looks a name up. Plain data: compiled once, shared by every scan.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cell/brio/schema.h"
#include "cell/query/eql_ast.h"

namespace datablox::eql {

constexpr int kMaxPlanNodes = 32;     // levels one query reaches (the scanner keeps a view of each in a fixed array)
constexpr int kMaxGroupKeyParts = 8;  // dimensions of one query
constexpr int kMaxFunnelSteps = 16;
constexpr int kMaxAggregates = 64;

// A scalar field of the instance the scan is at on node `node`.
struct FieldRef {
  int node = -1;
  int field = -1;
  brio::ScalarType type = brio::ScalarType::kLong;
};

// A literal resolved against the field it is compared with (NOW already added).
struct PlanValue {
  bool is_string = false;
  int64_t int_value = 0;    // integer and boolean fields (an integer literal)
  double double_value = 0;  // every numeric literal, for a double field or a fractional literal
  bool integral = true;     // the literal is a whole number: integer fields compare exactly
  std::string string_value;
  // A string literal's index among the plan's (0..Plan::string_literals):
  // the scanner finds it in each blob's dictionary once and compares keys.
  int string_slot = -1;
};

struct PlanCondition {
  enum class Kind : uint8_t { kAnd, kOr, kNot, kCompare, kIn, kTrue };
  Kind kind = Kind::kTrue;
  CompareOp op = CompareOp::kEq;
  bool negated = false;  // kIn: not in
  FieldRef field;
  // kCompare, kIn on a count: the instances relation `field.field` of the
  // instance on `field.node` holds (a vector's length, a reference's 0 or
  // 1), read from the blob without visiting them. field.type is kLong.
  bool count_of = false;
  bool count_vector = false;  // count_of: the relation is a vector (else one reference)
  std::vector<PlanValue> values;
  std::vector<PlanCondition> children;
};

// One level the scan walks: the root, or the instances of a relation field
// of its parent's structure.
struct PlanNode {
  int structure = -1;
  int parent = -1;          // -1: the root
  int relation_field = -1;  // the parent structure's vector/reference field holding these
  bool is_vector = true;    // relation_field is a vector (else one reference)
  std::vector<int> children;
  // Conditions of `where` on this level (its deepest): an instance that
  // fails one is skipped with everything under it.
  std::vector<PlanCondition> filters;
  std::vector<int> aggregates;      // updated at each instance (after the filters)
  std::vector<int> funnel_subject;  // funnels whose subject is this level
  std::vector<int> funnel_reset;    // funnels `within session` whose event parent this is
  std::vector<int> funnel_events;   // funnels whose steps match instances of this level
  bool groups_here = false;         // the deepest dimension: the group is found at each instance
};

struct PlanDimension {
  DimFunction function = DimFunction::kValue;
  FieldRef field;
};

struct PlanAggregate {
  AggFunction function = AggFunction::kCount;
  int node = -1;         // the level aggregated
  FieldRef field;        // field.field == -1: count(level) itself
  bool integer = false;  // sum/min/max of an integer field stay integers
  int funnel = -1;       // kFunnel: index into Plan::funnels
};

struct PlanFunnel {
  int subject_node = -1;
  int event_node = -1;
  int reset_node = -1;     // within session: the events' parent level; -1: none
  int64_t window_ms = -1;  // within a time: last step no later than this after the first; -1: none
  int time_field = -1;     // the events' `ordinal` long field (a time window needs it)
  std::vector<PlanCondition> steps;
};

struct PlanColumn {
  std::string name;
  bool is_dimension = false;
  int index = 0;  // into Plan::dimensions or Plan::aggregates
};

struct Plan {
  std::string schema;
  int64_t now_ms = 0;
  std::vector<PlanNode> nodes;            // nodes[0] is the root; a parent comes before its children
  std::vector<PlanDimension> dimensions;  // the group key, in `group by` order
  std::vector<PlanAggregate> aggregates;
  std::vector<PlanFunnel> funnels;
  std::vector<PlanColumn> columns;  // in `select` order
  int64_t limit = -1;
  int string_literals = 0;  // PlanValue::string_slot runs below this
};

}  // namespace datablox::eql
