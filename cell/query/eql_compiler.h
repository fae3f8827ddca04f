// The checker and compiler of EQL: resolves a parsed query against a Brio
// schema and compiles it into a Plan (plan.h). Every mistake is a
// positioned error, all of them in one run: an unknown schema, root or
// field; a path that goes on past a scalar; an aggregate of a non-numeric
// field; a comparison with a value of another type; a dimension that is
// not at or above the level an aggregate counts; a select dimension
// missing from `group by`; conditions that mix branches of the tree; a
// funnel whose steps are not below its subject.
//
// Semantics the plan keeps: a `where` is split at its top-level `and`s;
// each part filters the deepest level it names, and everything under that
// level (so `count(user)` with a condition on events counts every user,
// and `count(user.sessions.events)` only matching events).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "cell/brio/schema.h"
#include "cell/query/eql_ast.h"
#include "cell/query/eql_error.h"
#include "cell/query/plan.h"

namespace datablox::eql {

// Checks `query` against `schema` and compiles it; NOW is `now_ms` (epoch
// milliseconds), fixed for the whole query. False with every error appended.
bool CompileQuery(const Query& query, const brio::Schema& schema, int64_t now_ms, Plan* plan,
                  std::vector<QueryError>* errors);

// ParseQuery, then CompileQuery when it parsed.
bool CompileQueryText(std::string_view text, const brio::Schema& schema, int64_t now_ms, Plan* plan,
                      std::vector<QueryError>* errors);

}  // namespace datablox::eql
