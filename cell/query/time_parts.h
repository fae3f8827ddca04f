// The time functions of EQL dimensions over epoch milliseconds, in UTC:
// what the scanner puts in a group key (a whole number that sorts in time
// order) and how the result table writes it.
#pragma once

#include <cstdint>
#include <string>

#include "cell/query/eql_ast.h"

namespace datablox::eql {

// day: days since 1970-01-01; hour: 0..23 of the day; dayofweek: 1 (Monday)
// ..7 (Sunday), ISO 8601; month: year * 12 + month - 1. kValue: ms itself.
int64_t TimePart(DimFunction function, int64_t epoch_ms);

// day: "2023-11-14"; month: "2023-11"; others are their numbers (false).
bool TimePartText(DimFunction function, int64_t part, std::string* text);

}  // namespace datablox::eql
