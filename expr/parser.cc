#include "expr/parser.h"

#include <algorithm>
#include <limits>

#include "datablox/expr.h"
#include "expr/literal_scanner.h"

namespace datablox::expr {

bool Parser::ParseExpression(std::vector<Node>* nodes, int32_t* root, CompileError* error) {
  nodes_ = nodes;
  error_ = error;
  depth_ = 0;
  *root = Or();
  return *root >= 0;
}

std::string Parser::Describe(const Token& t) const {
  switch (t.kind) {
    case Tok::kEnd: return "end of expression";
    case Tok::kInt:
    case Tok::kFloat: return "number " + std::string(Text(t));
    case Tok::kString: {
      std::string_view text = Text(t);
      if (text.size() > 24) return "string " + std::string(text.substr(0, 20)) + "...";
      return "string " + std::string(text);
    }
    case Tok::kIdent: return "name '" + t.text + "'";
    default: return "'" + std::string(Text(t)) + "'";
  }
}

bool Parser::Fail(size_t offset, std::string message) {
  error_->offset = offset;
  error_->message = std::move(message);
  return false;
}

bool Parser::Expected(std::string_view what) {
  return Fail(Peek().begin, std::string("expected ") + std::string(what) + ", found " + Describe(Peek()));
}

// Adds a node over operands already added; -1 (an error at `at`, by default
// the last token read) when the tree would grow too deep: a chain
// `a + b + c ...` nests one level per operator, parentheses or not.
int32_t Parser::Add(Node node, std::optional<size_t> at) {
  int32_t below = 0;
  for (int32_t operand : {node.lhs, node.rhs}) {
    if (operand >= 0) below = std::max(below, (*nodes_)[static_cast<size_t>(operand)].height);
  }
  for (int32_t arg : node.args) below = std::max(below, (*nodes_)[static_cast<size_t>(arg)].height);
  node.height = below + 1;
  if (node.height > kMaxExprDepth) {
    Fail(at.value_or(Previous().begin), TooDeep());
    return -1;
  }
  nodes_->push_back(std::move(node));
  return static_cast<int32_t>(nodes_->size() - 1);
}

std::string Parser::TooDeep() {
  return "expression is nested too deeply (more than " + std::to_string(kMaxExprDepth) +
         " levels of operators, calls and parentheses)";
}

int32_t Parser::Binary(Op op, int32_t lhs, int32_t rhs, size_t op_offset) {
  Node node;
  node.op = op;
  node.lhs = lhs;
  node.rhs = rhs;
  return Add(std::move(node), op_offset);
}

// Each level: operand (op operand)*, left-associative.
template <class Next, class Match>
int32_t Parser::Level(Next next, Match match) {
  int32_t lhs = (this->*next)();
  if (lhs < 0) return -1;
  while (true) {
    std::optional<Op> op = match(Peek().kind);
    if (!op) return lhs;
    const size_t op_offset = Advance().begin;
    int32_t rhs = (this->*next)();
    if (rhs < 0) return -1;
    lhs = Binary(*op, lhs, rhs, op_offset);
    if (lhs < 0) return -1;
  }
}

int32_t Parser::Or() {
  return Level(&Parser::And, [](Tok t) -> std::optional<Op> {
    if (t == Tok::kOrOr) return Op::kOr;
    return std::nullopt;
  });
}

int32_t Parser::And() {
  return Level(&Parser::Equality, [](Tok t) -> std::optional<Op> {
    if (t == Tok::kAndAnd) return Op::kAnd;
    return std::nullopt;
  });
}

int32_t Parser::Equality() {
  return Level(&Parser::Comparison, [](Tok t) -> std::optional<Op> {
    if (t == Tok::kEqEq) return Op::kEq;
    if (t == Tok::kNotEq) return Op::kNe;
    return std::nullopt;
  });
}

int32_t Parser::Comparison() {
  return Level(&Parser::Additive, [](Tok t) -> std::optional<Op> {
    switch (t) {
      case Tok::kLess: return Op::kLt;
      case Tok::kLessEq: return Op::kLe;
      case Tok::kGreater: return Op::kGt;
      case Tok::kGreaterEq: return Op::kGe;
      default: return std::nullopt;
    }
  });
}

int32_t Parser::Additive() {
  return Level(&Parser::Multiplicative, [](Tok t) -> std::optional<Op> {
    if (t == Tok::kPlus) return Op::kAdd;
    if (t == Tok::kMinus) return Op::kSub;
    return std::nullopt;
  });
}

int32_t Parser::Multiplicative() {
  return Level(&Parser::Unary, [](Tok t) -> std::optional<Op> {
    if (t == Tok::kStar) return Op::kMul;
    if (t == Tok::kSlash) return Op::kDiv;
    if (t == Tok::kPercent) return Op::kMod;
    return std::nullopt;
  });
}

int32_t Parser::Unary() {
  if (++depth_ > kMaxExprDepth) {
    Fail(Peek().begin, TooDeep());
    return -1;
  }
  int32_t result = UnaryInner();
  --depth_;
  return result;
}

int32_t Parser::UnaryInner() {
  const Tok kind = Peek().kind;
  if (kind == Tok::kMinus) {
    Advance();
    // `-literal` is folded here; it is also the only way to write INT64_MIN.
    if (Peek().kind == Tok::kInt) {
      const Token& t = Advance();
      Node node;
      node.literal = Val::Int(static_cast<int64_t>(0 - t.int_value));
      return Add(std::move(node));
    }
    if (Peek().kind == Tok::kFloat) {
      Node node;
      node.literal = Val::Float(-Advance().float_value);
      return Add(std::move(node));
    }
    int32_t operand = Unary();
    if (operand < 0) return -1;
    Node node;
    node.op = Op::kNeg;
    node.lhs = operand;
    return Add(std::move(node));
  }
  if (kind == Tok::kBang) {
    Advance();
    int32_t operand = Unary();
    if (operand < 0) return -1;
    Node node;
    node.op = Op::kNot;
    node.lhs = operand;
    return Add(std::move(node));
  }
  return Primary();
}

int32_t Parser::Primary() {
  const Token& t = Peek();
  Node node;
  switch (t.kind) {
    case Tok::kInt:
      if (t.int_value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        // 2^63, with no '-' in front to make it INT64_MIN.
        Fail(t.begin, literal::OutOfRange(Text(t), /*is_float=*/false));
        return -1;
      }
      node.literal = Val::Int(static_cast<int64_t>(t.int_value));
      Advance();
      return Add(std::move(node));
    case Tok::kFloat:
      node.literal = Val::Float(t.float_value);
      Advance();
      return Add(std::move(node));
    case Tok::kString:
      node.literal = Val::String({});
      node.literal_text = t.text;
      Advance();
      return Add(std::move(node));
    case Tok::kTrue:
    case Tok::kFalse:
      node.literal = Val::Bool(t.kind == Tok::kTrue);
      Advance();
      return Add(std::move(node));
    case Tok::kNil: Advance(); return Add(std::move(node));
    case Tok::kLParen: {
      Advance();
      int32_t inner = Or();
      if (inner < 0) return -1;
      if (Peek().kind != Tok::kRParen) {
        Expected("')'");
        return -1;
      }
      Advance();
      return inner;
    }
    case Tok::kIdent:
      Advance();
      if (Peek().kind == Tok::kLParen) return Call(t);
      node.op = Op::kField;
      for (size_t start = 0;;) {
        size_t dot = t.text.find('.', start);
        node.path.push_back(t.text.substr(start, dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
      return Add(std::move(node));
    default: Expected("an expression"); return -1;
  }
}

int32_t Parser::Call(const Token& name) {
  const FuncInfo* info = FindFunction(name.text);
  if (info == nullptr) {
    Fail(name.begin, "unknown function '" + name.text + "' (known: " + KnownFunctionNames() + ")");
    return -1;
  }
  Advance();  // '('
  Node node;
  node.op = Op::kCall;
  node.func = info->func;
  if (Peek().kind != Tok::kRParen) {
    while (true) {
      int32_t arg = Or();
      if (arg < 0) return -1;
      node.args.push_back(arg);
      if (Peek().kind == Tok::kComma) {
        Advance();
        continue;
      }
      if (Peek().kind == Tok::kRParen) break;
      Expected("',' or ')'");
      return -1;
    }
  }
  Advance();  // ')'
  const int count = static_cast<int>(node.args.size());
  if (count < info->min_args || (info->max_args >= 0 && count > info->max_args)) {
    std::string want;
    if (info->max_args < 0) {
      want = "at least " + std::to_string(info->min_args);
    } else {
      want = std::to_string(info->min_args);
    }
    want += info->min_args == 1 ? " argument" : " arguments";
    Fail(name.begin, std::string(info->name) + "() takes " + want + ", found " + std::to_string(count));
    return -1;
  }
  return Add(std::move(node));
}

}  // namespace datablox::expr
