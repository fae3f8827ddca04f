#include "cell/worker/scan_protocol.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <set>

#include "runtime/core/bounded_json.h"
#include "cell/worker/load_request.h"

namespace datablox::worker {
namespace {

using nlohmann::json;

Status Refuse(std::string_view field, std::string_view why) {
  return Status::Invalid(fmt::format("scan request: \"{}\" {}", field, why));
}

Status Text(const json& request, const char* field, size_t limit, std::string* out) {
  const json v = request.value(field, json());
  if (!v.is_string() || v.get_ref<const std::string&>().empty()) return Refuse(field, "must be a non-empty string");
  if (v.get_ref<const std::string&>().size() > limit) return Refuse(field, fmt::format("is over {} bytes", limit));
  *out = v.get<std::string>();
  return Status::OK();
}

bool MemberId(std::string_view text, int* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && *out >= 0 &&
         std::to_string(*out) == text;  // one spelling per id: "01" would be a second key for member 1
}

Status ParseDeal(const json& deal, size_t loci, std::map<int, std::vector<int>>* out) {
  if (!deal.is_object()) return Refuse("deal", "must be an object of member id -> [locus index, ...]");
  std::set<int> dealt;
  for (const auto& [id_text, indices] : deal.items()) {
    int member = 0;
    if (!MemberId(id_text, &member)) return Refuse("deal", fmt::format("key '{}' is no member id", id_text));
    if (!indices.is_array()) return Refuse("deal", fmt::format("member {}: must be an array of locus indices", member));
    std::vector<int>& mine = (*out)[member];
    for (const json& index : indices) {
      if (!index.is_number_integer() || index.get<int64_t>() < 0 || index.get<int64_t>() >= static_cast<int64_t>(loci))
        return Refuse("deal", fmt::format("member {}: {} is no index into the {} loci", member, index.dump(), loci));
      const int i = index.get<int>();
      if (!dealt.insert(i).second) return Refuse("deal", fmt::format("locus {} is dealt twice", i));
      mine.push_back(i);
    }
  }
  return Status::OK();
}

}  // namespace

std::string EncodeScanRequest(const ScanRequest& request) {
  json deal = json::object();
  for (const auto& [member, indices] : request.deal) deal[std::to_string(member)] = indices;
  json out = {{"domain", request.generation.domain},
              {"view", request.generation.view},
              {"generation", request.generation_text},
              {"loci", request.loci},
              {"deal", std::move(deal)},
              {"query", request.query},
              {"schema", request.schema},
              {"now", request.now_ms}};
  if (request.timeout_ms > 0) out["timeout_ms"] = request.timeout_ms;
  return out.dump();
}

Status ParseScanRequest(std::string_view json_text, ScanRequest* out) {
  *out = ScanRequest();
  if (json_text.size() > kMaxScanRequestBytes)
    return Status::Invalid(fmt::format("scan request: over {} bytes", kMaxScanRequestBytes));
  json request;
  if (Status st = ParseBoundedJson(json_text, &request, kMaxScanRequestDepth); !st.ok())
    return Status::Invalid("scan request: " + st.message());
  if (!request.is_object()) return Status::Invalid("scan request: not an object");
  if (Status st = Text(request, "domain", 255, &out->generation.domain); !st.ok()) return st;
  if (Status st = Text(request, "view", 255, &out->generation.view); !st.ok()) return st;
  if (Status st = Text(request, "generation", 16, &out->generation_text); !st.ok()) return st;
  if (Status st = GenerationNumber(out->generation_text, &out->generation.generation); !st.ok())
    return Refuse("generation", "must be 16 hex digits");
  const json loci = request.value("loci", json());
  if (!loci.is_array()) return Refuse("loci", "must be an array");
  if (loci.size() > kMaxScanLoci) return Refuse("loci", fmt::format("holds over {} loci", kMaxScanLoci));
  for (const json& locus : loci) {
    if (!locus.is_object()) return Refuse("loci", "must hold objects (the sample store's loci)");
  }
  out->loci = loci;
  if (Status st = ParseDeal(request.value("deal", json()), loci.size(), &out->deal); !st.ok()) return st;
  if (Status st = Text(request, "query", kMaxScanQueryBytes, &out->query); !st.ok()) return st;
  if (Status st = Text(request, "schema", kMaxScanSchemaBytes, &out->schema); !st.ok()) return st;
  const json now = request.value("now", json());
  if (!now.is_number_integer()) return Refuse("now", "must be an integer (epoch milliseconds)");
  out->now_ms = now.get<int64_t>();
  if (request.contains("timeout_ms")) {
    const json timeout = request["timeout_ms"];
    if (!timeout.is_number_integer() || timeout.get<int64_t>() <= 0 || timeout.get<int64_t>() > kMaxScanTimeoutMs)
      return Refuse("timeout_ms", fmt::format("must be an integer in 1..{}", kMaxScanTimeoutMs));
    out->timeout_ms = timeout.get<int64_t>();
  }
  return Status::OK();
}

DealtLoci LociDealtTo(const ScanRequest& request, int member) {
  DealtLoci out;
  json loci = json::array();
  if (auto it = request.deal.find(member); it != request.deal.end()) {
    for (int index : it->second) {
      const json& locus = request.loci[static_cast<size_t>(index)];
      out.numbers.push_back(LocusNumber(locus, index));
      loci.push_back(locus);
    }
  }
  out.fetch = {{"generation", request.generation_text}, {"loci", std::move(loci)}};
  return out;
}

void EncodeScanReply(const ScanReply& reply, LogBuilder* out) {
  std::vector<std::string> workers;
  for (const ScanWorkerStats& w : reply.workers) {
    LogBuilder item;
    item.add("worker", w.worker)
        .add("slice", w.slice)
        .add("source", w.source)
        .add("rows_scanned", w.rows_scanned)
        .add("blobs", w.blobs)
        .add("load_ms", w.load_ms)
        .add("scan_ms", w.scan_ms);
    workers.emplace_back(item.bytes());
  }
  out->clear();
  out->add_bytes("partial", reply.partial).add("generation", reply.generation_text).add_array("workers", workers);
}

Status DecodeScanReply(const Log& reply, ScanReply* out) {
  *out = ScanReply();
  auto refuse = [](std::string_view field, std::string_view why) {
    return Status::Invalid(fmt::format("scan reply: \"{}\" {}", field, why));
  };
  if (!reply.valid()) return Status::Invalid("scan reply: not a log");
  const Value partial = reply.get("partial");
  if (partial.type() != ValueType::kBytes) return refuse("partial", "must be bytes (an encoded partial)");
  out->partial = std::string(partial.as_bytes());
  const Value generation = reply.get("generation");
  if (generation.type() != ValueType::kString || generation.as_string().size() != 16)
    return refuse("generation", "must be 16 hex digits");
  out->generation_text = std::string(generation.as_string());
  const Value workers = reply.get("workers");
  if (workers.type() != ValueType::kArray) return refuse("workers", "must be an array");
  if (workers.size() > kMaxScanWorkers) return refuse("workers", fmt::format("holds over {}", kMaxScanWorkers));
  for (size_t i = 0; i < workers.size(); ++i) {
    const Value w = workers.at(i);
    auto count = [&](const char* field, uint64_t* value) {
      const Value v = w.get(field);
      if (v.type() != ValueType::kInt || v.as_int() < 0)
        return refuse("workers", fmt::format("entry {}: \"{}\" must be a count", i, field));
      *value = static_cast<uint64_t>(v.as_int());
      return Status::OK();
    };
    auto ms = [&](const char* field, double* value) {
      const Value v = w.get(field);
      if (!v.is_number()) return refuse("workers", fmt::format("entry {}: \"{}\" must be a number", i, field));
      *value = v.as_float();
      return Status::OK();
    };
    if (w.type() != ValueType::kMap) return refuse("workers", fmt::format("entry {}: not a map", i));
    ScanWorkerStats stats;
    uint64_t worker = 0;
    if (Status st = count("worker", &worker); !st.ok()) return st;
    if (worker > INT32_MAX) return refuse("workers", fmt::format("entry {}: \"worker\" is no member id", i));
    stats.worker = static_cast<int>(worker);
    if (w.get("slice").type() != ValueType::kString || w.get("source").type() != ValueType::kString)
      return refuse("workers", fmt::format("entry {}: \"slice\" and \"source\" must be strings", i));
    stats.slice = std::string(w.get("slice").as_string());
    stats.source = std::string(w.get("source").as_string());
    if (Status st = count("rows_scanned", &stats.rows_scanned); !st.ok()) return st;
    if (Status st = count("blobs", &stats.blobs); !st.ok()) return st;
    if (Status st = ms("load_ms", &stats.load_ms); !st.ok()) return st;
    if (Status st = ms("scan_ms", &stats.scan_ms); !st.ok()) return st;
    out->workers.push_back(std::move(stats));
  }
  return Status::OK();
}

}  // namespace datablox::worker
