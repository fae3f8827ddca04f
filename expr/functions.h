// The built-in functions of the expression language: their names and arity
// (which the parser checks) and what each one does (which the evaluator
// calls).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "expr/value.h"

namespace datablox::expr {

enum class Func : uint8_t {
  kUpper,
  kLower,
  kLen,
  kContains,
  kStartsWith,
  kEndsWith,
  kStr,
  kInt,
  kFloat,
  kAbs,
  kConcat,
  kIf,
};

struct FuncInfo {
  std::string_view name;
  Func func;
  int min_args;
  int max_args;  // -1: no limit
};

// The function called `name`, or null.
const FuncInfo* FindFunction(std::string_view name);
const FuncInfo& FunctionInfo(Func func);
// "upper, lower, ...": every name, in the table's order, for messages.
std::string KnownFunctionNames();

// Applies a function whose arguments are all evaluated first: every one but
// if() (lazy: only the branch taken is evaluated) and concat() (any number
// of arguments), which the evaluator does itself. `a` is the first
// argument, `b` the second (for contains, starts_with and ends_with); neither
// is an error.
Val CallFunction(Func func, const Val& a, const Val& b, EvalContext& ctx);

}  // namespace datablox::expr
