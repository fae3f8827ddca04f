// Values during evaluation.
//
// Evaluation works on `Val`, a trivially copyable value whose strings are
// views: into the log (a field), into the compiled expression (a literal), or
// into strings the evaluation itself produced, which live in `EvalContext`
// until the evaluation ends. A numeric expression therefore never touches
// std::string or the heap; only the public ExprValue that Expr::Eval()
// returns owns a copy of a string result.
#pragma once

#include <cstdint>
#include <forward_list>
#include <string>
#include <string_view>
#include <utility>

#include "datablox/log.h"
#include "datablox/value.h"

namespace datablox::expr {

enum class ValKind : uint8_t {
  kNil,
  kBool,
  kInt,
  kFloat,
  kString,     // `str` is the text (a bytes field is read as a string too)
  kComposite,  // an array or map field; `composite` is the view into the log
  kError,      // `str` is the message
};

struct Val {
  ValKind kind = ValKind::kNil;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string_view str;
  Value composite;

  static Val Nil() { return {}; }
  static Val Bool(bool v) {
    Val r;
    r.kind = ValKind::kBool;
    r.b = v;
    return r;
  }
  static Val Int(int64_t v) {
    Val r;
    r.kind = ValKind::kInt;
    r.i = v;
    return r;
  }
  static Val Float(double v) {
    Val r;
    r.kind = ValKind::kFloat;
    r.f = v;
    return r;
  }
  static Val String(std::string_view v) {
    Val r;
    r.kind = ValKind::kString;
    r.str = v;
    return r;
  }
  static Val Composite(Value v) {
    Val r;
    r.kind = ValKind::kComposite;
    r.composite = v;
    return r;
  }
  static Val Error(std::string_view why) {
    Val r;
    r.kind = ValKind::kError;
    r.str = why;
    return r;
  }

  bool is_error() const { return kind == ValKind::kError; }
  bool is_number() const { return kind == ValKind::kInt || kind == ValKind::kFloat; }
  double as_double() const { return kind == ValKind::kInt ? static_cast<double>(i) : f; }
};

// The messages of the two arithmetic errors, kept in static storage.
inline constexpr std::string_view kIntegerOverflow = "integer overflow";
inline constexpr std::string_view kDivisionByZero = "division by zero";

// Per-evaluation scratch: owns the strings that operators and functions
// produce, so a Val can keep pointing at them. A forward_list keeps every
// string at a stable address and costs nothing while it stays empty.
class EvalContext {
 public:
  explicit EvalContext(const Log& log) : log_(log) {}
  const Log& log() const { return log_; }

  std::string_view Keep(std::string s) {
    owned_.push_front(std::move(s));
    return owned_.front();
  }
  Val Error(std::string message) { return Val::Error(Keep(std::move(message))); }

 private:
  const Log& log_;
  std::forward_list<std::string> owned_;
};

// "nil", "int", "array", ...: how messages name a value's kind.
const char* KindName(const Val& v);

// A view of a log value as a Val. Missing and nil both read as nil.
// Inline, like Truthy() and Equal(): the evaluator calls them once per node
// of every log.
inline Val FromValue(const Value& value) {
  switch (value.type()) {
    case ValueType::kMissing:
    case ValueType::kNil: return Val::Nil();
    case ValueType::kBool: return Val::Bool(value.as_bool());
    case ValueType::kInt: return Val::Int(value.as_int());
    case ValueType::kFloat: return Val::Float(value.as_float());
    case ValueType::kString: return Val::String(value.as_string());
    case ValueType::kBytes: return Val::String(value.as_bytes());
    case ValueType::kArray:
    case ValueType::kMap: return Val::Composite(value);
  }
  return Val::Nil();
}

// Filter's truth: false, nil, 0, 0.0, "" and an error are false.
inline bool Truthy(const Val& v) {
  switch (v.kind) {
    case ValKind::kNil: return false;
    case ValKind::kBool: return v.b;
    case ValKind::kInt: return v.i != 0;
    case ValKind::kFloat: return v.f != 0.0;
    case ValKind::kString: return !v.str.empty();
    case ValKind::kComposite: return true;
    case ValKind::kError: return false;
  }
  return false;
}

// Shortest text that reads back as the same double, always with a '.', an
// exponent or a non-finite name so that it still looks like a float.
std::string FloatText(double f);
std::string IntText(int64_t i);

// str()'s conversion, also used by concat(). Returns a view that lives in
// `ctx` (or in the log, or in static storage).
std::string_view ToText(const Val& v, EvalContext& ctx);

// Arrays and maps compare by their canonical JSON text.
bool EqualComposites(const Val& a, const Val& b);

// `a == b` for non-error operands: numbers compare across int and float,
// values of different kinds are unequal.
inline bool Equal(const Val& a, const Val& b) {
  if (a.kind == ValKind::kInt && b.kind == ValKind::kInt) return a.i == b.i;
  if (a.is_number() && b.is_number()) return a.as_double() == b.as_double();
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ValKind::kNil: return true;
    case ValKind::kBool: return a.b == b.b;
    case ValKind::kString: return a.str == b.str;
    case ValKind::kComposite: return EqualComposites(a, b);
    default: return false;
  }
}

}  // namespace datablox::expr
