// dsl::ParseValue: a parameter's or a policy key's value, syntax only.

#include "dsl/value_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "dsl/limits.h"

namespace datablox::dsl {
namespace {

constexpr const char* kValueKinds = "a value (number, string, true, false or list)";

// One top-level value: list_nesting_ starts at 0 for each.
class ValueParser {
 public:
  explicit ValueParser(TokenCursor* cursor) : c_(*cursor) {}

  // 12, -1.5, "text", true, false, [value, ...]
  bool ParseValue(ParamValue* out) {
    const Token& token = c_.Peek();
    switch (token.kind) {
      case TokenKind::kInt:
        *out = ParamValue::Int(token.int_value);
        c_.Take();
        return true;
      case TokenKind::kFloat:
        *out = ParamValue::Float(token.float_value);
        c_.Take();
        return true;
      case TokenKind::kString:
        *out = ParamValue::String(token.text);
        c_.Take();
        return true;
      case TokenKind::kIdent:
        if (token.text == "true" || token.text == "false") {
          *out = ParamValue::Bool(token.text == "true");
          c_.Take();
          return true;
        }
        if (token.text == "env" && c_.At(TokenKind::kLParen, 1)) return ParseEnv(out);
        return c_.Fail(token, fmt::format("expected {}, found {} (strings are written in double "
                                          "quotes)",
                                          kValueKinds, DescribeToken(token)));
      case TokenKind::kLBracket: return ParseList(out);
      default: return c_.Expected(kValueKinds, token);
    }
  }

 private:
  // env("NAME"): a secret read where the element runs (ParamValue::kEnv).
  bool ParseEnv(ParamValue* out) {
    c_.Take();  // env
    c_.Take();  // (
    const Token& name = c_.Peek();
    if (!c_.At(TokenKind::kString)) return c_.Expected("an environment variable's name in double quotes", name);
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    const std::string& text = name.text;
    if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0])) ||
        !std::all_of(text.begin(), text.end(), word))
      return c_.Fail(name, fmt::format("'{}' is no environment variable name (letters, digits and _)", name.text));
    *out = ParamValue::Env(c_.Take().text);
    if (!c_.At(TokenKind::kRParen)) return c_.Expected("')' after env(\"NAME\"", c_.Peek());
    c_.Take();
    return true;
  }

  // A list nests one level of recursion deeper: past kMaxListNesting it is
  // an error at its '[', rather than a stack overflow.
  bool ParseList(ParamValue* out) {
    if (list_nesting_ == kMaxListNesting) {
      return c_.Fail(c_.Peek(), fmt::format("list nested more than {} levels deep", kMaxListNesting));
    }
    ++list_nesting_;
    const bool parsed = ParseListItems(out);
    --list_nesting_;
    return parsed;
  }

  bool ParseListItems(ParamValue* out) {
    c_.Take();  // [
    std::vector<ParamValue> items;
    c_.SkipNewlines();
    while (!c_.At(TokenKind::kRBracket)) {
      if (c_.BracketLeftOpen()) return c_.Expected("']' to close the list", c_.Peek());
      ParamValue item;
      if (!ParseValue(&item)) return false;
      items.push_back(std::move(item));
      c_.SkipNewlines();
      if (c_.At(TokenKind::kComma)) {
        c_.Take();
        c_.SkipNewlines();
        continue;
      }
      if (c_.At(TokenKind::kRBracket)) break;
      if (c_.BracketLeftOpen()) return c_.Expected("']' to close the list", c_.Peek());
      return c_.Expected("',' or ']' in list", c_.Peek());
    }
    c_.Take();  // ]
    *out = ParamValue::List(std::move(items));
    return true;
  }

  TokenCursor& c_;
  int list_nesting_ = 0;
};

}  // namespace

bool ParseValue(TokenCursor* cursor, ParamValue* out) { return ValueParser(cursor).ParseValue(out); }

}  // namespace datablox::dsl
