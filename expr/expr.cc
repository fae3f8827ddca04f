// The public face of the language (include/datablox/expr.h): compiling text
// to a Program (lexer, then parser) and evaluating it.

#include "datablox/expr.h"

#include <string>
#include <utility>
#include <vector>

#include "expr/evaluator.h"
#include "expr/lexer.h"
#include "expr/parser.h"
#include "expr/syntax_tree.h"
#include "expr/value.h"

namespace datablox {

using expr::CompileError;
using expr::Tok;
using expr::Token;
using expr::Val;
using expr::ValKind;

struct Expr::Impl {
  std::string source;
  expr::Program program;
};

namespace {

Status Report(const CompileError& e, ExprError* error) {
  const int column = static_cast<int>(e.offset) + 1;
  if (error != nullptr) {
    error->column = column;
    error->message = e.message;
  }
  return Status::Invalid("column " + std::to_string(column) + ": " + e.message);
}

}  // namespace

Expr::Expr() = default;
Expr::Expr(Expr&&) noexcept = default;
Expr& Expr::operator=(Expr&&) noexcept = default;
Expr::~Expr() = default;

Status Expr::Compile(std::string_view source, Expr* out, ExprError* error) {
  std::vector<Token> tokens;
  CompileError e;
  if (!expr::Lex(source, &tokens, &e)) return Report(e, error);
  expr::Parser parser(source, std::move(tokens));
  auto impl = std::make_unique<Impl>();
  if (!parser.ParseExpression(&impl->program.nodes, &impl->program.root, &e)) {
    return Report(e, error);
  }
  if (parser.Peek().kind != Tok::kEnd) {
    parser.Expected("an operator or end of expression");
    return Report(e, error);
  }
  impl->source = std::string(source);
  out->impl_ = std::move(impl);
  return Status::OK();
}

ExprValue Expr::Eval(const Log& log) const {
  if (!impl_) return ExprValue::Nil();
  expr::EvalContext ctx(log);
  Val v = expr::Evaluate(impl_->program, ctx);
  switch (v.kind) {
    case ValKind::kNil: return ExprValue::Nil();
    case ValKind::kBool: return ExprValue::Bool(v.b);
    case ValKind::kInt: return ExprValue::Int(v.i);
    case ValKind::kFloat: return ExprValue::Float(v.f);
    case ValKind::kString: return ExprValue::String(std::string(v.str));
    case ValKind::kError: return ExprValue::Error(std::string(v.str));
    case ValKind::kComposite:
      // ExprValue holds scalars only; say so rather than silently changing
      // an array into its text.
      return ExprValue::Error(std::string("the result is ") + expr::KindName(v) +
                              "; an expression yields nil, bool, int, float or string "
                              "(str() gives its JSON text)");
  }
  return ExprValue::Nil();
}

bool Expr::Test(const Log& log, std::string* error) const {
  if (!impl_) return false;
  expr::EvalContext ctx(log);
  Val v = expr::Evaluate(impl_->program, ctx);
  if (v.is_error()) {
    if (error != nullptr) error->assign(v.str);
    return false;
  }
  return expr::Truthy(v);
}

const std::string& Expr::source() const {
  static const std::string kEmpty;
  return impl_ ? impl_->source : kEmpty;
}

Status CompileAssignments(std::string_view source, std::vector<Assignment>* out, ExprError* error) {
  out->clear();
  std::vector<Token> tokens;
  CompileError e;
  if (!expr::Lex(source, &tokens, &e)) return Report(e, error);
  expr::Parser parser(source, std::move(tokens));
  parser.SetError(&e);
  std::vector<Assignment> result;
  while (true) {
    const Token& name = parser.Peek();
    if (name.kind != Tok::kIdent) {
      parser.Expected("a field name");
      return Report(e, error);
    }
    if (name.text.find('.') != std::string::npos) {
      // Map writes top-level fields; a dotted target would silently become a
      // key with a dot in it, which no expression could read back.
      e.offset = name.begin;
      e.message = "expected a top-level field name, found nested name '" + name.text + "'";
      return Report(e, error);
    }
    for (const Assignment& a : result) {
      if (a.field == name.text) {
        e.offset = name.begin;
        e.message = "field '" + name.text + "' is assigned twice";
        return Report(e, error);
      }
    }
    Assignment assignment;
    assignment.field = name.text;
    parser.Advance();
    if (parser.Peek().kind != Tok::kAssign) {
      parser.Expected("'=' after field name '" + assignment.field + "'");
      return Report(e, error);
    }
    parser.Advance();

    // Parsing here finds where the expression ends (the next top-level ',')
    // and reports errors with columns into the whole text; the expression's
    // own text then compiles the same way on its own.
    const size_t expr_begin = parser.Peek().begin;
    std::vector<expr::Node> nodes;
    int32_t root = -1;
    if (!parser.ParseExpression(&nodes, &root, &e)) return Report(e, error);
    const size_t expr_end = parser.Previous().end;
    Status status = Expr::Compile(source.substr(expr_begin, expr_end - expr_begin), &assignment.expr);
    if (!status.ok()) {
      return Status::Internal("expression of '" + assignment.field + "' " + status.message());
    }
    result.push_back(std::move(assignment));

    if (parser.Peek().kind == Tok::kComma) {
      parser.Advance();
      continue;
    }
    if (parser.Peek().kind == Tok::kEnd) break;
    parser.Expected("',' or end of expression");
    return Report(e, error);
  }
  *out = std::move(result);
  return Status::OK();
}

}  // namespace datablox
