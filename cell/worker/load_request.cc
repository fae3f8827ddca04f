#include "cell/worker/load_request.h"

#include <fmt/format.h>

#include <charconv>

#include "runtime/core/bounded_json.h"

namespace datablox::worker {

Status GenerationNumber(std::string_view hex, int64_t* out) {
  uint64_t bits = 0;
  auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), bits, 16);
  if (hex.size() != 16 || ec != std::errc() || end != hex.data() + hex.size())
    return Status::Invalid(fmt::format("generation '{}' is not 16 hex digits", hex));
  *out = static_cast<int64_t>(bits);
  return Status::OK();
}

int LocusNumber(const nlohmann::json& locus, int fallback) {
  const nlohmann::json number = locus.is_object() ? locus.value("locus", nlohmann::json()) : nlohmann::json();
  return number.is_number_integer() ? number.get<int>() : fallback;
}

std::vector<int> LocusNumbers(const nlohmann::json& loci) {
  std::vector<int> numbers;
  for (size_t i = 0; i < loci.size(); ++i) numbers.push_back(LocusNumber(loci[i], static_cast<int>(i)));
  return numbers;
}

std::string GenerationText(int64_t generation) { return fmt::format("{:016x}", static_cast<uint64_t>(generation)); }

Status ParseLoadRequest(std::string_view json_text, LoadRequest* out) {
  if (json_text.size() > kMaxLoadRequestBytes) return Status::Invalid("load request too large");
  nlohmann::json request;
  if (Status st = ParseBoundedJson(json_text, &request, kMaxLoadRequestDepth); !st.ok())
    return Status::Invalid("load request: " + st.message());
  if (!request.is_object()) return Status::Invalid("load request: not an object");
  auto text = [&](const char* field, std::string* value) {
    const nlohmann::json v = request.value(field, nlohmann::json());
    if (!v.is_string() || v.get<std::string>().empty())
      return Status::Invalid(fmt::format("load request: \"{}\" must be a non-empty string", field));
    *value = v.get<std::string>();
    return Status::OK();
  };
  if (Status st = text("domain", &out->generation.domain); !st.ok()) return st;
  if (Status st = text("view", &out->generation.view); !st.ok()) return st;
  if (Status st = text("generation", &out->generation_text); !st.ok()) return st;
  if (Status st = GenerationNumber(out->generation_text, &out->generation.generation); !st.ok())
    return Status::Invalid("load request: " + st.message());
  const nlohmann::json loci = request.value("loci", nlohmann::json());
  if (!loci.is_array()) return Status::Invalid("load request: \"loci\" must be an array");
  const nlohmann::json wait = request.value("wait", nlohmann::json(true));
  if (!wait.is_boolean()) return Status::Invalid("load request: \"wait\" must be true or false");
  out->wait = wait.get<bool>();
  out->loci = {{"generation", out->generation_text}, {"loci", loci}};
  return Status::OK();
}

}  // namespace datablox::worker
