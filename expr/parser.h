// The parser of the expression language: recursive descent, one function per
// precedence level, lowest first (||, &&, == !=, < <= > >=, + -, * / %, unary),
// building a Program's nodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expr/lexer.h"
#include "expr/syntax_tree.h"

namespace datablox::expr {

class Parser {
 public:
  Parser(std::string_view source, std::vector<Token> tokens) : src_(source), tokens_(std::move(tokens)) {}

  // Parses one expression into `nodes`, stopping before the first token that
  // cannot continue it (a top-level ',' or ')', or the end).
  bool ParseExpression(std::vector<Node>* nodes, int32_t* root, CompileError* error);

  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Previous() const { return tokens_[pos_ - 1]; }
  const Token& Advance() { return tokens_[pos_++]; }

  // "found ..." for a token, as error messages say it.
  std::string Describe(const Token& t) const;

  bool Fail(size_t offset, std::string message);
  // "expected WHAT, found <the next token>".
  bool Expected(std::string_view what);
  // Where Fail() and Expected() report, outside ParseExpression().
  void SetError(CompileError* error) { error_ = error; }

 private:
  std::string_view Text(const Token& t) const { return src_.substr(t.begin, t.end - t.begin); }

  int32_t Add(Node node, std::optional<size_t> at = std::nullopt);
  static std::string TooDeep();
  int32_t Binary(Op op, int32_t lhs, int32_t rhs, size_t op_offset);
  template <class Next, class Match>
  int32_t Level(Next next, Match match);

  int32_t Or();
  int32_t And();
  int32_t Equality();
  int32_t Comparison();
  int32_t Additive();
  int32_t Multiplicative();
  int32_t Unary();
  int32_t UnaryInner();
  int32_t Primary();
  int32_t Call(const Token& name);

  std::string_view src_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  std::vector<Node>* nodes_ = nullptr;
  CompileError* error_ = nullptr;
  int depth_ = 0;
};

}  // namespace datablox::expr
