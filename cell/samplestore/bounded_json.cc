#include "cell/samplestore/bounded_json.h"

namespace datablox::samplestore {

Status ParseBoundedJson(std::string_view text, nlohmann::json* out, int max_depth) {
  bool too_deep = false;
  // nlohmann's parser keeps its own stack (it does not recurse); the
  // callback stops a value from being built past the limit.
  auto limit = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) &&
        depth >= max_depth) {
      too_deep = true;
      return false;
    }
    return !too_deep;
  };
  nlohmann::json parsed = nlohmann::json::parse(text.begin(), text.end(), limit, /*allow_exceptions=*/false);
  if (too_deep) return Status::Invalid("JSON nested deeper than " + std::to_string(max_depth) + " levels");
  if (parsed.is_discarded()) return Status::Invalid("not JSON");
  *out = std::move(parsed);
  return Status::OK();
}

}  // namespace datablox::samplestore
