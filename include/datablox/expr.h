// The small expression language of Filter and Map: field access, int, float,
// string and bool literals, + - * / %, == != < <= > >=, && || !, parentheses
// and a few string functions. An expression is compiled once, when the
// element is configured (and by the checker, to report errors before any
// process starts); evaluating it never re-parses text.
//
// This header is the whole contract of the language (its implementation is
// expr/, the datablox_expr library): what Filter, Map and the checker use,
// and a parameter of type ParamType::kExpr or kAssignments means.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/log.h"
#include "datablox/status.h"

namespace datablox {

// The deepest expression tree the compiler accepts: evaluation recurses once
// per level, so this bounds its stack. Nesting beyond it, by parentheses or by
// a long chain of operators, is surely not a hand-written filter.
inline constexpr int kMaxExprDepth = 200;

// The result of evaluating an expression over one log.
struct ExprValue {
  enum class Kind : uint8_t { kNil, kBool, kInt, kFloat, kString, kError };
  Kind kind = Kind::kNil;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;  // the string, or the error message for kError

  static ExprValue Nil() { return {}; }
  static ExprValue Bool(bool v) {
    ExprValue e;
    e.kind = Kind::kBool;
    e.b = v;
    return e;
  }
  static ExprValue Int(int64_t v) {
    ExprValue e;
    e.kind = Kind::kInt;
    e.i = v;
    return e;
  }
  static ExprValue Float(double v) {
    ExprValue e;
    e.kind = Kind::kFloat;
    e.f = v;
    return e;
  }
  static ExprValue String(std::string v) {
    ExprValue e;
    e.kind = Kind::kString;
    e.s = std::move(v);
    return e;
  }
  static ExprValue Error(std::string why) {
    ExprValue e;
    e.kind = Kind::kError;
    e.s = std::move(why);
    return e;
  }
  bool is_error() const { return kind == Kind::kError; }
};

// Where a compile error is, as a 1-based column into the expression text.
struct ExprError {
  int column = 0;
  std::string message;
};

class Expr {
 public:
  Expr();
  Expr(Expr&&) noexcept;
  Expr& operator=(Expr&&) noexcept;
  ~Expr();

  // Compiles `source`. On error returns Invalid("column N: message") and,
  // when `error` is given, fills it.
  static Status Compile(std::string_view source, Expr* out, ExprError* error = nullptr);

  ExprValue Eval(const Log& log) const;
  // Filter's truth: false, nil, 0, "" and a missing field are false; an
  // evaluation error is reported through `error` (when given) and is false.
  bool Test(const Log& log, std::string* error = nullptr) const;
  const std::string& source() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `field = expression, other = expression` (Map's parameter).
struct Assignment {
  std::string field;
  Expr expr;
};
Status CompileAssignments(std::string_view source, std::vector<Assignment>* out, ExprError* error = nullptr);

}  // namespace datablox
