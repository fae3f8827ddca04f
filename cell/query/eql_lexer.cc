#include "cell/query/eql_lexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace datablox::eql {

std::string QueryError::ToString() const { return fmt::format("{}:{}: error: {}", pos.line, pos.column, message); }

void SortErrors(std::vector<QueryError>* errors) {
  std::stable_sort(errors->begin(), errors->end(), [](const QueryError& a, const QueryError& b) {
    return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.column < b.pos.column;
  });
}

std::string_view TokenName(Tok kind) {
  switch (kind) {
    case Tok::kEnd: return "the end of the query";
    case Tok::kIdent: return "a name";
    case Tok::kInt: return "an integer";
    case Tok::kFloat: return "a number";
    case Tok::kString: return "a string";
    case Tok::kLParen: return "'('";
    case Tok::kRParen: return "')'";
    case Tok::kComma: return "','";
    case Tok::kDot: return "'.'";
    case Tok::kColon: return "':'";
    case Tok::kPlus: return "'+'";
    case Tok::kMinus: return "'-'";
    case Tok::kEq: return "'='";
    case Tok::kNotEq: return "'!='";
    case Tok::kLess: return "'<'";
    case Tok::kLessEq: return "'<='";
    case Tok::kGreater: return "'>'";
    case Tok::kGreaterEq: return "'>='";
  }
  return "a token";
}

namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  Lexer(std::string_view query, std::vector<QueryError>* errors) : q_(query), errors_(errors) {}

  std::vector<Token> Run() {
    std::vector<Token> tokens;
    for (;;) {
      SkipSpace();
      Token t;
      t.pos = pos_;
      t.begin = at_;
      if (at_ >= q_.size()) {
        t.end = at_;
        tokens.push_back(std::move(t));
        return tokens;
      }
      if (Scan(&t)) {
        t.end = at_;
        tokens.push_back(std::move(t));
      }
    }
  }

 private:
  void Advance(size_t n = 1) {
    for (size_t i = 0; i < n && at_ < q_.size(); ++i, ++at_) {
      if (q_[at_] == '\n') {
        ++pos_.line;
        pos_.column = 1;
      } else {
        ++pos_.column;
      }
    }
  }
  char Peek(size_t ahead = 0) const { return at_ + ahead < q_.size() ? q_[at_ + ahead] : '\0'; }
  void Error(QueryPos pos, std::string message) { errors_->push_back({pos, std::move(message)}); }

  void SkipSpace() {
    while (at_ < q_.size()) {
      const char c = q_[at_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        Advance();
      } else if (c == '-' && Peek(1) == '-') {  // SQL's comment, to the end of the line
        while (at_ < q_.size() && q_[at_] != '\n') Advance();
      } else {
        return;
      }
    }
  }

  // Scans one token into *t; false when the text there was an error (skipped).
  bool Scan(Token* t) {
    const char c = Peek();
    if (IsIdentStart(c)) {
      while (IsIdentStart(Peek()) || IsDigit(Peek())) Advance();
      t->kind = Tok::kIdent;
      t->text = std::string(q_.substr(t->begin, at_ - t->begin));
      return true;
    }
    if (IsDigit(c)) return ScanNumber(t);
    if (c == '"' || c == '\'') return ScanString(t);
    struct Punct {
      std::string_view text;
      Tok kind;
    };
    static constexpr Punct kPuncts[] = {
        {"==", Tok::kEq},   {"!=", Tok::kNotEq}, {"<>", Tok::kNotEq},  {"<=", Tok::kLessEq}, {">=", Tok::kGreaterEq},
        {"=", Tok::kEq},    {"<", Tok::kLess},   {">", Tok::kGreater}, {"(", Tok::kLParen},  {")", Tok::kRParen},
        {",", Tok::kComma}, {".", Tok::kDot},    {":", Tok::kColon},   {"+", Tok::kPlus},    {"-", Tok::kMinus},
    };
    for (const Punct& p : kPuncts) {
      if (q_.substr(at_, p.text.size()) == p.text) {
        t->kind = p.kind;
        Advance(p.text.size());
        return true;
      }
    }
    Error(pos_, fmt::format("unexpected character '{}'", c));
    Advance();
    return false;
  }

  bool ScanNumber(Token* t) {
    bool is_float = false;
    while (IsDigit(Peek())) Advance();
    if (Peek() == '.' && IsDigit(Peek(1))) {
      is_float = true;
      Advance();
      while (IsDigit(Peek())) Advance();
    }
    if ((Peek() == 'e' || Peek() == 'E') &&
        (IsDigit(Peek(1)) || ((Peek(1) == '-' || Peek(1) == '+') && IsDigit(Peek(2))))) {
      is_float = true;
      Advance(2);
      while (IsDigit(Peek())) Advance();
    }
    const std::string text(q_.substr(t->begin, at_ - t->begin));
    errno = 0;
    if (is_float) {
      t->kind = Tok::kFloat;
      t->float_value = std::strtod(text.c_str(), nullptr);
    } else {
      t->kind = Tok::kInt;
      t->int_value = std::strtoll(text.c_str(), nullptr, 10);
    }
    if (errno == ERANGE) {
      Error(t->pos, fmt::format("number {} is out of range", text));
      return false;
    }
    return true;
  }

  bool ScanString(Token* t) {
    const char quote = Peek();
    Advance();
    std::string text;
    while (at_ < q_.size() && Peek() != quote) {
      char c = Peek();
      if (c == '\n') break;
      if (c == '\\') {
        const char next = Peek(1);
        switch (next) {
          case 'n': c = '\n'; break;
          case 't': c = '\t'; break;
          case '\\':
          case '"':
          case '\'': c = next; break;
          default: {
            QueryPos where = pos_;
            Error(where, fmt::format("unknown escape '\\{}' in a string", next ? next : ' '));
            c = next;
          }
        }
        Advance();
      }
      text.push_back(c);
      Advance();
    }
    if (Peek() != quote) {
      Error(t->pos, "unterminated string");
      return false;
    }
    Advance();
    t->kind = Tok::kString;
    t->text = std::move(text);
    return true;
  }

  std::string_view q_;
  std::vector<QueryError>* errors_;
  size_t at_ = 0;
  QueryPos pos_;
};

}  // namespace

std::vector<Token> Lex(std::string_view query, std::vector<QueryError>* errors) { return Lexer(query, errors).Run(); }

}  // namespace datablox::eql
