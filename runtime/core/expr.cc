// The expression language of Filter and Map.
//
// Compilation lexes the whole text, then a recursive-descent parser (one
// function per precedence level) builds a flat vector of nodes that refer to
// their operands by index. Evaluation walks that vector recursively.
//
// Evaluation works on `Val`, a trivially copyable value whose strings are
// views: into the log (a field), into the compiled expression (a literal), or
// into strings the evaluation itself produced, which live in `EvalContext`
// until the evaluation ends. A numeric expression therefore never touches
// std::string or the heap; only the public ExprValue that Eval() returns owns
// a copy of a string result.

#include "runtime/core/expr.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <forward_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace datablox {
namespace {

// ---------------------------------------------------------------------------
// Values during evaluation

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
  static Val Bool(bool v) { Val r; r.kind = ValKind::kBool; r.b = v; return r; }
  static Val Int(int64_t v) { Val r; r.kind = ValKind::kInt; r.i = v; return r; }
  static Val Float(double v) { Val r; r.kind = ValKind::kFloat; r.f = v; return r; }
  static Val String(std::string_view v) { Val r; r.kind = ValKind::kString; r.str = v; return r; }
  static Val Composite(Value v) { Val r; r.kind = ValKind::kComposite; r.composite = v; return r; }
  static Val Error(std::string_view why) { Val r; r.kind = ValKind::kError; r.str = why; return r; }

  bool is_error() const { return kind == ValKind::kError; }
  bool is_number() const { return kind == ValKind::kInt || kind == ValKind::kFloat; }
  double as_double() const { return kind == ValKind::kInt ? static_cast<double>(i) : f; }
};

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

const char* KindName(const Val& v) {
  switch (v.kind) {
    case ValKind::kNil: return "nil";
    case ValKind::kBool: return "bool";
    case ValKind::kInt: return "int";
    case ValKind::kFloat: return "float";
    case ValKind::kString: return "string";
    case ValKind::kComposite:
      return v.composite.type() == ValueType::kArray ? "array" : "map";
    case ValKind::kError: return "error";
  }
  return "?";
}

// A view of a log value as a Val. Missing and nil both read as nil.
Val FromValue(const Value& value) {
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

bool Truthy(const Val& v) {
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
std::string FloatText(double f) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), f);
  std::string text(buffer, ec == std::errc() ? end : buffer);
  if (text.find_first_not_of("-0123456789") == std::string::npos) text += ".0";
  return text;
}

std::string IntText(int64_t i) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), i);
  return std::string(buffer, end);
}

// str()'s conversion, also used by concat(). Returns a view that lives in
// `ctx` (or in the log, or in static storage).
std::string_view ToText(const Val& v, EvalContext& ctx) {
  switch (v.kind) {
    case ValKind::kNil: return "nil";
    case ValKind::kBool: return v.b ? "true" : "false";
    case ValKind::kInt: return ctx.Keep(IntText(v.i));
    case ValKind::kFloat: return ctx.Keep(FloatText(v.f));
    case ValKind::kString: return v.str;
    case ValKind::kComposite: return ctx.Keep(v.composite.to_json());
    case ValKind::kError: return v.str;
  }
  return {};
}

// `a == b` for non-error operands: numbers compare across int and float,
// values of different kinds are unequal.
bool Equal(const Val& a, const Val& b) {
  if (a.kind == ValKind::kInt && b.kind == ValKind::kInt) return a.i == b.i;
  if (a.is_number() && b.is_number()) return a.as_double() == b.as_double();
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ValKind::kNil: return true;
    case ValKind::kBool: return a.b == b.b;
    case ValKind::kString: return a.str == b.str;
    case ValKind::kComposite:
      // Rare enough that comparing the canonical text is fine.
      return a.composite.type() == b.composite.type() &&
             a.composite.to_json() == b.composite.to_json();
    default: return false;
  }
}

// ---------------------------------------------------------------------------
// Compiled form

enum class Op : uint8_t {
  kLiteral,
  kField,
  kNeg,
  kNot,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
  kCall,
};

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
static_assert(static_cast<size_t>(Func::kIf) + 1 == std::size(kFunctions),
              "kFunctions is indexed by Func");

const FuncInfo* FindFunction(std::string_view name) {
  for (const FuncInfo& info : kFunctions) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

struct Node {
  Op op = Op::kLiteral;
  Func func = Func::kUpper;  // kCall only
  int32_t lhs = -1;          // operand of unary ops, left of binary ones
  int32_t rhs = -1;
  Val literal;                // kLiteral, except the text of a string
  std::string literal_text;   // kLiteral of a string: its decoded text
  std::vector<std::string> path;  // kField: the keys, outermost first
  std::vector<int32_t> args;      // kCall
  // Levels of the tree from here down (a leaf is 1): evaluation recurses
  // this deep, so the compiler keeps it within kMaxExprDepth.
  int32_t height = 1;
};

}  // namespace

struct Expr::Impl {
  std::string source;
  std::vector<Node> nodes;
  int32_t root = -1;

  Val EvalNode(int32_t index, EvalContext& ctx) const;
  Val EvalArith(const Node& node, EvalContext& ctx) const;
  Val EvalCompare(const Node& node, EvalContext& ctx) const;
  Val EvalCall(const Node& node, EvalContext& ctx) const;
};

namespace {

// ---------------------------------------------------------------------------
// Lexer

enum class Tok : uint8_t {
  kEnd,
  kInt,
  kFloat,
  kString,
  kIdent,  // possibly dotted: `user.name`
  kTrue,
  kFalse,
  kNil,
  kLParen,
  kRParen,
  kComma,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kEqEq,
  kNotEq,
  kLess,
  kLessEq,
  kGreater,
  kGreaterEq,
  kAndAnd,
  kOrOr,
  kBang,
  kAssign,
};

struct Token {
  Tok kind = Tok::kEnd;
  size_t begin = 0;  // byte offsets into the source
  size_t end = 0;
  uint64_t int_value = 0;  // kInt: may exceed INT64_MAX until a '-' claims it
  double float_value = 0;
  std::string text;  // kString: decoded text; kIdent: the name
};

struct CompileError {
  size_t offset = 0;
  std::string message;
};

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Quoted(char c) {
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
    char buffer[16];
    std::snprintf(buffer, sizeof(buffer), "byte 0x%02x", static_cast<unsigned char>(c));
    return buffer;
  }
  return std::string("'") + c + "'";
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

  // Lexes the whole text; the last token is kEnd.
  bool Run(std::vector<Token>* tokens, CompileError* error) {
    while (true) {
      SkipSpace();
      Token token;
      token.begin = pos_;
      if (pos_ >= src_.size()) {
        token.kind = Tok::kEnd;
        token.end = pos_;
        tokens->push_back(std::move(token));
        return true;
      }
      if (!Next(&token, error)) return false;
      token.end = pos_;
      tokens->push_back(std::move(token));
    }
  }

 private:
  void SkipSpace() {
    while (pos_ < src_.size() &&
           (src_[pos_] == ' ' || src_[pos_] == '\t' || src_[pos_] == '\n' || src_[pos_] == '\r')) {
      ++pos_;
    }
  }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }
  bool AtEnd(size_t ahead = 0) const { return pos_ + ahead >= src_.size(); }
  bool Fail(CompileError* error, size_t offset, std::string message) {
    error->offset = offset;
    error->message = std::move(message);
    return false;
  }
  // "found ..." for the character at `offset`.
  std::string FoundAt(size_t offset) const {
    return offset >= src_.size() ? "end of expression" : Quoted(src_[offset]);
  }

  bool Next(Token* token, CompileError* error) {
    const char c = Peek();
    if (IsDigit(c)) return Number(token, error);
    if (IsIdentStart(c)) return Identifier(token, error);
    if (c == '"' || c == '\'') return String(token, error);

    const size_t start = pos_;
    auto one = [&](Tok kind) { token->kind = kind; pos_ += 1; return true; };
    auto two = [&](Tok kind) { token->kind = kind; pos_ += 2; return true; };
    switch (c) {
      case '(': return one(Tok::kLParen);
      case ')': return one(Tok::kRParen);
      case ',': return one(Tok::kComma);
      case '+': return one(Tok::kPlus);
      case '-': return one(Tok::kMinus);
      case '*': return one(Tok::kStar);
      case '/': return one(Tok::kSlash);
      case '%': return one(Tok::kPercent);
      case '=': return Peek(1) == '=' ? two(Tok::kEqEq) : one(Tok::kAssign);
      case '!': return Peek(1) == '=' ? two(Tok::kNotEq) : one(Tok::kBang);
      case '<': return Peek(1) == '=' ? two(Tok::kLessEq) : one(Tok::kLess);
      case '>': return Peek(1) == '=' ? two(Tok::kGreaterEq) : one(Tok::kGreater);
      case '&':
        if (Peek(1) == '&') return two(Tok::kAndAnd);
        return Fail(error, start, "expected '&&', found '&'");
      case '|':
        if (Peek(1) == '|') return two(Tok::kOrOr);
        return Fail(error, start, "expected '||', found '|'");
      default:
        return Fail(error, start, "expected an expression or an operator, found " + Quoted(c));
    }
  }

  bool Number(Token* token, CompileError* error) {
    const size_t start = pos_;
    bool is_float = false;
    while (IsDigit(Peek())) ++pos_;
    if (Peek() == '.') {
      is_float = true;
      ++pos_;
      if (!IsDigit(Peek())) {
        return Fail(error, pos_, "expected a digit after '.', found " + FoundAt(pos_));
      }
      while (IsDigit(Peek())) ++pos_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      is_float = true;
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (!IsDigit(Peek())) {
        return Fail(error, pos_, "expected a digit in the exponent, found " + FoundAt(pos_));
      }
      while (IsDigit(Peek())) ++pos_;
    }
    if (IsIdentStart(Peek())) {
      return Fail(error, pos_, "expected an operator after a number, found " + FoundAt(pos_));
    }
    const char* first = src_.data() + start;
    const char* last = src_.data() + pos_;
    if (is_float) {
      token->kind = Tok::kFloat;
      auto [ptr, ec] = std::from_chars(first, last, token->float_value);
      if (ec != std::errc() || ptr != last) {
        return Fail(error, start, "float literal " + std::string(first, last) + " is out of range");
      }
    } else {
      token->kind = Tok::kInt;
      auto [ptr, ec] = std::from_chars(first, last, token->int_value);
      if (ec != std::errc() || ptr != last ||
          token->int_value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) {
        return Fail(error, start,
                    "integer literal " + std::string(first, last) + " does not fit in 64 bits");
      }
    }
    return true;
  }

  bool Identifier(Token* token, CompileError* error) {
    const size_t start = pos_;
    while (true) {
      while (IsIdentChar(Peek())) ++pos_;
      if (Peek() != '.') break;
      ++pos_;  // a dot must introduce another field name: `user.name`
      if (!IsIdentStart(Peek())) {
        return Fail(error, pos_, "expected a field name after '.', found " + FoundAt(pos_));
      }
    }
    token->text.assign(src_.substr(start, pos_ - start));
    if (token->text == "true") token->kind = Tok::kTrue;
    else if (token->text == "false") token->kind = Tok::kFalse;
    else if (token->text == "nil") token->kind = Tok::kNil;
    else token->kind = Tok::kIdent;
    return true;
  }

  bool String(Token* token, CompileError* error) {
    const size_t start = pos_;
    const char quote = src_[pos_++];
    token->kind = Tok::kString;
    while (true) {
      if (AtEnd()) {
        return Fail(error, start,
                    std::string("unterminated string: expected closing ") + quote +
                        ", found end of expression");
      }
      const char c = src_[pos_];
      if (c == quote) {
        ++pos_;
        return true;
      }
      if (c != '\\') {
        token->text += c;
        ++pos_;
        continue;
      }
      const size_t escape_at = pos_;
      ++pos_;
      if (AtEnd()) {
        return Fail(error, escape_at,
                    "expected an escape (\\\\ \\\" \\' \\n \\t) after '\\', found end of expression");
      }
      const char e = src_[pos_++];
      switch (e) {
        case '\\': token->text += '\\'; break;
        case '"': token->text += '"'; break;
        case '\'': token->text += '\''; break;
        case 'n': token->text += '\n'; break;
        case 't': token->text += '\t'; break;
        default:
          return Fail(error, escape_at,
                      "expected an escape (\\\\ \\\" \\' \\n \\t) after '\\', found " + Quoted(e));
      }
    }
  }

  std::string_view src_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------
// Parser: one function per precedence level, lowest first.

class Parser {
 public:
  Parser(std::string_view source, std::vector<Token> tokens)
      : src_(source), tokens_(std::move(tokens)) {}

  // Parses one expression into `nodes`, stopping before the first token that
  // cannot continue it (a top-level ',' or ')', or the end).
  bool ParseExpression(std::vector<Node>* nodes, int32_t* root, CompileError* error) {
    nodes_ = nodes;
    error_ = error;
    depth_ = 0;
    *root = Or();
    return *root >= 0;
  }

  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Previous() const { return tokens_[pos_ - 1]; }
  const Token& Advance() { return tokens_[pos_++]; }

  // "found ..." for a token, as error messages say it.
  std::string Describe(const Token& t) const {
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

  bool Fail(size_t offset, std::string message) {
    error_->offset = offset;
    error_->message = std::move(message);
    return false;
  }
  bool Expected(std::string_view what) {
    return Fail(Peek().begin, std::string("expected ") + std::string(what) + ", found " + Describe(Peek()));
  }
  void SetError(CompileError* error) { error_ = error; }

 private:
  std::string_view Text(const Token& t) const { return src_.substr(t.begin, t.end - t.begin); }

  // Adds a node over operands already added; -1 (an error at `at`, by
  // default the last token read) when the tree would grow too deep: a chain
  // `a + b + c ...` nests one level per operator, parentheses or not.
  int32_t Add(Node node, std::optional<size_t> at = std::nullopt) {
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
  static std::string TooDeep() {
    return "expression is nested too deeply (more than " + std::to_string(kMaxExprDepth) +
           " levels of operators, calls and parentheses)";
  }
  int32_t Binary(Op op, int32_t lhs, int32_t rhs, size_t op_offset) {
    Node node;
    node.op = op;
    node.lhs = lhs;
    node.rhs = rhs;
    return Add(std::move(node), op_offset);
  }

  // Each level: operand (op operand)*, left-associative.
  template <class Next, class Match>
  int32_t Level(Next next, Match match) {
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

  int32_t Or() {
    return Level(&Parser::And, [](Tok t) -> std::optional<Op> {
      if (t == Tok::kOrOr) return Op::kOr;
      return std::nullopt;
    });
  }
  int32_t And() {
    return Level(&Parser::Equality, [](Tok t) -> std::optional<Op> {
      if (t == Tok::kAndAnd) return Op::kAnd;
      return std::nullopt;
    });
  }
  int32_t Equality() {
    return Level(&Parser::Comparison, [](Tok t) -> std::optional<Op> {
      if (t == Tok::kEqEq) return Op::kEq;
      if (t == Tok::kNotEq) return Op::kNe;
      return std::nullopt;
    });
  }
  int32_t Comparison() {
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
  int32_t Additive() {
    return Level(&Parser::Multiplicative, [](Tok t) -> std::optional<Op> {
      if (t == Tok::kPlus) return Op::kAdd;
      if (t == Tok::kMinus) return Op::kSub;
      return std::nullopt;
    });
  }
  int32_t Multiplicative() {
    return Level(&Parser::Unary, [](Tok t) -> std::optional<Op> {
      if (t == Tok::kStar) return Op::kMul;
      if (t == Tok::kSlash) return Op::kDiv;
      if (t == Tok::kPercent) return Op::kMod;
      return std::nullopt;
    });
  }

  int32_t Unary() {
    if (++depth_ > kMaxExprDepth) {
      Fail(Peek().begin, TooDeep());
      return -1;
    }
    int32_t result = UnaryInner();
    --depth_;
    return result;
  }

  int32_t UnaryInner() {
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

  int32_t Primary() {
    const Token& t = Peek();
    Node node;
    switch (t.kind) {
      case Tok::kInt:
        if (t.int_value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          Fail(t.begin, "integer literal " + std::string(Text(t)) + " does not fit in 64 bits");
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
      case Tok::kNil:
        Advance();
        return Add(std::move(node));
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
      default:
        Expected("an expression");
        return -1;
    }
  }

  int32_t Call(const Token& name) {
    const FuncInfo* info = FindFunction(name.text);
    if (info == nullptr) {
      std::string names;
      for (const FuncInfo& f : kFunctions) {
        if (!names.empty()) names += ", ";
        names += f.name;
      }
      Fail(name.begin, "unknown function '" + name.text + "' (known: " + names + ")");
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
      Fail(name.begin, std::string(info->name) + "() takes " + want + ", found " +
                           std::to_string(count));
      return -1;
    }
    return Add(std::move(node));
  }

  std::string_view src_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  std::vector<Node>* nodes_ = nullptr;
  CompileError* error_ = nullptr;
  int depth_ = 0;
};

Status Report(const CompileError& e, ExprError* error) {
  const int column = static_cast<int>(e.offset) + 1;
  if (error != nullptr) {
    error->column = column;
    error->message = e.message;
  }
  return Status::Invalid("column " + std::to_string(column) + ": " + e.message);
}

bool Lex(std::string_view source, std::vector<Token>* tokens, CompileError* error) {
  return Lexer(source).Run(tokens, error);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// ---------------------------------------------------------------------------
// Evaluation helpers

const char* OpSymbol(Op op) {
  switch (op) {
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    default: return "?";
  }
}

constexpr std::string_view kOverflow = "integer overflow";
constexpr std::string_view kDivisionByZero = "division by zero";

Val IntArith(Op op, int64_t a, int64_t b) {
  int64_t r = 0;
  switch (op) {
    case Op::kAdd:
      if (__builtin_add_overflow(a, b, &r)) return Val::Error(kOverflow);
      return Val::Int(r);
    case Op::kSub:
      if (__builtin_sub_overflow(a, b, &r)) return Val::Error(kOverflow);
      return Val::Int(r);
    case Op::kMul:
      if (__builtin_mul_overflow(a, b, &r)) return Val::Error(kOverflow);
      return Val::Int(r);
    case Op::kDiv:
      if (b == 0) return Val::Error(kDivisionByZero);
      if (b == -1) {  // INT64_MIN / -1 does not fit (and traps on x86)
        if (__builtin_sub_overflow(int64_t{0}, a, &r)) return Val::Error(kOverflow);
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

char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

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

// ---------------------------------------------------------------------------
// Evaluation

Val Expr::Impl::EvalNode(int32_t index, EvalContext& ctx) const {
  const Node& node = nodes[index];
  switch (node.op) {
    case Op::kLiteral:
      // The view is made here, not stored: the node vector may have moved
      // since compilation, and a short std::string moves its bytes with it.
      if (node.literal.kind == ValKind::kString) return Val::String(node.literal_text);
      return node.literal;
    case Op::kField: {
      Value value = ctx.log().get(node.path[0]);
      for (size_t i = 1; i < node.path.size() && value.exists(); ++i) {
        value = value.get(node.path[i]);
      }
      return FromValue(value);
    }
    case Op::kNeg: {
      Val v = EvalNode(node.lhs, ctx);
      if (v.kind == ValKind::kInt) {
        int64_t r;
        if (__builtin_sub_overflow(int64_t{0}, v.i, &r)) return Val::Error(kOverflow);
        return Val::Int(r);
      }
      if (v.kind == ValKind::kFloat) return Val::Float(-v.f);
      if (v.is_error()) return v;
      return ctx.Error(std::string("cannot negate ") + KindName(v));
    }
    case Op::kNot: {
      Val v = EvalNode(node.lhs, ctx);
      if (v.is_error()) return v;
      return Val::Bool(!Truthy(v));
    }
    case Op::kAnd: {
      Val l = EvalNode(node.lhs, ctx);
      if (l.is_error()) return l;
      if (!Truthy(l)) return Val::Bool(false);
      Val r = EvalNode(node.rhs, ctx);
      if (r.is_error()) return r;
      return Val::Bool(Truthy(r));
    }
    case Op::kOr: {
      Val l = EvalNode(node.lhs, ctx);
      if (l.is_error()) return l;
      if (Truthy(l)) return Val::Bool(true);
      Val r = EvalNode(node.rhs, ctx);
      if (r.is_error()) return r;
      return Val::Bool(Truthy(r));
    }
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod: return EvalArith(node, ctx);
    case Op::kEq:
    case Op::kNe:
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe: return EvalCompare(node, ctx);
    case Op::kCall: return EvalCall(node, ctx);
  }
  return Val::Error("internal: unknown node");
}

Val Expr::Impl::EvalArith(const Node& node, EvalContext& ctx) const {
  Val l = EvalNode(node.lhs, ctx);
  if (l.is_error()) return l;
  Val r = EvalNode(node.rhs, ctx);
  if (r.is_error()) return r;
  if (l.kind == ValKind::kInt && r.kind == ValKind::kInt) return IntArith(node.op, l.i, r.i);
  if (l.is_number() && r.is_number()) return FloatArith(node.op, l.as_double(), r.as_double());
  if (node.op == Op::kAdd && l.kind == ValKind::kString && r.kind == ValKind::kString) {
    std::string joined;
    joined.reserve(l.str.size() + r.str.size());
    joined.append(l.str).append(r.str);
    return Val::String(ctx.Keep(std::move(joined)));
  }
  return ctx.Error(std::string("cannot apply '") + OpSymbol(node.op) + "' to " + KindName(l) +
                   " and " + KindName(r));
}

Val Expr::Impl::EvalCompare(const Node& node, EvalContext& ctx) const {
  Val l = EvalNode(node.lhs, ctx);
  if (l.is_error()) return l;
  Val r = EvalNode(node.rhs, ctx);
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
    return ctx.Error(std::string("cannot compare ") + KindName(l) + " and " + KindName(r) +
                     " with '" + OpSymbol(node.op) + "'");
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

Val Expr::Impl::EvalCall(const Node& node, EvalContext& ctx) const {
  const FuncInfo& info = kFunctions[static_cast<size_t>(node.func)];
  auto type_error = [&](const Val& v, const char* expected) {
    return ctx.Error(std::string(info.name) + "() expects " + expected + ", got " + KindName(v));
  };

  // Branches are evaluated lazily, so `if(x != 0, 1 / x, 0)` is safe.
  if (node.func == Func::kIf) {
    Val cond = EvalNode(node.args[0], ctx);
    if (cond.is_error()) return cond;
    return EvalNode(Truthy(cond) ? node.args[1] : node.args[2], ctx);
  }
  if (node.func == Func::kConcat) {
    std::string joined;
    for (int32_t arg : node.args) {
      Val v = EvalNode(arg, ctx);
      if (v.is_error()) return v;
      joined.append(ToText(v, ctx));
    }
    return Val::String(ctx.Keep(std::move(joined)));
  }

  Val a = EvalNode(node.args[0], ctx);
  if (a.is_error()) return a;

  switch (node.func) {
    case Func::kUpper:
    case Func::kLower: {
      if (a.kind == ValKind::kNil) return a;
      if (a.kind != ValKind::kString) return type_error(a, "a string");
      std::string out(a.str);
      for (char& c : out) c = node.func == Func::kUpper ? AsciiUpper(c) : AsciiLower(c);
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
      Val b = EvalNode(node.args[1], ctx);
      if (b.is_error()) return b;
      if (a.kind == ValKind::kNil || b.kind == ValKind::kNil) return Val::Bool(false);
      // contains(array, x): membership, by the same equality as ==.
      if (node.func == Func::kContains && a.kind == ValKind::kComposite &&
          a.composite.type() == ValueType::kArray) {
        for (size_t i = 0; i < a.composite.size(); ++i) {
          if (Equal(FromValue(a.composite.at(i)), b)) return Val::Bool(true);
        }
        return Val::Bool(false);
      }
      if (a.kind != ValKind::kString) {
        return type_error(a, node.func == Func::kContains ? "a string or an array" : "a string");
      }
      if (b.kind != ValKind::kString) return type_error(b, "a string as its second argument");
      if (node.func == Func::kContains) return Val::Bool(a.str.find(b.str) != std::string_view::npos);
      if (node.func == Func::kStartsWith) return Val::Bool(a.str.starts_with(b.str));
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
        if (a.i == std::numeric_limits<int64_t>::min()) return Val::Error(kOverflow);
        return Val::Int(a.i < 0 ? -a.i : a.i);
      }
      if (a.kind == ValKind::kFloat) return Val::Float(std::fabs(a.f));
      return type_error(a, "a number");
    case Func::kConcat:
    case Func::kIf: break;  // handled above
  }
  return Val::Error("internal: unknown function");
}

// ---------------------------------------------------------------------------
// Expr

Expr::Expr() = default;
Expr::Expr(Expr&&) noexcept = default;
Expr& Expr::operator=(Expr&&) noexcept = default;
Expr::~Expr() = default;

Status Expr::Compile(std::string_view source, Expr* out, ExprError* error) {
  std::vector<Token> tokens;
  CompileError e;
  if (!Lex(source, &tokens, &e)) return Report(e, error);
  Parser parser(source, std::move(tokens));
  auto impl = std::make_unique<Impl>();
  if (!parser.ParseExpression(&impl->nodes, &impl->root, &e)) return Report(e, error);
  if (parser.Peek().kind != Tok::kEnd) {
    parser.Expected("an operator or end of expression");
    return Report(e, error);
  }
  impl->source = std::string(source);
  out->impl_ = std::move(impl);
  return Status::OK();
}

ExprValue Expr::Eval(const Log& log) const {
  if (!impl_) return ExprValue::Nil();
  EvalContext ctx(log);
  Val v = impl_->EvalNode(impl_->root, ctx);
  switch (v.kind) {
    case ValKind::kNil: return ExprValue::Nil();
    case ValKind::kBool: return ExprValue::Bool(v.b);
    case ValKind::kInt: return ExprValue::Int(v.i);
    case ValKind::kFloat: return ExprValue::Float(v.f);
    case ValKind::kString: return ExprValue::String(std::string(v.str));
    case ValKind::kError: return ExprValue::Error(std::string(v.str));
    case ValKind::kComposite:
      // ExprValue holds scalars only; say so rather than silently changing
      // an array into its text.
      return ExprValue::Error(std::string("the result is ") + KindName(v) +
                              "; an expression yields nil, bool, int, float or string "
                              "(str() gives its JSON text)");
  }
  return ExprValue::Nil();
}

bool Expr::Test(const Log& log, std::string* error) const {
  if (!impl_) return false;
  EvalContext ctx(log);
  Val v = impl_->EvalNode(impl_->root, ctx);
  if (v.is_error()) {
    if (error != nullptr) error->assign(v.str);
    return false;
  }
  return Truthy(v);
}

const std::string& Expr::source() const {
  static const std::string kEmpty;
  return impl_ ? impl_->source : kEmpty;
}

Status CompileAssignments(std::string_view source, std::vector<Assignment>* out,
                          ExprError* error) {
  out->clear();
  std::vector<Token> tokens;
  CompileError e;
  if (!Lex(source, &tokens, &e)) return Report(e, error);
  Parser parser(source, std::move(tokens));
  parser.SetError(&e);
  std::vector<Assignment> result;
  while (true) {
    const Token& name = parser.Peek();
    if (name.kind != Tok::kIdent) {
      parser.Expected("a field name");
      return Report(e, error);
    }
    if (name.text.find('.') != std::string::npos) {
      // Map writes top-level fields; a dotted target would silently become a
      // key with a dot in it, which no expression could read back.
      e.offset = name.begin;
      e.message = "expected a top-level field name, found nested name '" + name.text + "'";
      return Report(e, error);
    }
    for (const Assignment& a : result) {
      if (a.field == name.text) {
        e.offset = name.begin;
        e.message = "field '" + name.text + "' is assigned twice";
        return Report(e, error);
      }
    }
    Assignment assignment;
    assignment.field = name.text;
    parser.Advance();
    if (parser.Peek().kind != Tok::kAssign) {
      parser.Expected("'=' after field name '" + assignment.field + "'");
      return Report(e, error);
    }
    parser.Advance();

    // Parsing here finds where the expression ends (the next top-level ',')
    // and reports errors with columns into the whole text; the expression's
    // own text then compiles the same way on its own.
    const size_t expr_begin = parser.Peek().begin;
    std::vector<Node> nodes;
    int32_t root = -1;
    if (!parser.ParseExpression(&nodes, &root, &e)) return Report(e, error);
    const size_t expr_end = parser.Previous().end;
    Status status = Expr::Compile(source.substr(expr_begin, expr_end - expr_begin),
                                  &assignment.expr);
    if (!status.ok()) return Status::Internal("expression of '" + assignment.field + "' " + status.message());
    result.push_back(std::move(assignment));

    if (parser.Peek().kind == Tok::kComma) {
      parser.Advance();
      continue;
    }
    if (parser.Peek().kind == Tok::kEnd) break;
    parser.Expected("',' or end of expression");
    return Report(e, error);
  }
  *out = std::move(result);
  return Status::OK();
}

}  // namespace datablox
