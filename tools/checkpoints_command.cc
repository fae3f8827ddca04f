// `datablox checkpoints TOPOLOGY`: a topology's checkpoints, oldest first
// (id, state, when, how long, how big, how many elements took it, and why
// one was abandoned), from the master's registry.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cstdio>

#include "tools/commands.h"
#include "tools/master_client.h"

namespace datablox::cli {
namespace {

std::string Bytes(uint64_t n) {
  if (n >= (1u << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(n) / (1u << 30));
  if (n >= (1u << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1u << 20));
  if (n >= (1u << 10)) return fmt::format("{:.1f} KiB", static_cast<double>(n) / (1u << 10));
  return fmt::format("{} B", n);
}

std::string LocalTime(int64_t unix_ms) {
  const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(unix_ms));
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::localtime(std::chrono::system_clock::to_time_t(at)));
}

}  // namespace

int Checkpoints(const std::string& topology, const std::string& master, const OutputFormat& format) {
  zmq::context_t zmq(1);
  const std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  control::CheckpointsReply reply;
  std::optional<control::Refusal> refusal;
  Status st = client.Ask(control::ToJson(control::CheckpointsRequest{topology}), &reply, &refusal);
  if (!st.ok()) return Unreachable(endpoint, st);
  if (refusal) {
    std::fprintf(stderr, "error: %s\n", Why(*refusal, "no checkpoints"));
    return kExitFailed;
  }
  if (format.json) {
    control::Json json = control::ToJson(reply);
    json.erase("ok");
    std::printf("%s\n", json.dump(2).c_str());
    return kExitOk;
  }
  if (reply.every_ms == 0) {
    std::fprintf(stderr, "%s takes no checkpoints: its topology has no 'policy * { checkpoint: MS }'\n",
                 topology.c_str());
    return kExitOk;
  }
  int complete = 0, abandoned = 0;
  for (const control::CheckpointItem& c : reply.checkpoints) {
    complete += c.state == "complete";
    abandoned += c.state == "abandoned";
  }
  if (!reply.checkpoints.empty()) {
    std::printf("%8s  %-11s  %-19s  %9s  %10s  %8s  %s\n", "ID", "STATE", "STARTED", "DURATION", "SIZE",
                "ELEMENTS", "WHY");
  }
  for (const control::CheckpointItem& c : reply.checkpoints) {
    std::printf("%8llu  %-11s  %-19s  %9s  %10s  %8s  %s\n", static_cast<unsigned long long>(c.id), c.state.c_str(),
                LocalTime(c.started_unix_ms).c_str(), fmt::format("{} ms", c.duration_ms).c_str(),
                Bytes(c.bytes).c_str(), fmt::format("{}/{}", c.taken, c.elements).c_str(), c.why.c_str());
  }
  // After the table, as `nodes` does: the table's header is its first line.
  std::printf("%s: a checkpoint every %lld ms; %d complete, %d abandoned of the %zu kept\n", topology.c_str(),
              static_cast<long long>(reply.every_ms), complete, abandoned, reply.checkpoints.size());
  return kExitOk;
}

}  // namespace datablox::cli
