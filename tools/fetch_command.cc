// `datablox fetch SUPERVISOR VIEW --out FILE`: a view's loci from the
// sample-store supervisor of a running topology (asked as `datablox call`
// asks), then every locus pulled through Nexus (cell/samplestore/
// loci_fetch.h) into one Brio region file, a locus whose worker is dead,
// refuses or fails pulled again from its next replica. FILE is written as
// FILE.partial and renamed once complete: a failed fetch leaves no FILE.
// Exit: 0; 65 when the data does not add up (a count mismatch, a parcel
// that is no region); 69 when the supervisor cannot be reached or every
// worker of a locus failed (dead after --stream-timeout-ms, refused, or
// failed: a stale generation says so, fetch again), each named with its
// error; 1 when the supervisor refuses (an unknown view).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "runtime/core/bounded_json.h"
#include "cell/samplestore/loci_fetch.h"
#include "cell/samplestore/region_file.h"
#include "datablox/log.h"
#include "tools/commands.h"

namespace datablox::cli {
namespace {

int ExitFor(const Status& st) {
  if (st.IsTimeout() || st.code() == Status::Code::kUnavailable) return kExitUnavailable;
  if (st.code() == Status::Code::kInvalid) return kExitDataErr;
  return kExitFailed;
}

std::string Megabytes(double bytes) { return fmt::format("{:.1f} MB", bytes / 1e6); }

}  // namespace

int Fetch(const FetchOptions& options, const std::string& master, const OutputFormat& format) {
  const std::string target = options.target.find('.') == std::string::npos ? options.target + ".view" : options.target;
  OwnedLog reply;
  const nlohmann::json request = {{"view", options.view}};
  // Right after `submit` the supervisor's port may not be bound yet, or its
  // workers' stream servers not wired: those are waited for (within
  // --timeout-ms); anything else is the answer.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.query_timeout_ms);
  for (;;) {
    std::string error;
    const int code = AskQuery(target, request.dump(), options.query_timeout_ms, master, &reply, &error);
    if (code == kExitOk) break;
    const bool starting = error.find("has no bound query port") != std::string::npos ||
                          error.find("(not running, or not wired yet)") != std::string::npos;
    if (!starting || std::chrono::steady_clock::now() >= deadline) {
      std::fprintf(stderr, "error: %s\n", error.c_str());
      return code;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  nlohmann::json answer;
  if (Status st = ParseBoundedJson(reply.to_json(), &answer); !st.ok()) {
    std::fprintf(stderr, "error: %s answered: %s\n", target.c_str(), st.message().c_str());
    return kExitSoftware;
  }

  const std::string partial = options.out + ".partial";
  samplestore::RegionFileWriter file;
  if (Status st = file.Open(partial); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return kExitNoInput;
  }
  const bool show_progress = options.progress || ::isatty(STDERR_FILENO);
  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  auto progress = [&](const samplestore::FetchProgress& p) {
    if (!show_progress) return;
    std::fprintf(stderr, "\r[%6.1fs] fetch %s  %u/%u loci done  %s items  %s  %s/s%s ", seconds(), options.view.c_str(),
                 p.loci_done, p.loci, Human(static_cast<double>(p.items)).c_str(),
                 Megabytes(static_cast<double>(p.bytes)).c_str(),
                 Megabytes(static_cast<double>(p.bytes) / std::max(seconds(), 1e-3)).c_str(),
                 p.retries ? fmt::format("  {} retried", p.retries).c_str() : "");
  };
  samplestore::LociFetchOptions fetch_options;
  fetch_options.stream_timeout_ms = options.stream_timeout_ms;
  fetch_options.window = static_cast<uint32_t>(options.window);
  fetch_options.max_parcels_per_s = options.max_parcels_per_s;
  samplestore::FetchReport report;
  samplestore::RegionFileLocusSink sink(&file);
  Status st = samplestore::FetchLoci(answer, fetch_options, sink, progress, &report);
  if (show_progress && report.loci > 0) std::fprintf(stderr, "\n");
  for (const std::string& retry : report.retried)
    std::fprintf(stderr, "fetch %s: %s\n", options.view.c_str(), retry.c_str());
  if (st.ok()) st = file.Finish();
  std::error_code ec;
  if (st.ok()) std::filesystem::rename(partial, options.out, ec);
  if (!st.ok() || ec) {
    std::filesystem::remove(partial, ec);
    if (st.ok()) st = Status::IOError(fmt::format("{}: {}", options.out, ec.message()));
    std::fprintf(stderr, "error: fetch %s (generation %s)%s: %s\n", options.view.c_str(),
                 report.generation.empty() ? "?" : report.generation.c_str(),
                 report.failed.empty() ? "" : (", " + report.failed).c_str(), st.message().c_str());
    return st.code() == Status::Code::kIOError ? kExitNoInput : ExitFor(st);
  }
  const nlohmann::json summary = {{"view", options.view},        {"generation", report.generation},
                                  {"loci", report.loci},         {"items", report.items},
                                  {"rejected", report.rejected}, {"parcel_bytes", report.bytes},
                                  {"retries", report.retries},   {"file", options.out},
                                  {"file_bytes", file.bytes()},  {"seconds", seconds()}};
  if (format.json) {
    std::printf("%s\n", summary.dump().c_str());
  } else {
    std::printf("%s: generation %s, %u loci, %llu items, %llu rejected -> %s (%s) in %.2f s\n", options.view.c_str(),
                report.generation.c_str(), report.loci, static_cast<unsigned long long>(report.items),
                static_cast<unsigned long long>(report.rejected), options.out.c_str(),
                Megabytes(static_cast<double>(file.bytes())).c_str(), seconds());
  }
  return kExitOk;
}

}  // namespace datablox::cli
