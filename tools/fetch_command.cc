// `datablox fetch TARGET VIEW -o FILE`: a view's loci from the sample-store
// supervisor of a running topology (asked as `datablox call` asks), then
// every locus pulled through Nexus (one client, one operation, a stream per
// locus in parallel, each stream's counts checked) into one Brio region
// file. FILE is written as FILE.partial and renamed once complete: a failed
// fetch leaves no FILE. Exit: 0; 65 when the data does not add up (a count
// mismatch, a parcel that is no region); 69 when the supervisor or a worker
// cannot be reached or goes silent (a dead worker: after
// --stream-timeout-ms); 1 when one refuses or fails (a stale generation).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cell/brio/region.h"
#include "cell/nexus/client.h"
#include "cell/samplestore/bounded_json.h"
#include "cell/samplestore/region_file.h"
#include "datablox/log.h"
#include "tools/commands.h"

namespace datablox::cli {
namespace {

struct LocusPull {
  int locus = 0;
  std::string address;
  uint64_t stream_id = 0;
};

int ExitFor(const Status& st) {
  if (st.IsTimeout()) return kExitUnavailable;
  if (st.code() == Status::Code::kInvalid) return kExitDataErr;
  return kExitFailed;
}

std::string Megabytes(uint64_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

}  // namespace

int Fetch(const FetchOptions& options, const std::string& master, const OutputFormat& format) {
  const std::string target = options.target.find('.') == std::string::npos ? options.target + ".view" : options.target;
  OwnedLog reply;
  nlohmann::json request = {{"view", options.view}};
  if (int code = AskQuery(target, request.dump(), options.query_timeout_ms, master, &reply); code != kExitOk)
    return code;
  nlohmann::json answer;
  Status st = samplestore::ParseBoundedJson(reply.to_json(), &answer);
  if (!st.ok() || !answer.is_object() || !answer.contains("loci") || !answer["loci"].is_array() ||
      !answer.value("generation", nlohmann::json()).is_string()) {
    std::fprintf(stderr, "error: %s did not answer a view's loci: %s\n", target.c_str(), reply.to_json().c_str());
    return kExitSoftware;
  }
  const std::string generation = answer["generation"].get<std::string>();

  const std::string partial = options.out + ".partial";
  samplestore::RegionFileWriter file;
  if (st = file.Open(partial); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return kExitNoInput;
  }
  nexus::ClientOptions client_options;
  client_options.stream_timeout_ms = options.stream_timeout_ms;
  nexus::Client client(client_options);
  const uint64_t operation = client.NewOperation();
  Status data_error;  // a parcel that is no region: the operation is cancelled with it
  uint64_t items = 0;
  auto consume = [&](uint64_t, std::string_view bytes, uint64_t parcel_items) {
    if (!data_error.ok()) return;
    brio::RegionView region;
    Status opened = brio::RegionView::Open(bytes, &region);
    if (opened.ok() && region.blob_count() != parcel_items)
      opened = Status::Invalid(fmt::format("a parcel of {} items holds {} blobs", parcel_items, region.blob_count()));
    if (!opened.ok()) {
      data_error = Status::Invalid("a parcel is not a Brio region: " + opened.message());
      client.Cancel(operation);
      return;
    }
    for (uint64_t i = 0; i < region.blob_count(); ++i) file.Add(region.BlobBytes(i));
    items += region.blob_count();
  };
  std::vector<LocusPull> pulls;
  for (const nlohmann::json& locus : answer["loci"]) {
    LocusPull pull;
    pull.locus = locus.value("locus", -1);
    const nlohmann::json addresses = locus.value("addresses", nlohmann::json::array());
    if (addresses.empty() || !addresses[0].is_string() || !locus.value("paradata", nlohmann::json()).is_string()) {
      std::fprintf(stderr, "error: locus %d of the answer has no worker address or paradata\n", pull.locus);
      std::filesystem::remove(partial);
      return kExitSoftware;
    }
    pull.address = addresses[0].get<std::string>();  // the primary; replicas are for a later retry
    if (st = client.Open(pull.address, locus["paradata"].get<std::string>(), operation, consume, &pull.stream_id);
        !st.ok()) {
      std::fprintf(stderr, "error: locus %d at %s: %s\n", pull.locus, pull.address.c_str(), st.message().c_str());
      std::filesystem::remove(partial);
      return kExitUnavailable;
    }
    pulls.push_back(pull);
  }

  const bool progress = options.progress || ::isatty(STDERR_FILENO);
  const auto started = std::chrono::steady_clock::now();
  auto last_line = started;
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  auto show = [&](const char* end) {
    const nexus::OperationProgress p = client.FindOperation(operation)->progress();
    std::fprintf(stderr, "\r[%6.1fs] fetch %s  %u/%zu loci done  %s items  %s  %s/s%s", seconds(), options.view.c_str(),
                 p.streams - p.live, pulls.size(), Human(static_cast<double>(p.items)).c_str(),
                 Megabytes(p.bytes).c_str(),
                 Megabytes(static_cast<uint64_t>(p.bytes / std::max(seconds(), 1e-3))).c_str(), end);
  };
  const nexus::Operation* op = client.FindOperation(operation);
  while (!pulls.empty() && !op->done()) {
    client.Poll(100);
    if (progress && std::chrono::steady_clock::now() - last_line > std::chrono::milliseconds(250)) {
      last_line = std::chrono::steady_clock::now();
      show("");
    }
  }
  if (progress && !pulls.empty()) show("\n");

  uint64_t rejected = 0, bytes = 0;
  Status failure = data_error.ok() ? op->status() : data_error;
  std::string failed_at;
  for (const LocusPull& pull : pulls) {
    nexus::StreamReport report;
    if (!client.Report(pull.stream_id, &report).ok()) continue;
    rejected += report.completion.rejected;
    bytes += report.bytes;
    if (failed_at.empty() && !report.status.ok() && report.state == nexus::ClientState::kFailed)
      failed_at = fmt::format("locus {} at {}", pull.locus, pull.address);
  }
  if (failure.ok()) failure = file.Finish();
  if (!failure.ok()) {
    std::error_code ec;
    std::filesystem::remove(partial, ec);
    std::fprintf(stderr, "error: fetch %s (generation %s)%s: %s\n", options.view.c_str(), generation.c_str(),
                 failed_at.empty() ? "" : (", " + failed_at).c_str(), failure.message().c_str());
    return ExitFor(failure);
  }
  std::error_code ec;
  std::filesystem::rename(partial, options.out, ec);
  if (ec) {
    std::fprintf(stderr, "error: %s: %s\n", options.out.c_str(), ec.message().c_str());
    return kExitNoInput;
  }
  nlohmann::json summary = {{"view", options.view}, {"generation", generation},   {"loci", pulls.size()},
                            {"items", items},       {"rejected", rejected},       {"parcel_bytes", bytes},
                            {"file", options.out},  {"file_bytes", file.bytes()}, {"seconds", seconds()}};
  if (format.json) {
    std::printf("%s\n", summary.dump().c_str());
  } else {
    std::printf("%s: generation %s, %zu loci, %llu items, %llu rejected -> %s (%s) in %.2f s\n", options.view.c_str(),
                generation.c_str(), pulls.size(), static_cast<unsigned long long>(items),
                static_cast<unsigned long long>(rejected), options.out.c_str(), Megabytes(file.bytes()).c_str(),
                seconds());
  }
  return kExitOk;
}

}  // namespace datablox::cli
