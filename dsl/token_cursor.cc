#include "dsl/token_cursor.h"

#include <fmt/format.h>

namespace datablox::dsl {

bool TokenCursor::SkipNewlines() {
  bool skipped = false;
  while (At(TokenKind::kNewline)) {
    Take();
    skipped = true;
  }
  return skipped;
}

bool TokenCursor::LooksLikeStatementStart(size_t index) const {
  auto kind = [&](size_t i) { return i < tokens_.size() ? tokens_[i].kind : TokenKind::kEnd; };
  if (kind(index) != TokenKind::kIdent) return false;
  const TokenKind next = kind(index + 1);
  if (next == TokenKind::kColonColon || next == TokenKind::kArrow || next == TokenKind::kDoubleArrow) {
    return true;
  }
  if (next == TokenKind::kDot) {
    return kind(index + 2) == TokenKind::kIdent &&
           (kind(index + 3) == TokenKind::kArrow || kind(index + 3) == TokenKind::kDoubleArrow);
  }
  return tokens_[index].text == "policy" && (next == TokenKind::kIdent || next == TokenKind::kStar) &&
         kind(index + 2) == TokenKind::kLBrace;
}

bool TokenCursor::Fail(const Token& at, std::string message) {
  if (at.kind == TokenKind::kError) message = at.text;
  Report(at, std::move(message));
  return false;
}

bool TokenCursor::Expected(std::string_view what, const Token& found) {
  return Fail(found, fmt::format("expected {}, found {}", what, DescribeToken(found)));
}

}  // namespace datablox::dsl
