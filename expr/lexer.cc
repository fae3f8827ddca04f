#include "expr/lexer.h"

#include "expr/literal_scanner.h"

namespace datablox::expr {
namespace {

using literal::DescribeChar;
using literal::IsDigit;
using literal::IsIdentStart;

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

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
  char Peek(size_t ahead = 0) const { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0'; }
  static bool Fail(CompileError* error, size_t offset, std::string message) {
    error->offset = offset;
    error->message = std::move(message);
    return false;
  }
  static bool Fail(CompileError* error, const literal::LiteralError& e) { return Fail(error, e.offset, e.message); }
  // "found ..." for the character at `offset`.
  std::string FoundAt(size_t offset) const {
    return offset >= src_.size() ? "end of expression" : DescribeChar(src_[offset]);
  }

  bool Next(Token* token, CompileError* error) {
    const char c = Peek();
    if (IsDigit(c)) return Number(token, error);
    if (IsIdentStart(c)) return Identifier(token, error);
    if (c == '"' || c == '\'') return String(token, error);

    const size_t start = pos_;
    auto one = [&](Tok kind) {
      token->kind = kind;
      pos_ += 1;
      return true;
    };
    auto two = [&](Tok kind) {
      token->kind = kind;
      pos_ += 2;
      return true;
    };
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
      default: return Fail(error, start, "expected an expression or an operator, found " + DescribeChar(c));
    }
  }

  // '-' is an operator here, not part of the literal: the parser folds it.
  bool Number(Token* token, CompileError* error) {
    literal::Number number;
    literal::LiteralError e;
    if (!literal::ScanNumber(src_, pos_, literal::Sign::kUnsigned, &number, &e)) {
      return Fail(error, e);
    }
    pos_ = number.end;
    token->kind = number.is_float ? Tok::kFloat : Tok::kInt;
    token->int_value = number.magnitude;
    token->float_value = number.float_value;
    return true;
  }

  bool Identifier(Token* token, CompileError* error) {
    const size_t start = pos_;
    while (true) {
      pos_ = literal::ScanIdentifier(src_, pos_);
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

  // A line break inside quotes is part of the string: an expression is one
  // parameter's text, not a file of lines.
  bool String(Token* token, CompileError* error) {
    literal::LiteralError e;
    token->kind = Tok::kString;
    if (!literal::ScanString(src_, pos_, literal::LineBreaks::kBelongToTheString, &token->text, &pos_, &e)) {
      return Fail(error, e);
    }
    return true;
  }

  std::string_view src_;
  size_t pos_ = 0;
};

}  // namespace

bool Lex(std::string_view source, std::vector<Token>* tokens, CompileError* error) {
  return Lexer(source).Run(tokens, error);
}

}  // namespace datablox::expr
