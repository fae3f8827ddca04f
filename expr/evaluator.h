// Evaluation of a compiled expression over one log: a recursive walk of the
// Program's nodes. It never re-parses text and, for a numeric expression,
// never allocates.
#pragma once

#include "expr/syntax_tree.h"
#include "expr/value.h"

namespace datablox::expr {

// The value of `program` over `ctx.log()`; strings it produces live in `ctx`.
// The program is not empty (root >= 0).
Val Evaluate(const Program& program, EvalContext& ctx);

}  // namespace datablox::expr
