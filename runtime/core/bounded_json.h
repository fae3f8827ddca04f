// JSON parsed with a nesting limit: the cell's messages (a locus
// request, the supervisor's answer) are a few levels deep, and anything
// deeper is refused before it is built.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "datablox/status.h"

namespace datablox {

inline constexpr int kMaxMessageDepth = 8;

// Invalid when `text` is not JSON or nests deeper than max_depth.
Status ParseBoundedJson(std::string_view text, nlohmann::json* out, int max_depth = kMaxMessageDepth);

}  // namespace datablox
