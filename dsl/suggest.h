// "Did you mean ...?" for a misspelt name: the checker's unknown classes,
// ports, parameters, nodes and policies, and the CLI's unknown verbs and
// classes all answer with the same closest name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace datablox::dsl {

// The name of `names` closest to `wrong` within 2 edits, ignoring case (so
// `counter` finds `Counter`); "" when none is that close. Ties go to the
// first in `names`. For short names only (edit distance is quadratic).
std::string ClosestName(std::string_view wrong, const std::vector<std::string>& names);

}  // namespace datablox::dsl
