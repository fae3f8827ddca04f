#include "dsl/shard_parser.h"

#include <fmt/format.h>

#include <climits>
#include <string>
#include <vector>

#include "dsl/suggest.h"

namespace datablox::dsl {
namespace {

const std::vector<std::string>& OptionNames() {
  static const std::vector<std::string> names = {"members", "route", "merge", "key_groups"};
  return names;
}

// "; did you mean 'route'?" for the closest name, else "".
std::string Suggestion(std::string_view wrong, const std::vector<std::string>& names) {
  const std::string best = ClosestName(wrong, names);
  return best.empty() ? "" : fmt::format("; did you mean '{}'?", best);
}

class ShardOptionsParser {
 public:
  ShardOptionsParser(TokenCursor* cursor, ShardDecl* shard) : c_(*cursor), shard_(*shard) {}

  bool Run() {
    c_.Take();  // {
    c_.SkipNewlines();
    for (;;) {
      if (c_.At(TokenKind::kRBrace)) break;
      if (c_.BracketLeftOpen()) return c_.Expected("'}' to close the shard's options", c_.Peek());
      if (!c_.At(TokenKind::kIdent)) {
        return c_.Expected("a shard option (members, route, merge or key_groups) or '}'", c_.Peek());
      }
      const Token& key = c_.Take();
      if (!c_.At(TokenKind::kColon)) {
        return c_.Fail(c_.Peek(), fmt::format("expected ':' after shard option '{}', found {}", key.text,
                                              DescribeToken(c_.Peek())));
      }
      c_.Take();
      const SourcePos value_pos = c_.Pos(c_.Peek());
      // A second value is parsed all the same (its syntax may be wrong
      // too), into a scratch declaration: the first one stands.
      auto first = shard_.key_pos.find(key.text);
      ShardDecl scratch;
      ShardDecl& into = first == shard_.key_pos.end() ? shard_ : scratch;
      if (!ParseOption(key, &into)) return false;
      if (first != shard_.key_pos.end()) {
        c_.Report(key, fmt::format("duplicate shard option '{}' (first given at line {}, column {})", key.text,
                                   first->second.line, first->second.column));
      } else {
        shard_.key_pos.emplace(key.text, c_.Pos(key));
        shard_.value_pos.emplace(key.text, value_pos);
      }

      if (c_.At(TokenKind::kComma)) {
        c_.Take();
        c_.SkipNewlines();
        continue;
      }
      if (c_.SkipNewlines()) continue;  // a newline separates options as a comma does
      if (c_.At(TokenKind::kRBrace)) break;
      return c_.Fail(c_.Peek(), fmt::format("expected ',', end of line or '}}' after the value of '{}', found {}",
                                            key.text, DescribeToken(c_.Peek())));
    }
    c_.Take();  // }
    return true;
  }

 private:
  bool ParseOption(const Token& key, ShardDecl* into) {
    if (key.text == "members") return ParseMembers(into);
    if (key.text == "route") return ParseRoute(into);
    if (key.text == "merge") return ParseMerge(into);
    if (key.text == "key_groups") return ParseCount("a number of key groups for 'key_groups'", &into->key_groups);
    return c_.Fail(key, fmt::format("unknown shard option '{}'; valid options: {}{}", key.text,
                                    fmt::join(OptionNames(), ", "), Suggestion(key.text, OptionNames())));
  }

  // members: N, or members: MIN..MAX
  bool ParseMembers(ShardDecl* into) {
    const SourcePos min_pos = c_.Pos(c_.Peek());
    if (!ParseCount("a member count (N or MIN..MAX) for 'members'", &into->min_members)) return false;
    into->value_pos["members.max"] = min_pos;
    into->max_members = into->min_members;
    if (!c_.At(TokenKind::kDotDot)) return true;
    c_.Take();
    into->value_pos["members.max"] = c_.Pos(c_.Peek());
    return ParseCount("the most members after '..'", &into->max_members);
  }

  // An int (the checker tells which are too small or too large); one that
  // an int of the declaration cannot hold is an error here.
  bool ParseCount(std::string_view what, int* out) {
    const Token& token = c_.Peek();
    if (token.kind != TokenKind::kInt) return c_.Expected(what, token);
    if (token.int_value < INT_MIN || token.int_value > INT_MAX) {
      return c_.Fail(token, fmt::format("number {} is out of range here", token.text));
    }
    *out = static_cast<int>(token.int_value);
    c_.Take();
    return true;
  }

  // route: round_robin | hash(FIELD) | broadcast | work_queue
  bool ParseRoute(ShardDecl* into) {
    const Token& name = c_.Peek();
    if (name.kind != TokenKind::kIdent) {
      return c_.Expected("a route (round_robin, hash(FIELD), broadcast or work_queue)", name);
    }
    if (Status status = ParseRouteKind(name.text, &into->route); !status.ok()) {
      return c_.Fail(name, status.message() + Suggestion(name.text, RouteKindNames()));
    }
    c_.Take();
    if (into->route != RouteKind::kHash) {
      if (c_.At(TokenKind::kLParen)) {
        return c_.Fail(c_.Peek(), fmt::format("route '{}' takes no field; only hash(FIELD) does", name.text));
      }
      return true;
    }
    if (!c_.At(TokenKind::kLParen)) {
      return c_.Fail(c_.Peek(), fmt::format("expected '(' after 'hash' (hash(FIELD) names the field logs are routed "
                                            "by), found {}",
                                            DescribeToken(c_.Peek())));
    }
    c_.Take();
    const Token& field = c_.Peek();
    if (field.kind != TokenKind::kIdent && field.kind != TokenKind::kString) {
      return c_.Expected("the field logs are routed by, in hash(FIELD)", field);
    }
    if (field.text.empty()) return c_.Fail(field, "the field of hash(FIELD) is empty");
    into->route_key = field.text;
    into->value_pos["route.key"] = c_.Pos(field);
    c_.Take();
    if (!c_.At(TokenKind::kRParen)) return c_.Expected("')' after the field of hash(FIELD)", c_.Peek());
    c_.Take();
    return true;
  }

  // merge: first | sum | union | min | max | custom
  bool ParseMerge(ShardDecl* into) {
    const Token& name = c_.Peek();
    if (name.kind != TokenKind::kIdent) {
      return c_.Expected(fmt::format("a merge ({})", fmt::join(MergeKindNames(), ", ")), name);
    }
    if (Status status = ParseMergeKind(name.text, &into->merge); !status.ok()) {
      return c_.Fail(name, status.message() + Suggestion(name.text, MergeKindNames()));
    }
    c_.Take();
    return true;
  }

  TokenCursor& c_;
  ShardDecl& shard_;
};

}  // namespace

bool ParseShardOptions(TokenCursor* cursor, ShardDecl* shard) { return ShardOptionsParser(cursor, shard).Run(); }

}  // namespace datablox::dsl
