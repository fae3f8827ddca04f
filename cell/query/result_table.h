// The final table of a query: the merged partial's groups as rows, in the
// order of their keys (each dimension of `group by` ascending, in order;
// nulls first), cut to `limit` after merging, one column per select item.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cell/query/partial.h"
#include "cell/query/plan.h"

namespace datablox::eql {

struct ResultCell {
  enum class Kind : uint8_t { kNull, kInt, kDouble, kString };
  Kind kind = Kind::kNull;
  int64_t int_value = 0;
  double double_value = 0;
  std::string string_value;
};

struct ResultTable {
  std::vector<std::string> columns;
  std::vector<std::vector<ResultCell>> rows;
};

// count, count(distinct), funnel: integers; sum, min, max: integers for an
// integer field, else doubles; avg: a double; min/max/avg of nothing: null.
// day and month: "2023-11-14", "2023-11"; hour 0..23, dayofweek 1 (Monday)..7.
ResultTable FinishResult(const Plan& plan, const PartialResult& merged);

// The table as text: upper-case headers, columns aligned, numbers right.
std::string ResultTableText(const ResultTable& table);

}  // namespace datablox::eql
