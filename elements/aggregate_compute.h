// Aggregate's COMPUTE parameter, "n = count(), bytes = sum(size), ...", and
// the accumulator each of its functions keeps per group and window. Every
// function is mergeable (Merge), so that a window can be made of panes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "datablox/log.h"
#include "datablox/status.h"

namespace datablox {

enum class AggregateFunction : uint8_t { kCount, kSum, kMin, kMax, kAvg, kFirst, kLast, kCountDistinct };

struct Computation {
  std::string name;  // the output field
  AggregateFunction function = AggregateFunction::kCount;
  std::string field;  // empty: count() of logs
};

// Parses COMPUTE. Every error is reported, each at its 1-based column:
// "column 5: unknown function \"mean\" (...); column 20: ...".
Status ParseComputations(std::string_view source, std::vector<Computation>* out);

// One function's running value over the logs of a group in a window.
class Accumulator {
 public:
  // False (and `error` set) when the field's value has a type the function
  // cannot take (a string for sum): the caller rejects the log.
  bool Check(const Computation& c, const Log& log, std::string* error) const;
  // Adds `log` (checked already).
  void Add(const Computation& c, const Log& log);
  // Adds what `later` saw after this one's logs (first stays, last moves).
  void Merge(const Accumulator& later);
  // Writes the result as field c.name: nil when no value was seen (SQL's
  // NULL), except the counts, which are 0.
  void Write(const Computation& c, LogBuilder* out) const;

 private:
  uint64_t n_ = 0;  // values seen (count(): logs)
  bool all_int_ = true;
  int64_t int_sum_ = 0;
  double float_sum_ = 0;
  double low_ = 0, high_ = 0;                          // min, max as compared
  std::string low_bytes_, high_bytes_, first_, last_;  // msgpack of one-field logs {"v": VALUE}
  std::unordered_set<std::string> distinct_;           // KeyText of the values
};

}  // namespace datablox
