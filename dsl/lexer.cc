#include "dsl/lexer.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "expr/literal_scanner.h"

namespace datablox::dsl {
namespace {

using literal::IsDigit;
using literal::IsIdentChar;
using literal::IsIdentStart;

bool IsClassNameChar(char c) { return IsIdentChar(c) || c == '.' || c == ':'; }
bool IsNodeNameChar(char c) { return IsIdentChar(c) || c == '.' || c == '-'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> Run() {
    std::vector<Token> tokens;
    Token start_of_text;
    start_of_text.kind = TokenKind::kNewline;
    for (;;) {
      Token token = Next(tokens.empty() ? start_of_text : tokens.back());
      tokens.push_back(std::move(token));
      if (tokens.back().kind == TokenKind::kEnd) return tokens;
    }
  }

 private:
  char Peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  bool AtEnd() const { return pos_ >= text_.size(); }

  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  Token Make(TokenKind kind, size_t start, int line, int column) const {
    Token token;
    token.kind = kind;
    token.text = std::string(text_.substr(start, pos_ - start));
    token.line = line;
    token.column = column;
    return token;
  }

  Token Error(std::string message, int line, int column) const {
    Token token;
    token.kind = TokenKind::kError;
    token.text = std::move(message);
    token.line = line;
    token.column = column;
    return token;
  }

  // A comment that is not UTF-8 is an error too: the text travels to the
  // master as a JSON string, which must be UTF-8.
  bool SkipSpacesAndComments(Token* error) {
    for (;;) {
      char c = Peek();
      if (c == ' ' || c == '\t' || c == '\r') {
        Advance();
      } else if (c == '#') {
        const size_t start = pos_;
        const int column = static_cast<int>(pos_ - line_start_) + 1;
        // The newline stays: it still ends the statement the comment follows.
        while (!AtEnd() && Peek() != '\n') Advance();
        if (!simdjson::validate_utf8(text_.data() + start, pos_ - start)) {
          *error = Error("comment is not valid UTF-8 (a topology file is UTF-8 text)", line_, column);
          return false;
        }
      } else {
        return true;
      }
    }
  }

  // `x :: shard Counter(...)`: after the class-name slot holds the word
  // `shard`, the member class follows, spelt as any class name.
  static bool IsClassNameSlot(const Token& previous) {
    return previous.kind == TokenKind::kColonColon ||
           (previous.kind == TokenKind::kClassName && previous.text == "shard");
  }

  Token Next(const Token& previous_token) {
    const TokenKind previous = previous_token.kind;
    if (Token error; !SkipSpacesAndComments(&error)) return error;
    const size_t start = pos_;
    const int line = line_;
    const int column = static_cast<int>(pos_ - line_start_) + 1;
    if (AtEnd()) return Make(TokenKind::kEnd, start, line, column);

    const char c = Peek();
    if (IsClassNameSlot(previous_token) && IsIdentStart(c)) {
      while (IsClassNameChar(Peek())) Advance();
      return Make(TokenKind::kClassName, start, line, column);
    }
    if (previous == TokenKind::kAt && IsNodeNameChar(c)) {
      while (IsNodeNameChar(Peek())) Advance();
      return Make(TokenKind::kIdent, start, line, column);
    }
    if (IsIdentStart(c)) {
      pos_ = literal::ScanIdentifier(text_, pos_);
      return Make(TokenKind::kIdent, start, line, column);
    }
    if (IsDigit(c) || (c == '-' && IsDigit(Peek(1)))) return Number(start, line, column);
    if (c == '"' || c == '\'') return String(line, column);
    if (c == '$' && IsIdentStart(Peek(1))) {
      Advance();
      const size_t name_start = pos_;
      pos_ = literal::ScanIdentifier(text_, pos_);
      Token token = Make(TokenKind::kParamRef, start, line, column);
      token.text = std::string(text_.substr(name_start, pos_ - name_start));
      return token;
    }

    Advance();
    switch (c) {
      case '\n': return Make(TokenKind::kNewline, start, line, column);
      case ';': return Make(TokenKind::kSemicolon, start, line, column);
      case ',': return Make(TokenKind::kComma, start, line, column);
      case '.':
        if (Peek() == '.') {
          Advance();
          return Make(TokenKind::kDotDot, start, line, column);
        }
        return Make(TokenKind::kDot, start, line, column);
      case '@': return Make(TokenKind::kAt, start, line, column);
      case '*': return Make(TokenKind::kStar, start, line, column);
      case '(': return Make(TokenKind::kLParen, start, line, column);
      case ')': return Make(TokenKind::kRParen, start, line, column);
      case '[': return Make(TokenKind::kLBracket, start, line, column);
      case ']': return Make(TokenKind::kRBracket, start, line, column);
      case '{': return Make(TokenKind::kLBrace, start, line, column);
      case '}': return Make(TokenKind::kRBrace, start, line, column);
      case ':':
        if (Peek() == ':') {
          Advance();
          return Make(TokenKind::kColonColon, start, line, column);
        }
        return Make(TokenKind::kColon, start, line, column);
      case '-':
        if (Peek() == '>') {
          Advance();
          return Make(TokenKind::kArrow, start, line, column);
        }
        break;
      case '=':
        if (Peek() == '>') {
          Advance();
          return Make(TokenKind::kDoubleArrow, start, line, column);
        }
        break;
      default: break;
    }
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return Error(fmt::format("unexpected character 0x{:02x}", static_cast<unsigned char>(c)), line, column);
    }
    return Error(fmt::format("unexpected character '{}'", c), line, column);
  }

  // -12, 3.5, 1e6, -2.5e-3: the shared scanner's numbers, with the sign
  // written as part of the literal.
  Token Number(size_t start, int line, int column) {
    literal::Number number;
    literal::LiteralError error;
    // `1..8`: the int ends at the range's dots, which the scanner would
    // otherwise take for a decimal point ("invalid number '1.'").
    size_t digits_end = start + (Peek() == '-' ? 1 : 0);
    while (IsDigit(digits_end < text_.size() ? text_[digits_end] : '\0')) ++digits_end;
    const bool before_range = text_.substr(digits_end, 2) == "..";
    const std::string_view scanned = before_range ? text_.substr(0, digits_end) : text_;
    if (!literal::ScanNumber(scanned, start, literal::Sign::kLeadingMinus, &number, &error)) {
      pos_ = error.resume;
      return Error(std::move(error.message), line, column);
    }
    pos_ = number.end;
    Token token = Make(number.is_float ? TokenKind::kFloat : TokenKind::kInt, start, line, column);
    if (number.is_float) {
      token.float_value = number.float_value;
    } else {
      token.int_value =
          number.negative ? static_cast<int64_t>(0 - number.magnitude) : static_cast<int64_t>(number.magnitude);
    }
    return token;
  }

  // A string ends on its line: a newline before the closing quote makes it
  // unterminated, reported where it starts (the quote), which is where the
  // writer has to look. Single or double quotes: single quotes let a JSON
  // parameter keep its double quotes unescaped.
  Token String(int line, int column) {
    std::string value;
    size_t end = 0;
    literal::LiteralError error;
    const bool ok = literal::ScanString(text_, pos_, literal::LineBreaks::kEndTheString, &value, &end, &error);
    // Neither a string nor the rest of a broken one spans a line break, so
    // the line stays as it is.
    if (!ok) {
      pos_ = error.resume;
      return Error(std::move(error.message), line, ColumnOf(error.offset));
    }
    pos_ = end;
    // Escapes only add ASCII: checking the value checks what was written.
    if (!simdjson::validate_utf8(value.data(), value.size())) {
      return Error("string is not valid UTF-8 (a topology file is UTF-8 text)", line, column);
    }
    Token token;
    token.kind = TokenKind::kString;
    token.text = std::move(value);
    token.line = line;
    token.column = column;
    return token;
  }

  int ColumnOf(size_t offset) const { return static_cast<int>(offset - line_start_) + 1; }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

std::vector<Token> Tokenize(std::string_view text) { return Lexer(text).Run(); }

std::string DescribeToken(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd: return "end of file";
    case TokenKind::kNewline: return "end of line";
    case TokenKind::kString: {
      constexpr size_t kShown = 24;
      if (token.text.size() <= kShown) return fmt::format("string \"{}\"", token.text);
      return fmt::format("string \"{}...\"", token.text.substr(0, kShown));
    }
    case TokenKind::kError: return token.text;
    default: return fmt::format("'{}'", token.text);
  }
}

}  // namespace datablox::dsl
