#include "aggregate_compute.h"

#include <fmt/format.h>

#include <cctype>

#include "datablox/shard.h"

namespace datablox {
namespace {

struct FunctionName {
  const char* name;
  AggregateFunction function;
};
constexpr FunctionName kFunctions[] = {
    {"count", AggregateFunction::kCount}, {"sum", AggregateFunction::kSum},
    {"min", AggregateFunction::kMin},     {"max", AggregateFunction::kMax},
    {"avg", AggregateFunction::kAvg},     {"first", AggregateFunction::kFirst},
    {"last", AggregateFunction::kLast},   {"count_distinct", AggregateFunction::kCountDistinct},
};

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

// One "name = fn(field)" item starting at column `column` (1-based).
std::string ParseItem(std::string_view item, int column, Computation* out) {
  size_t i = 0;
  auto skip = [&] {
    while (i < item.size() && std::isspace(static_cast<unsigned char>(item[i]))) ++i;
  };
  auto word = [&] {
    size_t start = i;
    while (i < item.size() && IsNameChar(item[i])) ++i;
    return std::string(item.substr(start, i - start));
  };
  auto at = [&] { return fmt::format("column {}: ", column + static_cast<int>(i)); };
  skip();
  out->name = word();
  if (out->name.empty()) return at() + "expected a field name, as in \"n = count()\"";
  skip();
  if (i >= item.size() || item[i] != '=') return at() + fmt::format("expected \"=\" after \"{}\"", out->name);
  ++i;
  skip();
  const size_t function_at = i;
  std::string function = word();
  bool known = false;
  for (const FunctionName& f : kFunctions) {
    if (function == f.name) out->function = f.function, known = true;
  }
  if (!known) {
    i = function_at;
    return at() +
           fmt::format("unknown function \"{}\" (count, sum, min, max, avg, first, last, count_distinct)", function);
  }
  skip();
  if (i >= item.size() || item[i] != '(') return at() + fmt::format("expected \"(\" after {}", function);
  ++i;
  skip();
  out->field = word();
  skip();
  if (i >= item.size() || item[i] != ')') return at() + "expected a field name and \")\"";
  ++i;
  skip();
  if (i != item.size()) return at() + "unexpected text after \")\" (items are separated by commas)";
  if (out->field.empty() && out->function != AggregateFunction::kCount) {
    i = function_at;
    return at() + fmt::format("{}() needs a field", function);
  }
  return "";
}

std::string OneValue(const Value& value) {
  LogBuilder b;
  b.add("v", value);
  return std::string(b.bytes());
}

}  // namespace

Status ParseComputations(std::string_view source, std::vector<Computation>* out) {
  std::vector<std::string> errors;
  out->clear();
  size_t start = 0;
  for (;;) {
    size_t comma = source.find(',', start);
    std::string_view item =
        source.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    Computation c;
    std::string error = ParseItem(item, static_cast<int>(start) + 1, &c);
    if (!error.empty()) {
      errors.push_back(error);
    } else {
      for (const Computation& before : *out) {
        if (before.name == c.name) errors.push_back(fmt::format("column {}: \"{}\" computed twice", start + 1, c.name));
      }
      out->push_back(std::move(c));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (errors.empty()) return Status::OK();
  std::string all;
  for (const std::string& e : errors) all += (all.empty() ? "" : "; ") + e;
  return Status::Invalid(all);
}

bool Accumulator::Check(const Computation& c, const Log& log, std::string* error) const {
  if (c.field.empty()) return true;
  switch (c.function) {
    case AggregateFunction::kSum:
    case AggregateFunction::kMin:
    case AggregateFunction::kMax:
    case AggregateFunction::kAvg: {
      Value v = log.get(c.field);
      if (!v.exists() || v.is_nil() || v.is_number()) return true;
      *error = fmt::format("{}: {}({}) takes numbers, not {}", c.name,
                           c.function == AggregateFunction::kSum   ? "sum"
                           : c.function == AggregateFunction::kAvg ? "avg"
                           : c.function == AggregateFunction::kMin ? "min"
                                                                   : "max",
                           c.field, ValueTypeName(v.type()));
      return false;
    }
    default: return true;
  }
}

void Accumulator::Add(const Computation& c, const Log& log) {
  if (c.field.empty()) {
    ++n_;
    return;
  }
  Value v = log.get(c.field);
  if (!v.exists() || v.is_nil()) return;  // as SQL's NULL: not a value
  switch (c.function) {
    case AggregateFunction::kCount: ++n_; break;
    case AggregateFunction::kSum:
    case AggregateFunction::kAvg:
      ++n_;
      if (v.type() == ValueType::kInt) {
        int_sum_ += v.as_int();
      } else {
        all_int_ = false;
      }
      float_sum_ += v.as_float();
      break;
    case AggregateFunction::kMin:
    case AggregateFunction::kMax: {
      const double x = v.as_float();
      const bool better = n_ == 0 || (c.function == AggregateFunction::kMin ? x < low_ : x > high_);
      ++n_;
      if (better) {
        (c.function == AggregateFunction::kMin ? low_ : high_) = x;
        (c.function == AggregateFunction::kMin ? low_bytes_ : high_bytes_) = OneValue(v);
      }
      break;
    }
    case AggregateFunction::kFirst:
      if (n_++ == 0) first_ = OneValue(v);
      break;
    case AggregateFunction::kLast:
      ++n_;
      last_ = OneValue(v);
      break;
    case AggregateFunction::kCountDistinct:
      ++n_;
      distinct_.insert(KeyText(v));
      break;
  }
}

void Accumulator::Merge(const Accumulator& later) {
  if (later.n_ == 0) return;
  if (n_ == 0) {
    *this = later;
    return;
  }
  all_int_ = all_int_ && later.all_int_;
  int_sum_ += later.int_sum_;
  float_sum_ += later.float_sum_;
  if (!later.low_bytes_.empty() && (low_bytes_.empty() || later.low_ < low_))
    low_ = later.low_, low_bytes_ = later.low_bytes_;
  if (!later.high_bytes_.empty() && (high_bytes_.empty() || later.high_ > high_)) {
    high_ = later.high_, high_bytes_ = later.high_bytes_;
  }
  if (!later.last_.empty()) last_ = later.last_;
  distinct_.insert(later.distinct_.begin(), later.distinct_.end());
  n_ += later.n_;
}

void Accumulator::Write(const Computation& c, LogBuilder* out) const {
  auto stored = [&](const std::string& bytes) {
    if (bytes.empty()) {
      out->add_nil(c.name);
    } else {
      OwnedLog log(bytes);
      out->add(c.name, log.get("v"));
    }
  };
  switch (c.function) {
    case AggregateFunction::kCount: out->add_int(c.name, static_cast<int64_t>(n_)); break;
    case AggregateFunction::kCountDistinct: out->add_int(c.name, static_cast<int64_t>(distinct_.size())); break;
    case AggregateFunction::kSum:
      if (n_ == 0) {
        out->add_nil(c.name);
      } else if (all_int_) {
        out->add_int(c.name, int_sum_);
      } else {
        out->add(c.name, float_sum_);
      }
      break;
    case AggregateFunction::kAvg:
      if (n_ == 0) {
        out->add_nil(c.name);
      } else {
        out->add(c.name, float_sum_ / static_cast<double>(n_));
      }
      break;
    case AggregateFunction::kMin: stored(low_bytes_); break;
    case AggregateFunction::kMax: stored(high_bytes_); break;
    case AggregateFunction::kFirst: stored(first_); break;
    case AggregateFunction::kLast: stored(last_); break;
  }
}

}  // namespace datablox
