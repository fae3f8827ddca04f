// nexus_peer: a Nexus server or client as a process of its own, for the
// end-to-end tests and `bench/run nexus`.
//
//   nexus_peer serve --bind tcp://127.0.0.1:PORT [--metrics-file F] [--heartbeat-ms N]
//       Serves synthetic streams. A stream's paradata is "key=value ..." with
//       parcels=P items=I bytes=B (P parcels of I items, B bytes each),
//       fail_after=K (a server error after K parcels), expected_extra=E (the
//       completion's expected count E above what it sends: a server that
//       lies), not_yet_ms=N (no parcel ready for the first N ms: a slow
//       source, kept alive by heartbeats), refuse=1. Writes its metrics as one JSON object to F when a
//       stream starts or ends or a frame is malformed; runs until SIGTERM or SIGINT.
//   nexus_peer fetch --connect ADDR [--connect ADDR...] --streams K --paradata TEXT
//       [--window W] [--timeout-ms T] [--slow-us U] [--abort-after P] [--cancel-after P]
//       Opens K streams under one operation, over the addresses in turn,
//       consuming each parcel in U microseconds; aborts stream 1 (or cancels
//       the operation) once it has P parcels. Prints one JSON line per stream
//       and a last line with the operation's outcome and rate; exits 0 when
//       the operation succeeded, 1 otherwise.
#include <malloc.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "runtime/nexus/client.h"
#include "runtime/nexus/server.h"
#include "runtime/core/exit_codes.h"

namespace nexus = datablox::nexus;
using datablox::Status;

namespace {

std::atomic<bool> g_stop{false};

std::map<std::string, std::string> ParseParadata(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(pos, end - pos);
    const size_t eq = word.find('=');
    if (eq != std::string_view::npos) out[std::string(word.substr(0, eq))] = std::string(word.substr(eq + 1));
    pos = end + 1;
  }
  return out;
}

uint64_t Number(const std::map<std::string, std::string>& m, const char* key, uint64_t fallback) {
  auto it = m.find(key);
  return it == m.end() ? fallback : std::strtoull(it->second.c_str(), nullptr, 10);
}

// P parcels of I items and B bytes each, copied from one pattern buffer (as a
// real source would produce its bytes into the parcel).
class SyntheticSource : public nexus::ParcelSource {
 public:
  SyntheticSource(uint64_t parcels, uint64_t items, uint64_t bytes, uint64_t fail_after, uint64_t expected_extra,
                  uint64_t not_yet_ms)
      : parcels_(parcels),
        items_(items),
        fail_after_(fail_after),
        expected_extra_(expected_extra),
        ready_at_(std::chrono::steady_clock::now() + std::chrono::milliseconds(not_yet_ms)),
        pattern_(bytes, 0) {
    for (size_t i = 0; i < pattern_.size(); ++i) pattern_[i] = static_cast<char>('a' + i % 26);
  }
  Fill Next(nexus::Parcel* parcel, Status* error) override {
    if (std::chrono::steady_clock::now() < ready_at_) return Fill::kNotYet;
    if (fail_after_ != 0 && sent_ == fail_after_) {
      *error = Status::Internal("failing after " + std::to_string(sent_) + " parcels, as asked");
      return Fill::kFailed;
    }
    if (sent_ == parcels_) return Fill::kDone;
    parcel->bytes = pattern_;
    parcel->item_count = items_;
    ++sent_;
    return Fill::kParcel;
  }
  int64_t expected() const override { return static_cast<int64_t>(parcels_ * items_ + expected_extra_); }
  uint64_t potential() const override { return parcels_ * items_; }

 private:
  uint64_t parcels_, items_, fail_after_, expected_extra_;
  std::chrono::steady_clock::time_point ready_at_;
  uint64_t sent_ = 0;
  std::string pattern_;
};

long MaxRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

long RssKb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

void WriteMetrics(const std::string& path, const nexus::Server& server, long rss_at_first_stream_kb) {
  if (path.empty()) return;
  const nexus::ServerMetrics& m = server.metrics();
  char text[1024];
  std::snprintf(text, sizeof text,
                "{\"streams_initiated\": %lu, \"streams_refused\": %lu, \"streams_completed\": %lu, "
                "\"streams_failed\": %lu, \"streams_aborted\": %lu, \"active_streams\": %lu, \"items\": %lu, "
                "\"bytes\": %lu, \"malformed_frames\": %lu, \"protocol_errors\": %lu, \"unknown_stream_frames\": %lu, "
                "\"max_in_flight\": %u, \"rss_at_first_stream_kb\": %ld, \"max_rss_kb\": %ld}\n",
                m.streams_initiated, m.streams_refused, m.streams_completed, m.streams_failed, m.streams_aborted,
                m.active_streams, m.items, m.bytes, m.malformed_frames, m.protocol_errors, m.unknown_stream_frames,
                m.max_in_flight, rss_at_first_stream_kb, MaxRssKb());
  const std::string tmp = path + ".tmp";
  { std::ofstream(tmp) << text; }
  std::rename(tmp.c_str(), path.c_str());
}

int Serve(const std::string& bind, const std::string& metrics_file, int64_t heartbeat_ms) {
  long rss_at_first_stream_kb = 0;
  auto handler = [&](const nexus::StreamRequest& request, std::unique_ptr<nexus::ParcelSource>* source) {
    if (rss_at_first_stream_kb == 0) rss_at_first_stream_kb = RssKb();
    const auto p = ParseParadata(request.paradata);
    if (Number(p, "refuse", 0) != 0) return Status::Invalid("refused, as asked");
    *source = std::make_unique<SyntheticSource>(Number(p, "parcels", 1), Number(p, "items", 1),
                                                Number(p, "bytes", 1024), Number(p, "fail_after", 0),
                                                Number(p, "expected_extra", 0), Number(p, "not_yet_ms", 0));
    return Status::OK();
  };
  std::unique_ptr<nexus::Server> server;
  nexus::ServerOptions options;
  options.heartbeat_ms = heartbeat_ms;
  Status st = nexus::Server::Bind(bind, handler, options, &server);
  if (!st.ok()) {
    std::fprintf(stderr, "nexus_peer: %s\n", st.ToString().c_str());
    return datablox::exit_code::kUnavailable;
  }
  std::fprintf(stderr, "nexus_peer: serving on %s\n", server->endpoint().c_str());
  WriteMetrics(metrics_file, *server, rss_at_first_stream_kb);
  uint64_t events = 0;
  while (!g_stop.load()) {
    server->Poll(100);
    const auto& m = server->metrics();
    // Written when a stream starts or ends (or a frame is malformed): a test
    // waits for a stream to be under way (to kill the server mid-stream) or
    // done (to read its counts).
    const uint64_t now_events = m.streams_initiated + m.streams_completed + m.streams_failed + m.streams_aborted +
                                m.streams_refused + m.malformed_frames;
    if (now_events != events) {
      events = now_events;
      WriteMetrics(metrics_file, *server, rss_at_first_stream_kb);
    }
  }
  WriteMetrics(metrics_file, *server, rss_at_first_stream_kb);
  return datablox::exit_code::kOk;
}

struct FetchArgs {
  std::vector<std::string> connect;
  int streams = 1;
  std::string paradata;
  nexus::ClientOptions options;
  int64_t slow_us = 0;
  uint64_t abort_after = 0;
  uint64_t cancel_after = 0;
};

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

int Fetch(const FetchArgs& args) {
  nexus::Client client(args.options);
  const uint64_t op = client.NewOperation();
  std::vector<uint64_t> ids;
  std::map<uint64_t, uint64_t> parcels;
  auto consume = [&](uint64_t stream_id, std::string_view, uint64_t) {
    ++parcels[stream_id];
    if (args.slow_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(args.slow_us));
  };
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < args.streams; ++i) {
    uint64_t id = 0;
    Status st = client.Open(args.connect[i % args.connect.size()], args.paradata, op, consume, &id);
    if (!st.ok()) {
      std::fprintf(stderr, "nexus_peer: %s\n", st.ToString().c_str());
      return datablox::exit_code::kFailed;
    }
    ids.push_back(id);
  }
  bool aborted = false;
  while (!client.FindOperation(op)->done()) {
    client.Poll(50);
    if (!aborted && args.abort_after != 0 && parcels[ids[0]] >= args.abort_after) {
      client.Abort(ids[0]);
      aborted = true;
    }
    if (!aborted && args.cancel_after != 0 && parcels[ids[0]] >= args.cancel_after) {
      client.Cancel(op);
      aborted = true;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (uint64_t id : ids) {
    nexus::StreamReport r;
    (void)client.Report(id, &r);
    std::printf(
        "{\"stream\": %lu, \"state\": \"%s\", \"status\": %s, \"items\": %lu, \"bytes\": %lu, \"parcels\": %lu, "
        "\"completion_items\": %lu, \"completion_expected\": %ld, \"rejected\": %lu, \"max_unconsumed\": %u}\n",
        id, nexus::ClientStateName(r.state), JsonString(r.status.ToString()).c_str(), r.items, r.bytes, r.parcels,
        r.completion.items, r.completion.expected, r.completion.rejected, r.max_unconsumed);
  }
  const nexus::Operation* operation = client.FindOperation(op);
  const nexus::OperationProgress progress = operation->progress();
  std::printf(
      "{\"ok\": %s, \"status\": %s, \"failed_stream\": %lu, \"items\": %lu, \"bytes\": %lu, \"streams\": %u, "
      "\"seconds\": %.6f, \"mb_per_s\": %.1f, \"malformed_frames\": %lu, \"connections_opened\": %lu}\n",
      operation->status().ok() ? "true" : "false", JsonString(operation->status().ToString()).c_str(),
      operation->failed_stream(), progress.items, progress.bytes, progress.streams, seconds,
      progress.bytes / 1e6 / seconds, client.metrics().malformed_frames, client.metrics().connections_opened);
  return operation->status().ok() ? datablox::exit_code::kOk : datablox::exit_code::kFailed;
}

int Usage(const char* why) {
  std::fprintf(stderr, "nexus_peer: %s\nusage: nexus_peer serve --bind ADDR ... | fetch --connect ADDR ...\n", why);
  return datablox::exit_code::kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // Parcels of 1 MiB are allocated and freed by the thousand (by ZeroMQ
  // for each one received, by the source for each one sent). With glibc's
  // defaults a freed top-of-heap megabyte goes back to the kernel and the
  // next is faulted in again, page by page (~60,000 minor faults per GiB
  // received); keeping freed memory costs at most the parcels in flight and
  // gave ~25% more throughput in `bench/run nexus`. A host using Nexus for
  // big parcels wants the same.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  if (argc < 2) return Usage("a verb, serve or fetch");
  const std::string verb = argv[1];
  std::string bind, metrics_file;
  int64_t heartbeat_ms = 500;
  FetchArgs fetch;
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return Usage(("a value after " + flag).c_str());
    const std::string value = argv[++i];
    const bool numeric = flag != "--bind" && flag != "--metrics-file" && flag != "--connect" && flag != "--paradata";
    if (numeric && (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos)) {
      return Usage((flag + " takes a number below 1e9, not " + value).c_str());
    }
    if (flag == "--bind") bind = value;
    else if (flag == "--metrics-file") metrics_file = value;
    else if (flag == "--heartbeat-ms") heartbeat_ms = std::stoll(value);
    else if (flag == "--connect") fetch.connect.push_back(value);
    else if (flag == "--streams") fetch.streams = std::stoi(value);
    else if (flag == "--paradata") fetch.paradata = value;
    else if (flag == "--window") fetch.options.window = static_cast<uint32_t>(std::stoul(value));
    else if (flag == "--timeout-ms") fetch.options.stream_timeout_ms = std::stoll(value);
    else if (flag == "--slow-us") fetch.slow_us = std::stoll(value);
    else if (flag == "--abort-after") fetch.abort_after = std::stoull(value);
    else if (flag == "--cancel-after") fetch.cancel_after = std::stoull(value);
    else return Usage(("unknown flag " + flag).c_str());
  }
  std::signal(SIGTERM, [](int) { g_stop.store(true); });
  std::signal(SIGINT, [](int) { g_stop.store(true); });
  if (verb == "serve") {
    if (bind.empty()) return Usage("serve needs --bind");
    return Serve(bind, metrics_file, heartbeat_ms);
  }
  if (verb == "fetch") {
    if (fetch.connect.empty() || fetch.streams < 1) return Usage("fetch needs --connect and --streams >= 1");
    return Fetch(fetch);
  }
  return Usage("the verb is serve or fetch");
}
