// The expression language of Filter and Map (include/datablox/expr.h): the
// compiler on any text, as an expression and as Map's assignments, and the
// evaluator on a fixed log with a field of every type.
//
// Invariants: a compile error has a column inside the text (or one past
// it) and a message; evaluation is deterministic; Test agrees with Eval
// (an error is false and reports the same message; an array or a map,
// which Eval cannot return, is tested by its truth).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/expr.h"
#include "datablox/log.h"

namespace {

using namespace datablox;

void Require(bool condition) {
  if (!condition) std::abort();
}

const OwnedLog& FixedLog() {
  static const OwnedLog* log = [] {
    auto* l = new OwnedLog;
    Status st = OwnedLog::FromJson(
        R"({"seq": 42, "neg": -7, "big": 9223372036854775807, "x": 2.5, "zero": 0, "name": "héllo",
            "empty": "", "t": true, "f": false, "n": null, "list": [1, "two", 3.0, [4]],
            "map": {"a": 1, "b": {"c": "deep"}}, "user": "alice", "ts": 1700000000})",
        l);
    if (!st.ok()) std::abort();
    return l;
  }();
  return *log;
}

bool SameValue(const ExprValue& a, const ExprValue& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ExprValue::Kind::kNil: return true;
    case ExprValue::Kind::kBool: return a.b == b.b;
    case ExprValue::Kind::kInt: return a.i == b.i;
    case ExprValue::Kind::kFloat: return a.f == b.f || (a.f != a.f && b.f != b.f);  // NaN is NaN
    case ExprValue::Kind::kString:
    case ExprValue::Kind::kError: return a.s == b.s;
  }
  return false;
}

void RequireErrorInside(const ExprError& error, std::string_view source) {
  Require(error.column >= 0 && static_cast<size_t>(error.column) <= source.size() + 1);
  Require(!error.message.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  const Log& log = FixedLog().log();

  Expr expr;
  ExprError error;
  if (Expr::Compile(source, &expr, &error).ok()) {
    Require(expr.source() == source);
    const ExprValue value = expr.Eval(log);
    Require(SameValue(value, expr.Eval(log)));
    std::string why;
    const bool passed = expr.Test(log, &why);
    // An array or a map is an error to Eval (ExprValue holds scalars) and
    // true or false to Test by its size; every other error is false.
    const bool composite = value.is_error() && value.s.starts_with("the result is ");
    if (value.is_error() && !composite) Require(!passed && why == value.s);
    if (value.kind == ExprValue::Kind::kNil) Require(!passed);
    if (value.kind == ExprValue::Kind::kBool) Require(passed == value.b);
    if (value.kind == ExprValue::Kind::kInt) Require(passed == (value.i != 0));
    if (value.kind == ExprValue::Kind::kString) Require(passed == !value.s.empty());
  } else {
    RequireErrorInside(error, source);
  }

  std::vector<Assignment> assignments;
  ExprError assignment_error;
  if (CompileAssignments(source, &assignments, &assignment_error).ok()) {
    for (const Assignment& a : assignments) {
      Require(!a.field.empty());
      (void)a.expr.Eval(log);
    }
  } else {
    RequireErrorInside(assignment_error, source);
  }
  return 0;
}
