// EQL, the cell's query language: a recursive-descent parser that reports
// every syntax error of a query (LINE:COL) in one run, recovering at the
// next clause. Keywords are case-insensitive.
//
//   query     := SELECT item (',' item)* FROM SCHEMA name [WHERE cond]
//                [GROUP BY dimension (',' dimension)*] [LIMIT int]
//   item      := (aggregate | dimension) [AS string]
//   aggregate := COUNT '(' [DISTINCT] path ')' | (SUM|MIN|MAX|AVG) '(' path ')' | funnel
//   funnel    := FUNNEL '(' path [WITHIN (SESSION | duration)] ':' cond (THEN cond)* ')'
//   dimension := path | (DAY|HOUR|DAYOFWEEK|MONTH) '(' path ')'
//   cond      := and (OR and)* ; and := not (AND not)* ; not := NOT not | '(' cond ')' | test
//   test      := operand op literal | literal op operand | operand [NOT] IN '(' literal (',' literal)* ')'
//   operand   := path | COUNT '(' path ')'
//   literal   := ['-'] number | string | TRUE | FALSE | NOW (('+'|'-') duration)*
//   duration  := (DAYS|HOURS|MINUTES) '(' int ')'
//   path      := name ('.' name)*
#pragma once

#include <string_view>
#include <vector>

#include "cell/query/eql_ast.h"
#include "cell/query/eql_error.h"

namespace datablox::eql {

// Parentheses and `not`s nest at most this deep (the parser recurses).
constexpr int kMaxConditionDepth = 32;
// A query's text is at most this long.
constexpr size_t kMaxQueryBytes = 64 * 1024;

// Parses `text`; appends every error to `errors` (sorted). The query is
// complete only when none was added.
Query ParseQuery(std::string_view text, std::vector<QueryError>* errors);

}  // namespace datablox::eql
