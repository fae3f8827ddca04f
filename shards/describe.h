// The words of the one-line descriptions a migration or the autoscaler
// gives each step (the events `datablox events` shows).
#pragma once

#include <cstdio>
#include <string>

namespace datablox::shards {

// "1 key group", "3 key groups".
inline std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// `value` with `digits` decimals: "0.50".
inline std::string Fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

}  // namespace datablox::shards
