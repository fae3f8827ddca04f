#include "cell/samplestore/locus_request.h"

#include "runtime/core/bounded_json.h"

namespace datablox::samplestore {

std::string EncodeLocusRequest(const LocusRequest& request) {
  nlohmann::json j = {
      {"view", request.view}, {"generation", request.generation}, {"locus", request.locus}, {"files", request.files}};
  if (!request.ranges.empty()) {
    nlohmann::json ranges = nlohmann::json::array();
    for (const LocusRange& r : request.ranges) ranges.push_back({r.file, r.begin, r.end});
    j["ranges"] = std::move(ranges);
  }
  return j.dump();
}

namespace {

// A path the request may name: relative, and staying under the location.
bool InsideLocation(const std::string& path) {
  if (path.empty() || path[0] == '/') return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (path.compare(start, end - start, "..") == 0) return false;
    start = end + 1;
  }
  return path.find('\0') == std::string::npos;
}

}  // namespace

Status DecodeLocusRequest(std::string_view paradata, LocusRequest* request) {
  nlohmann::json j;
  if (Status st = ParseBoundedJson(paradata, &j); !st.ok()) return Status::Invalid("locus request: " + st.message());
  if (!j.is_object()) return Status::Invalid("locus request: not a JSON object");
  LocusRequest r;
  auto string_field = [&](const char* key, std::string* out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  if (!string_field("view", &r.view)) return Status::Invalid("locus request: \"view\" must be a string");
  if (!string_field("generation", &r.generation))
    return Status::Invalid("locus request: \"generation\" must be a string");
  auto locus = j.find("locus");
  if (locus == j.end() || !locus->is_number_integer() || locus->get<int64_t>() < 0 || locus->get<int64_t>() > 1 << 20)
    return Status::Invalid("locus request: \"locus\" must be a locus number");
  r.locus = locus->get<int>();
  auto files = j.find("files");
  if (files == j.end() || !files->is_array()) return Status::Invalid("locus request: \"files\" must be a list");
  for (const nlohmann::json& f : *files) {
    if (!f.is_string() || !InsideLocation(f.get<std::string>()))
      return Status::Invalid("locus request: every file must be a relative path inside the dataset");
    r.files.push_back(f.get<std::string>());
  }
  if (auto ranges = j.find("ranges"); ranges != j.end()) {
    if (!ranges->is_array()) return Status::Invalid("locus request: \"ranges\" must be a list");
    for (const nlohmann::json& range : *ranges) {
      if (!range.is_array() || range.size() != 3 || !range[0].is_string() || !range[1].is_number_unsigned() ||
          !range[2].is_number_unsigned() || range[1].get<uint64_t>() >= range[2].get<uint64_t>() ||
          !InsideLocation(range[0].get<std::string>()))
        return Status::Invalid(
            "locus request: every range must be [FILE, BEGIN, END], a relative path inside the dataset and "
            "BEGIN < END");
      r.ranges.push_back({range[0].get<std::string>(), range[1].get<uint64_t>(), range[2].get<uint64_t>()});
    }
  }
  *request = std::move(r);
  return Status::OK();
}

}  // namespace datablox::samplestore
