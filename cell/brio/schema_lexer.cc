#include "cell/brio/schema_lexer.h"

#include <fmt/format.h>

#include "cell/brio/schema_limits.h"

namespace datablox::brio {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

// Ordinals, versions and `since` are small: nine digits always fit an int32
// check, and a longer number is an error before it could overflow.
constexpr size_t kMaxDigits = 9;

class SchemaLexer {
 public:
  explicit SchemaLexer(std::string_view text) : text_(text) {}

  std::vector<SchemaToken> Run() {
    std::vector<SchemaToken> tokens;
    for (;;) {
      tokens.push_back(Next());
      if (tokens.back().kind == SchemaTokenKind::kEnd) return tokens;
    }
  }

 private:
  char Peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  bool AtEnd() const { return pos_ >= text_.size(); }
  int Column() const { return static_cast<int>(pos_ - line_start_) + 1; }

  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  SchemaToken Make(SchemaTokenKind kind, size_t start, int column) const {
    SchemaToken token;
    token.kind = kind;
    token.text = std::string(text_.substr(start, pos_ - start));
    token.line = line_;
    token.column = column;
    return token;
  }

  SchemaToken Error(std::string message, int column) const {
    SchemaToken token;
    token.kind = SchemaTokenKind::kError;
    token.text = std::move(message);
    token.line = line_;
    token.column = column;
    return token;
  }

  // Comments run to the end of their line: `# ...` and `// ...`.
  void SkipSpacesAndComments() {
    while (!AtEnd()) {
      const char c = Peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        Advance();
      } else if (c == '#' || (c == '/' && Peek(1) == '/')) {
        while (!AtEnd() && Peek() != '\n') Advance();
      } else {
        return;
      }
    }
  }

  SchemaToken Next() {
    SkipSpacesAndComments();
    const size_t start = pos_;
    const int column = Column();
    if (AtEnd()) return Make(SchemaTokenKind::kEnd, start, column);
    const char c = Peek();
    if (IsIdentStart(c)) {
      while (IsIdentChar(Peek())) Advance();
      if (pos_ - start > kMaxIdentifierBytes) {
        return Error(fmt::format("name is {} bytes long (the limit is {})", pos_ - start, kMaxIdentifierBytes), column);
      }
      return Make(SchemaTokenKind::kIdent, start, column);
    }
    if (IsDigit(c)) {
      while (IsDigit(Peek())) Advance();
      // `12abc` is neither a number nor a name: one error, not two tokens.
      if (IsIdentStart(Peek())) {
        while (IsIdentChar(Peek())) Advance();
        return Error(fmt::format("invalid number '{}'", text_.substr(start, pos_ - start)), column);
      }
      if (pos_ - start > kMaxDigits) {
        return Error(fmt::format("number '{}' is too large", text_.substr(start, pos_ - start)), column);
      }
      SchemaToken token = Make(SchemaTokenKind::kInt, start, column);
      for (char digit : token.text) token.int_value = token.int_value * 10 + (digit - '0');
      return token;
    }
    Advance();
    // One error for a whole UTF-8 sequence, not one per byte.
    if (static_cast<unsigned char>(c) >= 0xc0) {
      while ((static_cast<unsigned char>(Peek()) & 0xc0) == 0x80) Advance();
    }
    switch (c) {
      case ':': return Make(SchemaTokenKind::kColon, start, column);
      case ',': return Make(SchemaTokenKind::kComma, start, column);
      case ')': return Make(SchemaTokenKind::kRParen, start, column);
      case '[': return Make(SchemaTokenKind::kLBracket, start, column);
      case ']': return Make(SchemaTokenKind::kRBracket, start, column);
      case '{': return Make(SchemaTokenKind::kLBrace, start, column);
      case '}': return Make(SchemaTokenKind::kRBrace, start, column);
      default: break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) return Error(fmt::format("unexpected character 0x{:02x}", byte), column);
    return Error(fmt::format("unexpected character '{}'", c), column);
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

std::vector<SchemaToken> TokenizeSchema(std::string_view text) { return SchemaLexer(text).Run(); }

std::string DescribeSchemaToken(const SchemaToken& token) {
  switch (token.kind) {
    case SchemaTokenKind::kEnd: return "end of file";
    case SchemaTokenKind::kError: return token.text;
    default: return fmt::format("'{}'", token.text);
  }
}

}  // namespace datablox::brio
