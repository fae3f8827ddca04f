#include "expr/functions.h"

#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <system_error>

namespace datablox::expr {
namespace {

constexpr FuncInfo kFunctions[] = {
    {"upper", Func::kUpper, 1, 1},
    {"lower", Func::kLower, 1, 1},
    {"len", Func::kLen, 1, 1},
    {"contains", Func::kContains, 2, 2},
    {"starts_with", Func::kStartsWith, 2, 2},
    {"ends_with", Func::kEndsWith, 2, 2},
    {"str", Func::kStr, 1, 1},
    {"int", Func::kInt, 1, 1},
    {"float", Func::kFloat, 1, 1},
    {"abs", Func::kAbs, 1, 1},
    {"concat", Func::kConcat, 1, -1},
    {"if", Func::kIf, 3, 3},
};
static_assert(static_cast<size_t>(Func::kIf) + 1 == std::size(kFunctions), "kFunctions is indexed by Func");

char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Parses all of `text` as T; no leading/trailing junk.
template <class T>
bool ParseAll(std::string_view text, T* out) {
  text = Trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// Truncates toward zero; fails when the result would not fit.
bool DoubleToInt(double f, int64_t* out) {
  const double t = std::trunc(f);
  if (!(t >= -9223372036854775808.0 && t < 9223372036854775808.0)) return false;  // NaN too
  *out = static_cast<int64_t>(t);
  return true;
}

}  // namespace

const FuncInfo* FindFunction(std::string_view name) {
  for (const FuncInfo& info : kFunctions) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

const FuncInfo& FunctionInfo(Func func) { return kFunctions[static_cast<size_t>(func)]; }

std::string KnownFunctionNames() {
  std::string names;
  for (const FuncInfo& f : kFunctions) {
    if (!names.empty()) names += ", ";
    names += f.name;
  }
  return names;
}

Val CallFunction(Func func, const Val& a, const Val& b, EvalContext& ctx) {
  auto type_error = [&](const Val& v, const char* expected) {
    return ctx.Error(std::string(FunctionInfo(func).name) + "() expects " + expected + ", got " + KindName(v));
  };

  switch (func) {
    case Func::kUpper:
    case Func::kLower: {
      if (a.kind == ValKind::kNil) return a;
      if (a.kind != ValKind::kString) return type_error(a, "a string");
      std::string out(a.str);
      for (char& c : out) c = func == Func::kUpper ? AsciiUpper(c) : AsciiLower(c);
      return Val::String(ctx.Keep(std::move(out)));
    }
    case Func::kLen:
      if (a.kind == ValKind::kNil) return Val::Int(0);
      if (a.kind == ValKind::kString) return Val::Int(static_cast<int64_t>(a.str.size()));
      if (a.kind == ValKind::kComposite) return Val::Int(static_cast<int64_t>(a.composite.size()));
      return type_error(a, "a string, an array or a map");
    case Func::kContains:
    case Func::kStartsWith:
    case Func::kEndsWith: {
      if (a.kind == ValKind::kNil || b.kind == ValKind::kNil) return Val::Bool(false);
      // contains(array, x): membership, by the same equality as ==.
      if (func == Func::kContains && a.kind == ValKind::kComposite && a.composite.type() == ValueType::kArray) {
        for (size_t i = 0; i < a.composite.size(); ++i) {
          if (Equal(FromValue(a.composite.at(i)), b)) return Val::Bool(true);
        }
        return Val::Bool(false);
      }
      if (a.kind != ValKind::kString) {
        return type_error(a, func == Func::kContains ? "a string or an array" : "a string");
      }
      if (b.kind != ValKind::kString) return type_error(b, "a string as its second argument");
      if (func == Func::kContains) return Val::Bool(a.str.find(b.str) != std::string_view::npos);
      if (func == Func::kStartsWith) return Val::Bool(a.str.starts_with(b.str));
      return Val::Bool(a.str.ends_with(b.str));
    }
    case Func::kStr: return Val::String(ToText(a, ctx));
    case Func::kInt:
      switch (a.kind) {
        case ValKind::kNil: return a;
        case ValKind::kBool: return Val::Int(a.b ? 1 : 0);
        case ValKind::kInt: return a;
        case ValKind::kFloat: {
          int64_t r;
          if (!DoubleToInt(a.f, &r)) return ctx.Error("int() cannot convert " + FloatText(a.f));
          return Val::Int(r);
        }
        case ValKind::kString: {
          int64_t r;
          if (ParseAll(a.str, &r)) return Val::Int(r);
          double f;
          if (ParseAll(a.str, &f) && DoubleToInt(f, &r)) return Val::Int(r);
          return ctx.Error("int() cannot convert \"" + std::string(a.str) + "\"");
        }
        default: return type_error(a, "a number, a bool or a string");
      }
    case Func::kFloat:
      switch (a.kind) {
        case ValKind::kNil: return a;
        case ValKind::kBool: return Val::Float(a.b ? 1.0 : 0.0);
        case ValKind::kInt: return Val::Float(static_cast<double>(a.i));
        case ValKind::kFloat: return a;
        case ValKind::kString: {
          double f;
          if (ParseAll(a.str, &f)) return Val::Float(f);
          return ctx.Error("float() cannot convert \"" + std::string(a.str) + "\"");
        }
        default: return type_error(a, "a number, a bool or a string");
      }
    case Func::kAbs:
      if (a.kind == ValKind::kNil) return a;
      if (a.kind == ValKind::kInt) {
        if (a.i == std::numeric_limits<int64_t>::min()) return Val::Error(kIntegerOverflow);
        return Val::Int(a.i < 0 ? -a.i : a.i);
      }
      if (a.kind == ValKind::kFloat) return Val::Float(std::fabs(a.f));
      return type_error(a, "a number");
    case Func::kConcat:
    case Func::kIf: break;  // the evaluator's own
  }
  return Val::Error("internal: unknown function");
}

}  // namespace datablox::expr
