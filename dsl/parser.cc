// dsl::Parse: tokens to a Topology, syntax only.
//
// Every statement is parsed on its own and added to the topology only when
// it parsed completely, so the checker never sees half a declaration. After
// a syntax error the parser skips to the end of that statement and goes on:
// one run reports every syntax error of the file.

#include <fmt/format.h>

#include <utility>

#include "dsl/compound_expander.h"
#include "dsl/lexer.h"
#include "dsl/limits.h"
#include "dsl/loader.h"
#include "dsl/shard_parser.h"
#include "dsl/token_cursor.h"
#include "dsl/value_parser.h"

namespace datablox::dsl {
namespace {

class Parser : private TokenCursor {
 public:
  Parser(std::vector<Token> tokens, const std::string& file, std::vector<Diagnostic>* errors)
      : TokenCursor(std::move(tokens), file, errors) {}

  Topology Run() {
    topology_.file = file_;
    for (;;) {
      while (At(TokenKind::kNewline) || At(TokenKind::kSemicolon)) Take();
      if (At(TokenKind::kEnd)) break;
      const size_t statement_start = pos_;
      if (!ParseStatement()) Recover(statement_start);
    }
    return std::move(topology_);
  }

 private:
  // --- errors ---------------------------------------------------------------

  // Skips the rest of a statement that failed to parse. Brackets opened
  // before the error keep newlines from ending it, unless the next line
  // clearly starts a new statement (a bracket was left open). The names the
  // statement mentioned are remembered for the checker.
  void Recover(size_t statement_start) {
    int depth = 0;
    for (size_t i = statement_start; i < pos_; ++i) depth += BracketDelta(tokens_[i].kind);
    if (!(depth > 0 && NewStatementFollowsNewline())) {
      for (;;) {
        const TokenKind kind = Peek().kind;
        if (kind == TokenKind::kEnd) break;
        if (kind == TokenKind::kSemicolon && depth <= 0) {
          Take();
          break;
        }
        if (kind == TokenKind::kNewline) {
          Take();
          if (depth <= 0) break;
          SkipNewlines();
          if (LooksLikeStatementStart(pos_)) break;
          continue;
        }
        depth += BracketDelta(kind);
        Take();
      }
    }
    for (size_t i = statement_start; i < pos_; ++i) {
      if (tokens_[i].kind == TokenKind::kIdent) {
        into_->names_in_broken_statements.insert(tokens_[i].text);
      }
    }
  }
  static int BracketDelta(TokenKind kind) {
    switch (kind) {
      case TokenKind::kLParen:
      case TokenKind::kLBracket:
      case TokenKind::kLBrace: return 1;
      case TokenKind::kRParen:
      case TokenKind::kRBracket:
      case TokenKind::kRBrace: return -1;
      default: return 0;
    }
  }

  // Newline, ';' or end of file; the separator is consumed.
  bool ExpectEndOfStatement(std::string_view what_may_follow, std::string_view after) {
    if (At(TokenKind::kNewline) || At(TokenKind::kSemicolon)) {
      Take();
      return true;
    }
    if (At(TokenKind::kEnd)) return true;
    return Fail(Peek(), fmt::format("expected {} after {}, found {}", what_may_follow, after, DescribeToken(Peek())));
  }

  // --- statements -----------------------------------------------------------

  bool ParseStatement() {
    const Token& first = Peek();
    if (first.kind != TokenKind::kIdent) {
      return Expected("a declaration (name :: Class), a connection (a -> b) or a policy", first);
    }
    const TokenKind next = Peek(1).kind;
    if (first.text == "policy" && (next == TokenKind::kIdent || next == TokenKind::kStar || next == TokenKind::kLBrace)) {
      return ParsePolicy();
    }
    if (first.text == "compound" && next == TokenKind::kIdent) return ParseCompound();
    if (next == TokenKind::kColonColon) return ParseDeclaration();
    if (next == TokenKind::kArrow || next == TokenKind::kDoubleArrow || next == TokenKind::kDot) {
      return ParseConnections();
    }
    return Fail(Peek(1),
                fmt::format("expected '::', '->' or '=>' after '{}', found {}", first.text, DescribeToken(Peek(1))));
  }

  // name :: Class(params) @ node, or
  // name :: shard Class(params) { options } @ node
  bool ParseDeclaration() {
    ElementDecl decl;
    const Token& name = Take();
    decl.name = name.text;
    decl.pos = Pos(name);
    Take();  // ::
    if (!At(TokenKind::kClassName)) return Expected("a class name after '::'", Peek());
    // The lexer made the word after `shard` a class name too. Alone (then
    // '(', '@' or the end follow), `shard` is a class name like any other.
    if (Peek().text == "shard" && At(TokenKind::kClassName, 1)) {
      decl.shard.emplace();
      decl.shard->pos = Pos(Take());
    }
    const Token& class_name = Take();
    decl.class_name = class_name.text;
    decl.class_pos = Pos(class_name);

    const bool shard = decl.shard.has_value();
    std::string after = fmt::format("class name '{}'", decl.class_name);
    std::string may_follow = shard ? "'(', '{', '@', ';' or end of line" : "'(', '@', ';' or end of line";
    if (At(TokenKind::kLParen)) {
      if (!ParseParams(&decl)) return false;
      after = fmt::format("the parameters of '{}'", decl.name);
      may_follow = shard ? "'{', '@', ';' or end of line" : "'@', ';' or end of line";
    }
    if (shard && At(TokenKind::kLBrace)) {
      if (!ParseShardOptions(this, &*decl.shard)) return false;
      after = fmt::format("the options of shard '{}'", decl.name);
      may_follow = "'@', ';' or end of line";
    }
    if (At(TokenKind::kAt)) {
      Take();
      if (!At(TokenKind::kIdent)) return Expected("a node name after '@'", Peek());
      const Token& node = Take();
      decl.node = node.text;
      decl.node_pos = Pos(node);
      after = fmt::format("the placement of '{}'", decl.name);
      may_follow = "';' or end of line";
    }
    if (At(TokenKind::kLBrace)) {
      const std::string hint = shard ? fmt::format(
                                           " (a shard's options come before its placement: '{} :: shard "
                                           "{}(...) {{ ... }} @ node')",
                                           decl.name, decl.class_name)
                                     : fmt::format(
                                           " (options in braces declare a shard: '{} :: shard {}(...) "
                                           "{{ ... }}')",
                                           decl.name, decl.class_name);
      return Fail(Peek(), fmt::format("expected {} after {}, found '{{'{}", may_follow, after, hint));
    }
    if (!ExpectEndOfStatement(may_follow, after)) return false;
    into_->elements.push_back(std::move(decl));
    return true;
  }

  // (name: value, name: value), over several lines if need be.
  bool ParseParams(ElementDecl* decl) {
    Take();  // (
    SkipNewlines();
    if (At(TokenKind::kRParen)) {
      Take();
      return true;
    }
    for (;;) {
      if (BracketLeftOpen()) return Expected("')' after parameters", Peek());
      if (!At(TokenKind::kIdent)) return Expected("a parameter name", Peek());
      const Token& name = Take();
      if (!At(TokenKind::kColon)) {
        return Fail(Peek(),
                    fmt::format("expected ':' after parameter name '{}', found {}", name.text, DescribeToken(Peek())));
      }
      Take();
      const Token& value_token = Peek();
      ParamValue value;
      if (At(TokenKind::kParamRef)) {
        if (into_ == &topology_) return Fail(value_token, fmt::format("'${}' outside a compound's body", value_token.text));
        decl->param_refs[name.text] = Take().text;
      } else if (!ParseValue(this, &value)) {
        return false;
      }
      if (auto first = decl->param_name_pos.find(name.text); first != decl->param_name_pos.end()) {
        // Not fatal: the statement is otherwise sound, the first value stands.
        Report(name, fmt::format("duplicate parameter '{}' (first given at line {}, column {})", name.text,
                                 first->second.line, first->second.column));
      } else {
        decl->params.emplace(name.text, std::move(value));
        decl->param_pos.emplace(name.text, Pos(value_token));
        decl->param_name_pos.emplace(name.text, Pos(name));
      }

      SkipNewlines();
      if (At(TokenKind::kComma)) {
        Take();
        SkipNewlines();
        if (At(TokenKind::kRParen)) break;  // a trailing comma
        continue;
      }
      if (At(TokenKind::kRParen)) break;
      if (BracketLeftOpen()) return Expected("')' after parameters", Peek());
      return Fail(Peek(), fmt::format("expected ',' or ')' after the value of parameter '{}', "
                                      "found {}",
                                      name.text, DescribeToken(Peek())));
    }
    Take();  // )
    return true;
  }

  // a -> b.in -> c, d.out => e: one Connection per hop. The statement's
  // connections are kept only when all of it parsed.
  bool ParseConnections() {
    std::vector<Connection> connections;
    for (;;) {
      PortRef from;
      if (!ParsePortRef(&from)) return false;
      if (!At(TokenKind::kArrow) && !At(TokenKind::kDoubleArrow)) {
        return Fail(Peek(),
                    fmt::format("expected '->' or '=>' after '{}', found {}", RefText(from), DescribeToken(Peek())));
      }
      while (At(TokenKind::kArrow) || At(TokenKind::kDoubleArrow)) {
        const Token& arrow = Take();
        Connection connection;
        connection.kind = arrow.kind == TokenKind::kArrow ? PortKind::kPush : PortKind::kQuery;
        connection.pos = Pos(arrow);
        if (!At(TokenKind::kIdent)) {
          return Fail(Peek(),
                      fmt::format("expected an element name after '{}', found {}", arrow.text, DescribeToken(Peek())));
        }
        PortRef to;
        if (!ParsePortRef(&to)) return false;
        connection.from = from;
        connection.to = to;
        connections.push_back(std::move(connection));
        from = std::move(to);
      }
      if (!At(TokenKind::kComma)) {
        if (!ExpectEndOfStatement("'->', '=>', ',' or end of line", fmt::format("'{}'", RefText(from)))) {
          return false;
        }
        break;
      }
      Take();  // , another chain follows
      if (!At(TokenKind::kIdent)) return Expected("an element name after ','", Peek());
    }
    for (Connection& connection : connections) {
      into_->connections.push_back(std::move(connection));
    }
    return true;
  }

  // elem or elem.port
  bool ParsePortRef(PortRef* ref) {
    const Token& element = Take();
    ref->element = element.text;
    ref->pos = Pos(element);
    ref->port_pos = ref->pos;
    if (!At(TokenKind::kDot)) return true;
    Take();
    if (!At(TokenKind::kIdent)) {
      return Fail(Peek(),
                  fmt::format("expected a port name after '{}.', found {}", element.text, DescribeToken(Peek())));
    }
    const Token& port = Take();
    ref->port = port.text;
    ref->port_given = true;
    ref->port_pos = Pos(port);
    return true;
  }

  static std::string RefText(const PortRef& ref) { return ref.port_given ? ref.element + "." + ref.port : ref.element; }

  // policy elem { key: value, key: value }, or policy * { ... } for every
  // element; newlines separate keys as commas do.
  bool ParsePolicy() {
    Take();  // policy
    if (!At(TokenKind::kIdent) && !At(TokenKind::kStar)) {
      return Expected("an element name or '*' after 'policy'", Peek());
    }
    // Inside a compound's body, `*` would have to mean the body's elements
    // only, unlike everywhere else: the defaults are the whole topology's.
    if (At(TokenKind::kStar) && into_ != &topology_) {
      return Fail(Peek(), "'policy *' sets defaults for the whole topology: write it outside the compound");
    }
    Policy policy;
    const Token& element = Take();
    policy.element = element.text;
    policy.pos = Pos(element);
    if (!At(TokenKind::kLBrace)) {
      return Fail(Peek(),
                  fmt::format("expected '{{' after 'policy {}', found {}", element.text, DescribeToken(Peek())));
    }
    Take();
    const std::string close_message = fmt::format("'}}' to close the policy of '{}'", element.text);
    SkipNewlines();
    for (;;) {
      if (At(TokenKind::kRBrace)) break;
      if (BracketLeftOpen()) return Expected(close_message, Peek());
      if (!At(TokenKind::kIdent)) return Expected("a policy key or '}'", Peek());
      const Token& key = Take();
      if (!At(TokenKind::kColon)) {
        return Fail(Peek(),
                    fmt::format("expected ':' after policy key '{}', found {}", key.text, DescribeToken(Peek())));
      }
      Take();
      const Token& value_token = Peek();
      ParamValue value;
      if (!ParseValue(this, &value)) return false;
      if (auto first = policy.key_pos.find(key.text); first != policy.key_pos.end()) {
        Report(key, fmt::format("duplicate policy key '{}' (first given at line {}, column {})", key.text,
                                first->second.line, first->second.column));
      } else {
        policy.values.emplace(key.text, std::move(value));
        policy.value_pos.emplace(key.text, Pos(value_token));
        policy.key_pos.emplace(key.text, Pos(key));
      }

      if (At(TokenKind::kComma)) {
        Take();
        SkipNewlines();
        continue;
      }
      if (SkipNewlines()) continue;  // a newline separates keys as a comma does
      if (At(TokenKind::kRBrace)) break;
      return Fail(Peek(), fmt::format("expected ',', end of line or '}}' after the value of '{}', "
                                      "found {}",
                                      key.text, DescribeToken(Peek())));
    }
    Take();  // }
    if (!ExpectEndOfStatement("';' or end of line", fmt::format("the policy of '{}'", policy.element))) {
      return false;
    }
    into_->policies.push_back(std::move(policy));
    return true;
  }

  // compound Name(p: type = default, ...) { statements }
  bool ParseCompound() {
    const Token& keyword = Take();  // compound
    if (into_ != &topology_) return Fail(keyword, "a compound cannot be defined inside another compound");
    CompoundDecl compound;
    const Token& name = Take();
    compound.name = name.text;
    compound.pos = Pos(name);
    if (At(TokenKind::kLParen)) {
      Take();
      SkipNewlines();
      while (!At(TokenKind::kRParen)) {
        if (!At(TokenKind::kIdent)) return Expected("a parameter name or ')'", Peek());
        CompoundParam param;
        const Token& param_name = Take();
        param.name = param_name.text;
        param.pos = Pos(param_name);
        if (!At(TokenKind::kColon)) return Expected(fmt::format("':' and a type after '{}'", param.name), Peek());
        Take();
        if (!At(TokenKind::kIdent)) return Expected("a type (int, float, string, bool or list)", Peek());
        const Token& type = Take();
        if (!ParseKindName(type.text, &param.kind)) {
          return Fail(type, fmt::format("unknown type '{}' (int, float, string, bool or list)", type.text));
        }
        if (At(TokenKind::kError) && Peek().text.find("'='") != std::string::npos) {
          Take();  // `=` alone is no token of the language; here it introduces a default
          ParamValue value;
          if (!ParseValue(this, &value)) return false;
          param.default_value = std::move(value);
        }
        compound.params.push_back(std::move(param));
        SkipNewlines();
        if (At(TokenKind::kComma)) {
          Take();
          SkipNewlines();
          continue;
        }
        if (!At(TokenKind::kRParen)) return Expected("',' or ')' after a compound parameter", Peek());
      }
      Take();  // )
    }
    if (!At(TokenKind::kLBrace)) return Expected(fmt::format("'{{' to open the body of compound '{}'", compound.name), Peek());
    Take();
    compound.body = std::make_shared<Topology>();
    compound.body->file = file_;
    into_ = compound.body.get();
    for (;;) {
      while (At(TokenKind::kNewline) || At(TokenKind::kSemicolon)) Take();
      if (At(TokenKind::kRBrace)) break;
      if (At(TokenKind::kEnd)) {
        into_ = &topology_;
        return Expected(fmt::format("'}}' to close compound '{}'", compound.name), Peek());
      }
      const size_t statement_start = pos_;
      if (!ParseStatement()) Recover(statement_start);
    }
    into_ = &topology_;
    Take();  // }
    if (!ExpectEndOfStatement("';' or end of line", fmt::format("compound '{}'", compound.name))) return false;
    topology_.compounds.push_back(std::move(compound));
    return true;
  }

  static bool ParseKindName(std::string_view name, ParamValue::Kind* kind) {
    static const std::pair<const char*, ParamValue::Kind> kKinds[] = {
        {"int", ParamValue::Kind::kInt},   {"float", ParamValue::Kind::kFloat}, {"string", ParamValue::Kind::kString},
        {"bool", ParamValue::Kind::kBool}, {"list", ParamValue::Kind::kList}};
    for (const auto& [spelling, each] : kKinds) {
      if (name == spelling) {
        *kind = each;
        return true;
      }
    }
    return false;
  }

  Topology topology_;
  Topology* into_ = &topology_;  // a compound's body while one is parsed
};

}  // namespace

Topology Parse(std::string_view text, const std::string& file, std::vector<Diagnostic>* errors) {
  if (text.size() > kMaxTopologyBytes) {  // the master parses what it is sent: same limit as a file
    errors->push_back(Diagnostic{SourcePos{file, 1, 1}, fmt::format("topology is larger than {} (the limit "
                                                                    "for a topology file)",
                                                                    kMaxTopologyBytesText)});
    Topology empty;
    empty.file = file;
    return empty;
  }
  Topology topology = Parser(Tokenize(text), file, errors).Run();
  ExpandCompounds(&topology, errors);
  return topology;
}

}  // namespace datablox::dsl
