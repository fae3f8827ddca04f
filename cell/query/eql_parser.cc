#include "cell/query/eql_parser.h"

#include <fmt/format.h>

#include <strings.h>

#include "cell/query/eql_lexer.h"

namespace datablox::eql {

std::string PathExpr::Text() const {
  std::string text;
  for (const std::string& part : parts) {
    if (!text.empty()) text += '.';
    text += part;
  }
  return text;
}

namespace {

constexpr int64_t kMinuteMs = 60 * 1000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;

bool IsWord(const Token& t, std::string_view word) {
  return t.kind == Tok::kIdent && t.text.size() == word.size() &&
         strncasecmp(t.text.c_str(), word.data(), word.size()) == 0;
}

// Words that end a clause: where the parser resumes after an error.
bool IsClauseWord(const Token& t) {
  return IsWord(t, "from") || IsWord(t, "where") || IsWord(t, "group") || IsWord(t, "limit");
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens, std::vector<QueryError>* errors)
      : text_(text), tokens_(std::move(tokens)), errors_(errors) {}

  Query Run() {
    Query q;
    if (!Accept("select")) {
      Error(Peek().pos, fmt::format("expected 'select', found {}", Describe(Peek())));
      SyncToClause();
    } else {
      ParseItems(&q);
    }
    if (Accept("from")) {
      if (!Accept("schema")) {
        Error(Peek().pos, fmt::format("expected 'schema' after 'from', found {}", Describe(Peek())));
        SyncToClause();
      } else if (Peek().kind != Tok::kIdent) {
        Error(Peek().pos, fmt::format("expected the schema's name, found {}", Describe(Peek())));
        SyncToClause();
      } else {
        q.schema_pos = Peek().pos;
        q.schema = Next().text;
      }
    } else if (!AtEnd()) {
      Error(Peek().pos, fmt::format("expected 'from schema NAME', found {}", Describe(Peek())));
      SyncToClause();
    } else {
      Error(Peek().pos, "expected 'from schema NAME'");
    }
    if (Accept("where")) {
      q.has_where = true;
      if (!ParseCondition(&q.where, 0)) SyncToClause();
    }
    if (IsWord(Peek(), "group")) {
      Next();
      q.has_group_by = true;
      if (!Accept("by")) {
        Error(Peek().pos, fmt::format("expected 'by' after 'group', found {}", Describe(Peek())));
        SyncToClause();
      } else {
        do {
          Dimension d;
          if (!ParseDimension(&d)) {
            SyncToClause();
            break;
          }
          q.group_by.push_back(std::move(d));
        } while (AcceptTok(Tok::kComma));
      }
    }
    if (Accept("limit")) {
      if (Peek().kind != Tok::kInt) {
        Error(Peek().pos, fmt::format("expected the number of rows after 'limit', found {}", Describe(Peek())));
        SyncToClause();
      } else {
        q.limit = Next().int_value;
      }
    }
    if (!AtEnd()) Error(Peek().pos, fmt::format("unexpected {} after the query", Describe(Peek())));
    return q;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    const size_t i = at_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  const Token& Next() {
    const Token& t = Peek();
    if (at_ + 1 < tokens_.size()) ++at_;
    return t;
  }
  bool AtEnd() const { return Peek().kind == Tok::kEnd; }
  bool Accept(std::string_view word) {
    if (!IsWord(Peek(), word)) return false;
    Next();
    return true;
  }
  bool AcceptTok(Tok kind) {
    if (Peek().kind != kind) return false;
    Next();
    return true;
  }
  bool Expect(Tok kind, std::string_view context) {
    if (AcceptTok(kind)) return true;
    Error(Peek().pos, fmt::format("expected {} {}, found {}", TokenName(kind), context, Describe(Peek())));
    return false;
  }
  std::string Describe(const Token& t) const {
    if (t.kind == Tok::kIdent) return fmt::format("'{}'", t.text);
    if (t.kind == Tok::kInt || t.kind == Tok::kFloat)
      return fmt::format("'{}'", text_.substr(t.begin, t.end - t.begin));
    return std::string(TokenName(t.kind));
  }
  void Error(QueryPos pos, std::string message) { errors_->push_back({pos, std::move(message)}); }

  // Skips to the next clause word (or the end): a clause word ends what
  // came before it even inside parentheses left open.
  void SyncToClause() {
    int depth = 0;
    while (!AtEnd()) {
      if (IsClauseWord(Peek())) return;
      if (Peek().kind == Tok::kLParen) ++depth;
      if (Peek().kind == Tok::kRParen && depth > 0) --depth;
      Next();
    }
  }
  // Skips from the item's first token to the ',' or clause word after it
  // (past the parentheses it opened: those before the error too).
  void SyncToItem(size_t item_start) {
    at_ = item_start;
    int depth = 0;
    while (!AtEnd()) {
      if (IsClauseWord(Peek()) || (depth == 0 && Peek().kind == Tok::kComma)) return;
      if (Peek().kind == Tok::kLParen) ++depth;
      if (Peek().kind == Tok::kRParen && depth > 0) --depth;
      Next();
    }
  }
  // The query's text from token `first_token` to the last one taken.
  std::string TextFrom(size_t first_token) const {
    if (at_ <= first_token) return {};
    const size_t begin = tokens_[first_token].begin;
    return std::string(text_.substr(begin, tokens_[at_ - 1].end - begin));
  }

  void ParseItems(Query* q) {
    do {
      SelectItem item;
      const size_t first = at_;
      if (!ParseItem(&item)) {
        SyncToItem(first);
        continue;
      }
      item.name = item.is_dimension ? item.dimension.text : TextFrom(first);
      if (Accept("as")) {
        if (Peek().kind != Tok::kString && Peek().kind != Tok::kIdent) {
          Error(Peek().pos, fmt::format("expected a column name after 'as', found {}", Describe(Peek())));
          SyncToItem(first);
          continue;
        }
        item.name = Next().text;
      }
      q->items.push_back(std::move(item));
    } while (AcceptTok(Tok::kComma));
  }

  bool ParseItem(SelectItem* item) {
    item->pos = Peek().pos;
    const Token& head = Peek();
    const bool call = head.kind == Tok::kIdent && Peek(1).kind == Tok::kLParen;
    if (call && IsWord(head, "funnel")) {
      item->aggregate = AggFunction::kFunnel;
      return ParseFunnel(&item->funnel);
    }
    struct Named {
      std::string_view word;
      AggFunction function;
    };
    static constexpr Named kAggregates[] = {{"count", AggFunction::kCount},
                                            {"sum", AggFunction::kSum},
                                            {"min", AggFunction::kMin},
                                            {"max", AggFunction::kMax},
                                            {"avg", AggFunction::kAvg}};
    for (const Named& a : kAggregates) {
      if (!call || !IsWord(head, a.word)) continue;
      Next();
      Next();
      item->aggregate = a.function;
      if (a.function == AggFunction::kCount && Accept("distinct")) item->aggregate = AggFunction::kCountDistinct;
      if (!ParsePath(&item->path, "as the aggregate's argument")) return false;
      return Expect(Tok::kRParen, "to close the aggregate");
    }
    item->is_dimension = true;
    return ParseDimension(&item->dimension);
  }

  bool ParseDimension(Dimension* d) {
    d->pos = Peek().pos;
    const size_t first = at_;
    struct Named {
      std::string_view word;
      DimFunction function;
    };
    static constexpr Named kFunctions[] = {{"day", DimFunction::kDay},
                                           {"hour", DimFunction::kHour},
                                           {"dayofweek", DimFunction::kDayOfWeek},
                                           {"month", DimFunction::kMonth}};
    if (Peek().kind == Tok::kIdent && Peek(1).kind == Tok::kLParen) {
      for (const Named& f : kFunctions) {
        if (!IsWord(Peek(), f.word)) continue;
        Next();
        Next();
        d->function = f.function;
        if (!ParsePath(&d->path, "as the time function's argument")) return false;
        if (!Expect(Tok::kRParen, "to close the time function")) return false;
        d->text = TextFrom(first);
        return true;
      }
      Error(Peek().pos, fmt::format("unknown function '{}' (aggregates: count, sum, min, max, avg, funnel; "
                                    "dimensions: day, hour, dayofweek, month)",
                                    Peek().text));
      return false;
    }
    if (!ParsePath(&d->path, "as a dimension")) return false;
    d->text = d->path.Text();
    return true;
  }

  bool ParsePath(PathExpr* path, std::string_view context) {
    path->pos = Peek().pos;
    do {
      if (Peek().kind != Tok::kIdent) {
        Error(Peek().pos, fmt::format("expected a field path {}, found {}", context, Describe(Peek())));
        return false;
      }
      path->part_pos.push_back(Peek().pos);
      path->parts.push_back(Next().text);
    } while (AcceptTok(Tok::kDot));
    return true;
  }

  bool ParseDuration(int64_t* ms) {
    static constexpr std::pair<std::string_view, int64_t> kUnits[] = {
        {"days", kDayMs}, {"hours", kHourMs}, {"minutes", kMinuteMs}};
    for (const auto& [word, unit] : kUnits) {
      if (!IsWord(Peek(), word)) continue;
      const std::string written = Next().text;  // DAYS, as the query spells it
      if (!Expect(Tok::kLParen, fmt::format("after '{}'", written))) return false;
      if (Peek().kind != Tok::kInt) {
        Error(Peek().pos, fmt::format("expected a whole number of {}, found {}", word, Describe(Peek())));
        return false;
      }
      const Token& n = Next();
      if (n.int_value > (int64_t{1} << 62) / unit) {
        Error(n.pos, fmt::format("{}({}) is too long a time", written, n.int_value));
        return false;
      }
      *ms = n.int_value * unit;
      return Expect(Tok::kRParen, fmt::format("to close '{}'", written));
    }
    Error(Peek().pos, fmt::format("expected DAYS(n), HOURS(n) or MINUTES(n), found {}", Describe(Peek())));
    return false;
  }

  bool ParseFunnel(Funnel* f) {
    Next();  // funnel
    Next();  // (
    if (!ParsePath(&f->subject, "as the funnel's subject (user or its sessions)")) return false;
    if (IsWord(Peek(), "within")) {
      f->within_pos = Next().pos;
      if (Accept("session")) {
        f->within = Funnel::Within::kSession;
      } else {
        f->within = Funnel::Within::kDuration;
        if (!ParseDuration(&f->window_ms)) return false;
      }
    }
    if (!Expect(Tok::kColon, "before the funnel's steps")) return false;
    do {
      Condition step;
      if (!ParseCondition(&step, 0)) return false;
      f->steps.push_back(std::move(step));
    } while (Accept("then"));
    return Expect(Tok::kRParen, "to close the funnel (steps are joined by 'then')");
  }

  bool TooDeep(int depth) {
    if (depth < kMaxConditionDepth) return false;
    Error(Peek().pos, fmt::format("conditions nest deeper than {} levels", kMaxConditionDepth));
    return true;
  }

  bool ParseCondition(Condition* c, int depth) {
    if (TooDeep(depth)) return false;
    return ParseJunction(c, depth, "or", Condition::Kind::kOr);
  }

  bool ParseJunction(Condition* c, int depth, std::string_view word, Condition::Kind kind) {
    c->pos = Peek().pos;
    Condition first;
    const bool ok = kind == Condition::Kind::kOr ? ParseJunction(&first, depth, "and", Condition::Kind::kAnd)
                                                 : ParseNot(&first, depth);
    if (!ok) return false;
    if (!IsWord(Peek(), word)) {
      *c = std::move(first);
      return true;
    }
    c->kind = kind;
    c->children.push_back(std::move(first));
    while (Accept(word)) {
      Condition next;
      const bool next_ok = kind == Condition::Kind::kOr ? ParseJunction(&next, depth, "and", Condition::Kind::kAnd)
                                                        : ParseNot(&next, depth);
      if (!next_ok) return false;
      c->children.push_back(std::move(next));
    }
    return true;
  }

  bool ParseNot(Condition* c, int depth) {
    if (TooDeep(depth)) return false;
    c->pos = Peek().pos;
    if (Accept("not")) {
      c->kind = Condition::Kind::kNot;
      c->children.emplace_back();
      return ParseNot(&c->children.back(), depth + 1);
    }
    if (AcceptTok(Tok::kLParen)) {
      if (!ParseCondition(c, depth + 1)) return false;
      return Expect(Tok::kRParen, "to close the condition");
    }
    return ParseTest(c);
  }

  static bool IsCompare(Tok kind, CompareOp* op) {
    switch (kind) {
      case Tok::kEq: *op = CompareOp::kEq; return true;
      case Tok::kNotEq: *op = CompareOp::kNotEq; return true;
      case Tok::kLess: *op = CompareOp::kLess; return true;
      case Tok::kLessEq: *op = CompareOp::kLessEq; return true;
      case Tok::kGreater: *op = CompareOp::kGreater; return true;
      case Tok::kGreaterEq: *op = CompareOp::kGreaterEq; return true;
      default: return false;
    }
  }
  // `5 < x` is `x > 5`.
  static CompareOp Mirror(CompareOp op) {
    switch (op) {
      case CompareOp::kLess: return CompareOp::kGreater;
      case CompareOp::kLessEq: return CompareOp::kGreaterEq;
      case CompareOp::kGreater: return CompareOp::kLess;
      case CompareOp::kGreaterEq: return CompareOp::kLessEq;
      default: return op;
    }
  }

  bool StartsLiteral() const {
    const Token& t = Peek();
    return t.kind == Tok::kInt || t.kind == Tok::kFloat || t.kind == Tok::kString || t.kind == Tok::kMinus ||
           IsWord(t, "true") || IsWord(t, "false") || IsWord(t, "now");
  }

  bool ParseTest(Condition* c) {
    c->pos = Peek().pos;
    c->kind = Condition::Kind::kCompare;
    if (StartsLiteral()) {  // literal OP path
      Literal value;
      if (!ParseLiteral(&value)) return false;
      if (!IsCompare(Peek().kind, &c->op)) {
        Error(Peek().pos, fmt::format("expected a comparison after the value, found {}", Describe(Peek())));
        return false;
      }
      Next();
      c->op = Mirror(c->op);
      c->values.push_back(std::move(value));
      return ParseOperand(c, "to compare with");
    }
    if (!ParseOperand(c, "in the condition")) return false;
    if (IsWord(Peek(), "in") || (IsWord(Peek(), "not") && IsWord(Peek(1), "in"))) {
      c->kind = Condition::Kind::kIn;
      if (Accept("not")) c->negated = true;
      Next();  // in
      if (!Expect(Tok::kLParen, "after 'in'")) return false;
      do {
        Literal value;
        if (!ParseLiteral(&value)) return false;
        c->values.push_back(std::move(value));
      } while (AcceptTok(Tok::kComma));
      return Expect(Tok::kRParen, "to close the 'in' list");
    }
    if (!IsCompare(Peek().kind, &c->op)) {
      const std::string operand = c->count_of ? fmt::format("count({})", c->path.Text()) : c->path.Text();
      Error(Peek().pos, fmt::format("expected a comparison (=, !=, <, <=, >, >=) or 'in' after '{}', found {}",
                                    operand, Describe(Peek())));
      return false;
    }
    Next();
    Literal value;
    if (!ParseLiteral(&value)) return false;
    c->values.push_back(std::move(value));
    return true;
  }

  // A field's path, or count(PATH) of a level.
  bool ParseOperand(Condition* c, std::string_view context) {
    if (!IsWord(Peek(), "count") || Peek(1).kind != Tok::kLParen) return ParsePath(&c->path, context);
    Next();  // count
    Next();  // (
    c->count_of = true;
    if (!ParsePath(&c->path, "as the level to count")) return false;
    return Expect(Tok::kRParen, "to close 'count('");
  }

  bool ParseLiteral(Literal* v) {
    v->pos = Peek().pos;
    const bool negative = AcceptTok(Tok::kMinus);
    const Token& t = Peek();
    if (t.kind == Tok::kInt) {
      v->kind = Literal::Kind::kInt;
      v->int_value = negative ? -Next().int_value : Next().int_value;
      return true;
    }
    if (t.kind == Tok::kFloat) {
      v->kind = Literal::Kind::kDouble;
      v->double_value = negative ? -Next().float_value : Next().float_value;
      return true;
    }
    if (!negative && t.kind == Tok::kString) {
      v->kind = Literal::Kind::kString;
      v->string_value = Next().text;
      return true;
    }
    if (!negative && (IsWord(t, "true") || IsWord(t, "false"))) {
      v->kind = Literal::Kind::kBool;
      v->int_value = IsWord(Next(), "true") ? 1 : 0;
      return true;
    }
    if (!negative && IsWord(t, "now")) {
      Next();
      v->kind = Literal::Kind::kNow;
      while (Peek().kind == Tok::kPlus || Peek().kind == Tok::kMinus) {
        const bool minus = Next().kind == Tok::kMinus;
        int64_t ms = 0;
        if (!ParseDuration(&ms)) return false;
        v->int_value += minus ? -ms : ms;
      }
      return true;
    }
    Error(t.pos, fmt::format("expected a value (a number, a string, true, false or NOW), found {}", Describe(t)));
    return false;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::vector<QueryError>* errors_;
  size_t at_ = 0;
};

}  // namespace

Query ParseQuery(std::string_view text, std::vector<QueryError>* errors) {
  const size_t before = errors->size();
  if (text.size() > kMaxQueryBytes) {
    errors->push_back({{1, 1}, fmt::format("the query is {} bytes, more than {}", text.size(), kMaxQueryBytes)});
    return {};
  }
  std::vector<Token> tokens = Lex(text, errors);
  Query q = Parser(text, std::move(tokens), errors).Run();
  std::vector<QueryError> mine(errors->begin() + static_cast<std::ptrdiff_t>(before), errors->end());
  SortErrors(&mine);
  std::copy(mine.begin(), mine.end(), errors->begin() + static_cast<std::ptrdiff_t>(before));
  return q;
}

}  // namespace datablox::eql
