// The value of a parameter or a policy key: 12, -1.5, "text", true, false,
// env("NAME") or a list of values. Private to dsl/: the statement parser
// (parser.cc) calls it where a value must follow ':'.
#pragma once

#include "datablox/spec.h"
#include "dsl/token_cursor.h"

namespace datablox::dsl {

// One value from the cursor's token on, into `out`. Lists nest at most
// kMaxListNesting deep (dsl/limits.h): deeper is an error at its '[',
// rather than a stack overflow. False after a syntax error, reported.
bool ParseValue(TokenCursor* cursor, ParamValue* out);

}  // namespace datablox::dsl
