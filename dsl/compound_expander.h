// Compounds expanded away: after Parse, a use `ingest :: Ingest(path: "a")`
// is the ordinary elements of Ingest's body named `ingest/INNER`, its
// parameters filled in, and every connection to or from the use rewired to
// the inner element behind the compound's `input` or `output`. The plan
// holds only ordinary elements, so a compound costs nothing at run time.
// Private to dsl/: Parse calls it.
#pragma once

#include <vector>

#include "dsl/topology.h"

namespace datablox::dsl {

// Compound uses nest at most this deep (a use inside a body is one level).
inline constexpr int kMaxCompoundDepth = 16;

// Expands every use of `topology->compounds` in place. Appends an error for
// a parameter the compound does not declare (with a suggestion), one it
// needs and was not given, one of the wrong type, a `$name` its compound
// does not declare, a port the compound does not have, and recursion
// between compounds (with the chain). Positions copied out of a body carry
// the use (SourcePos::via).
void ExpandCompounds(Topology* topology, std::vector<Diagnostic>* errors);

}  // namespace datablox::dsl
