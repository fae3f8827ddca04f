// The parser's walk over the tokens of one file and its syntax errors,
// shared by the statement parser (parser.cc) and the parser of a shard's
// options (shard_parser.cc). Private to dsl/.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsl/lexer.h"
#include "dsl/topology.h"

namespace datablox::dsl {

class TokenCursor {
 public:
  TokenCursor(std::vector<Token> tokens, const std::string& file, std::vector<Diagnostic>* errors)
      : tokens_(std::move(tokens)), file_(file), errors_(errors) {}

  const Token& Peek(size_t ahead = 0) const {
    const size_t index = pos_ + ahead;
    return index < tokens_.size() ? tokens_[index] : tokens_.back();
  }
  bool At(TokenKind kind, size_t ahead = 0) const { return Peek(ahead).kind == kind; }
  const Token& Take() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;  // the final kEnd is never passed
    return token;
  }
  // Inside (), [] and {} a newline does not end the statement. Returns
  // whether one was skipped.
  bool SkipNewlines();
  bool AtEndOfStatement() const { return At(TokenKind::kNewline) || At(TokenKind::kSemicolon) || At(TokenKind::kEnd); }

  SourcePos Pos(const Token& token) const { return SourcePos{file_, token.line, token.column}; }

  // Whether the tokens from `index` on begin a statement: `x ::`, `x ->`,
  // `x =>`, `x.p ->`, `policy x {`, `policy * {`. A `name: value` line inside brackets
  // never looks like that, so this tells a bracket left open (the next
  // statement follows) from one that goes on over several lines.
  bool LooksLikeStatementStart(size_t index) const;
  bool NewStatementFollowsNewline() const {
    return pos_ > 0 && tokens_[pos_ - 1].kind == TokenKind::kNewline && LooksLikeStatementStart(pos_);
  }
  // Inside brackets: the text ends, or the next statement begins, before
  // the closing bracket came.
  bool BracketLeftOpen() const { return At(TokenKind::kEnd) || NewStatementFollowsNewline(); }

  void Report(const Token& at, std::string message) { errors_->push_back(Diagnostic{Pos(at), std::move(message)}); }
  // Reports a syntax error at `at` and returns false, for `return Fail(...)`.
  // A lexer error token carries a better message than "expected X" (it says
  // why the text is no token at all), so it wins.
  bool Fail(const Token& at, std::string message);
  bool Expected(std::string_view what, const Token& found);

 protected:
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  const std::string& file_;
  std::vector<Diagnostic>* errors_;
};

}  // namespace datablox::dsl
