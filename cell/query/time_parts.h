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

// The span (ms) of the aligned intervals over which TimePart is constant:
// an hour for hour, a day for day, dayofweek and month; 0 for kValue.
int64_t TimePartSpanMs(DimFunction function);

// TimePart with the interval it found last kept: neighbouring events mostly
// fall in one hour or day, and a hit costs two comparisons.
class TimePartCache {
 public:
  int64_t Get(DimFunction function, int64_t epoch_ms) {
    if (epoch_ms >= low_ && epoch_ms < high_) return part_;
    return Refill(function, epoch_ms);
  }
  // epoch_ms has the part the last Get returned.
  bool Holds(int64_t epoch_ms) const { return epoch_ms >= low_ && epoch_ms < high_; }
  void Clear() { low_ = 1, high_ = 0; }

 private:
  int64_t Refill(DimFunction function, int64_t epoch_ms);
  int64_t low_ = 1;  // [low_, high_): empty until the first Get
  int64_t high_ = 0;
  int64_t part_ = 0;
};

// day: "2023-11-14"; month: "2023-11"; others are their numbers (false).
bool TimePartText(DimFunction function, int64_t part, std::string* text);

}  // namespace datablox::eql
