#include "runtime/core/bounded_json.h"

namespace datablox {
namespace {

// The deepest nesting of `text`'s arrays and objects, stopping once past
// `limit`: one pass over the bytes, strings (and their escapes) skipped.
// Counted before parsing, rather than in a parser callback: nlohmann's
// callback parser looks through the parent for a discarded value at every
// object's end, which makes an array of many objects quadratic.
int NestingDepth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;  // unbalanced text is the parser's to refuse
    }
  }
  return deepest;
}

}  // namespace

Status ParseBoundedJson(std::string_view text, nlohmann::json* out, int max_depth) {
  if (NestingDepth(text, max_depth) > max_depth)
    return Status::Invalid("JSON nested deeper than " + std::to_string(max_depth) + " levels");
  nlohmann::json parsed = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Status::Invalid("not JSON");
  *out = std::move(parsed);
  return Status::OK();
}

}  // namespace datablox
