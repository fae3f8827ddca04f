#include "expr/evaluator.h"

#include <cmath>
#include <string>

namespace datablox::expr {
namespace {

Val IntArith(Op op, int64_t a, int64_t b) {
  int64_t r = 0;
  switch (op) {
    case Op::kAdd:
      if (__builtin_add_overflow(a, b, &r)) return Val::Error(kIntegerOverflow);
      return Val::Int(r);
    case Op::kSub:
      if (__builtin_sub_overflow(a, b, &r)) return Val::Error(kIntegerOverflow);
      return Val::Int(r);
    case Op::kMul:
      if (__builtin_mul_overflow(a, b, &r)) return Val::Error(kIntegerOverflow);
      return Val::Int(r);
    case Op::kDiv:
      if (b == 0) return Val::Error(kDivisionByZero);
      if (b == -1) {  // INT64_MIN / -1 does not fit (and traps on x86)
        if (__builtin_sub_overflow(int64_t{0}, a, &r)) return Val::Error(kIntegerOverflow);
        return Val::Int(r);
      }
      return Val::Int(a / b);
    case Op::kMod:
      if (b == 0) return Val::Error(kDivisionByZero);
      if (b == -1) return Val::Int(0);  // INT64_MIN % -1 traps on x86
      return Val::Int(a % b);
    default: return Val::Error("internal: not an arithmetic operator");
  }
}

Val FloatArith(Op op, double a, double b) {
  switch (op) {
    case Op::kAdd: return Val::Float(a + b);
    case Op::kSub: return Val::Float(a - b);
    case Op::kMul: return Val::Float(a * b);
    case Op::kDiv:
      if (b == 0.0) return Val::Error(kDivisionByZero);
      return Val::Float(a / b);
    case Op::kMod:
      if (b == 0.0) return Val::Error(kDivisionByZero);
      return Val::Float(std::fmod(a, b));
    default: return Val::Error("internal: not an arithmetic operator");
  }
}

// The walk: one call per node, operands first, errors returned as soon as
// they appear (so `&&`, `||` and if() evaluate only what they need).
class Evaluator {
 public:
  Evaluator(const Program& program, EvalContext& ctx) : nodes_(program.nodes), ctx_(ctx) {}

  Val Eval(int32_t index) const;

 private:
  Val Arith(const Node& node) const;
  Val Compare(const Node& node) const;
  Val Call(const Node& node) const;

  const std::vector<Node>& nodes_;
  EvalContext& ctx_;
};

Val Evaluator::Eval(int32_t index) const {
  const Node& node = nodes_[index];
  switch (node.op) {
    case Op::kLiteral:
      // The view is made here, not stored: the node vector may have moved
      // since compilation, and a short std::string moves its bytes with it.
      if (node.literal.kind == ValKind::kString) return Val::String(node.literal_text);
      return node.literal;
    case Op::kField: {
      Value value = ctx_.log().get(node.path[0]);
      for (size_t i = 1; i < node.path.size() && value.exists(); ++i) {
        value = value.get(node.path[i]);
      }
      return FromValue(value);
    }
    case Op::kNeg: {
      Val v = Eval(node.lhs);
      if (v.kind == ValKind::kInt) {
        int64_t r;
        if (__builtin_sub_overflow(int64_t{0}, v.i, &r)) return Val::Error(kIntegerOverflow);
        return Val::Int(r);
      }
      if (v.kind == ValKind::kFloat) return Val::Float(-v.f);
      if (v.is_error()) return v;
      return ctx_.Error(std::string("cannot negate ") + KindName(v));
    }
    case Op::kNot: {
      Val v = Eval(node.lhs);
      if (v.is_error()) return v;
      return Val::Bool(!Truthy(v));
    }
    case Op::kAnd: {
      Val l = Eval(node.lhs);
      if (l.is_error()) return l;
      if (!Truthy(l)) return Val::Bool(false);
      Val r = Eval(node.rhs);
      if (r.is_error()) return r;
      return Val::Bool(Truthy(r));
    }
    case Op::kOr: {
      Val l = Eval(node.lhs);
      if (l.is_error()) return l;
      if (Truthy(l)) return Val::Bool(true);
      Val r = Eval(node.rhs);
      if (r.is_error()) return r;
      return Val::Bool(Truthy(r));
    }
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod: return Arith(node);
    case Op::kEq:
    case Op::kNe:
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe: return Compare(node);
    case Op::kCall: return Call(node);
  }
  return Val::Error("internal: unknown node");
}

Val Evaluator::Arith(const Node& node) const {
  Val l = Eval(node.lhs);
  if (l.is_error()) return l;
  Val r = Eval(node.rhs);
  if (r.is_error()) return r;
  if (l.kind == ValKind::kInt && r.kind == ValKind::kInt) return IntArith(node.op, l.i, r.i);
  if (l.is_number() && r.is_number()) return FloatArith(node.op, l.as_double(), r.as_double());
  if (node.op == Op::kAdd && l.kind == ValKind::kString && r.kind == ValKind::kString) {
    std::string joined;
    joined.reserve(l.str.size() + r.str.size());
    joined.append(l.str).append(r.str);
    return Val::String(ctx_.Keep(std::move(joined)));
  }
  return ctx_.Error(std::string("cannot apply '") + OpSymbol(node.op) + "' to " + KindName(l) + " and " + KindName(r));
}

Val Evaluator::Compare(const Node& node) const {
  Val l = Eval(node.lhs);
  if (l.is_error()) return l;
  Val r = Eval(node.rhs);
  if (r.is_error()) return r;
  if (node.op == Op::kEq) return Val::Bool(Equal(l, r));
  if (node.op == Op::kNe) return Val::Bool(!Equal(l, r));

  // Ordering: -1, 0, 1, or unordered (NaN).
  int order = 0;
  bool unordered = false;
  if (l.kind == ValKind::kInt && r.kind == ValKind::kInt) {
    order = l.i < r.i ? -1 : (l.i > r.i ? 1 : 0);
  } else if (l.is_number() && r.is_number()) {
    const double a = l.as_double();
    const double b = r.as_double();
    if (a < b) order = -1;
    else if (a > b) order = 1;
    else if (a == b) order = 0;
    else unordered = true;
  } else if (l.kind == ValKind::kString && r.kind == ValKind::kString) {
    const int c = l.str.compare(r.str);
    order = c < 0 ? -1 : (c > 0 ? 1 : 0);
  } else {
    return ctx_.Error(std::string("cannot compare ") + KindName(l) + " and " + KindName(r) + " with '" +
                      OpSymbol(node.op) + "'");
  }
  if (unordered) return Val::Bool(false);
  switch (node.op) {
    case Op::kLt: return Val::Bool(order < 0);
    case Op::kLe: return Val::Bool(order <= 0);
    case Op::kGt: return Val::Bool(order > 0);
    case Op::kGe: return Val::Bool(order >= 0);
    default: return Val::Error("internal: not a comparison");
  }
}

Val Evaluator::Call(const Node& node) const {
  // Branches are evaluated lazily, so `if(x != 0, 1 / x, 0)` is safe.
  if (node.func == Func::kIf) {
    Val cond = Eval(node.args[0]);
    if (cond.is_error()) return cond;
    return Eval(Truthy(cond) ? node.args[1] : node.args[2]);
  }
  if (node.func == Func::kConcat) {
    std::string joined;
    for (int32_t arg : node.args) {
      Val v = Eval(arg);
      if (v.is_error()) return v;
      joined.append(ToText(v, ctx_));
    }
    return Val::String(ctx_.Keep(std::move(joined)));
  }
  // Every other function takes one or two arguments (the parser checked),
  // evaluated in order; the first error is the result.
  Val a = Eval(node.args[0]);
  if (a.is_error()) return a;
  Val b;
  if (node.args.size() > 1) {
    b = Eval(node.args[1]);
    if (b.is_error()) return b;
  }
  return CallFunction(node.func, a, b, ctx_);
}

}  // namespace

Val Evaluate(const Program& program, EvalContext& ctx) { return Evaluator(program, ctx).Eval(program.root); }

}  // namespace datablox::expr
