// The syntax tree of one EQL query, as written: names are not resolved
// (eql_compiler.h does that against a schema). Every node keeps where it
// was written, for the checker's errors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cell/query/eql_error.h"

namespace datablox::eql {

// `user.sessions.events.value`: from the schema's root name down.
struct PathExpr {
  std::vector<std::string> parts;
  std::vector<QueryPos> part_pos;
  QueryPos pos;
  std::string Text() const;
};

struct Literal {
  enum class Kind : uint8_t { kInt, kDouble, kString, kBool, kNow };
  Kind kind = Kind::kInt;
  int64_t int_value = 0;     // kInt; kBool (0/1); kNow: the offset from NOW in milliseconds
  double double_value = 0;   // kDouble
  std::string string_value;  // kString
  QueryPos pos;
};

enum class CompareOp : uint8_t { kEq, kNotEq, kLess, kLessEq, kGreater, kGreaterEq };

struct Condition {
  enum class Kind : uint8_t { kAnd, kOr, kNot, kCompare, kIn };
  Kind kind = Kind::kCompare;
  CompareOp op = CompareOp::kEq;    // kCompare: path OP values[0]
  bool negated = false;             // kIn: `not in`
  PathExpr path;                    // kCompare, kIn
  // kCompare, kIn on `count(path)`: how many instances of the level `path`
  // one instance of its parent level holds (a vector's length), not a field.
  bool count_of = false;
  std::vector<Literal> values;      // kCompare: one; kIn: the list
  std::vector<Condition> children;  // kAnd, kOr: two or more; kNot: one
  QueryPos pos;
};

enum class DimFunction : uint8_t { kValue, kDay, kHour, kDayOfWeek, kMonth };

struct Dimension {
  DimFunction function = DimFunction::kValue;
  PathExpr path;
  QueryPos pos;
  std::string text;  // as written (whitespace normalised away): names the column, matches group by
};

enum class AggFunction : uint8_t { kCount, kCountDistinct, kSum, kMin, kMax, kAvg, kFunnel };

// funnel(SUBJECT [within session | within DAYS(n) | HOURS(n) | MINUTES(n)] : STEP then STEP ...)
struct Funnel {
  enum class Within : uint8_t { kAll, kSession, kDuration };
  PathExpr subject;
  Within within = Within::kAll;
  int64_t window_ms = 0;  // kDuration
  QueryPos within_pos;
  std::vector<Condition> steps;
};

struct SelectItem {
  bool is_dimension = false;
  Dimension dimension;  // is_dimension
  AggFunction aggregate = AggFunction::kCount;
  PathExpr path;     // an aggregate's argument (not a funnel's)
  Funnel funnel;     // kFunnel
  std::string name;  // `as "name"`, else the text as written
  QueryPos pos;
};

struct Query {
  std::vector<SelectItem> items;
  std::string schema;
  QueryPos schema_pos;
  bool has_where = false;
  Condition where;
  bool has_group_by = false;
  std::vector<Dimension> group_by;
  int64_t limit = -1;  // -1: no limit
};

}  // namespace datablox::eql
