// A blob as JSON text, visiting it depth first through the reader's views:
// for tests, tools and the Python view. A null field is written as null; a
// map with non-string keys has them as JSON strings. Doubles print with
// %.17g so they round-trip.
#pragma once

#include <string>

#include "cell/brio/reader.h"

namespace datablox::brio {

// Appends the structure (and everything under it) to *out.
void AppendJson(const StructView& view, std::string* out);

}  // namespace datablox::brio
