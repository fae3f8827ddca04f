// The dataflow verbs of a checkpointed topology:
//   checkpoints TOPOLOGY   its checkpoints, oldest first (id, state, when, how
//                          long, how big, how many elements took it, why one
//                          was abandoned), from the master's registry
//   stop TOPOLOGY          a checkpoint now, then it stops (waits for that)
//   resume TOPOLOGY        a stopped one starts again from its last checkpoint
//   registry dump          topologies, elements, checkpoints, sources' positions
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cstdio>
#include <thread>

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

int StopDataflow(const std::string& topology, double timeout_s, const std::string& master, const OutputFormat& format) {
  zmq::context_t zmq(1);
  const std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  control::DataflowReply reply;
  std::optional<control::Refusal> refusal;
  Status st = client.Ask(control::ToJson(control::DataflowRequest{topology, "stop"}), &reply, &refusal);
  if (!st.ok()) return Unreachable(endpoint, st);
  if (refusal) {
    std::fprintf(stderr, "error: %s\n", Why(*refusal, "refused"));
    return kExitFailed;
  }
  if (!format.json) std::fprintf(stderr, "%s: a checkpoint, then it stops...\n", topology.c_str());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  std::string state;
  while (std::chrono::steady_clock::now() < deadline) {
    control::StatusReply status;
    std::optional<control::Refusal> no;
    st = client.Ask(control::ToJson(control::StatusRequest{topology}), &status, &no);
    if (st.ok() && !no) state = status.state;
    if (state == "stopped" || state == "done" || state == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  control::CheckpointsReply checkpoints;
  std::optional<control::Refusal> no;
  uint64_t last = 0;
  if (client.Ask(control::ToJson(control::CheckpointsRequest{topology}), &checkpoints, &no).ok() && !no) {
    for (const control::CheckpointItem& c : checkpoints.checkpoints) {
      if (c.state == "complete") last = c.id;
    }
  }
  if (format.json) {
    std::printf("%s\n", control::Json({{"topology", topology}, {"state", state}, {"checkpoint", last}}).dump(2).c_str());
  } else if (state == "stopped") {
    std::printf("%s stopped after checkpoint %llu; `datablox resume %s` starts it from there\n", topology.c_str(),
                static_cast<unsigned long long>(last), topology.c_str());
  }
  if (state == "stopped") return kExitOk;
  std::fprintf(stderr, "error: %s is %s after %.0f s (no checkpoint completed yet? see `datablox checkpoints %s`)\n",
               topology.c_str(), state.empty() ? "unknown" : state.c_str(), timeout_s, topology.c_str());
  return kExitFailed;
}

int ResumeDataflow(const std::string& topology, const std::string& master, const OutputFormat& format) {
  zmq::context_t zmq(1);
  const std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  control::DataflowReply reply;
  std::optional<control::Refusal> refusal;
  Status st = client.Ask(control::ToJson(control::DataflowRequest{topology, "resume"}), &reply, &refusal);
  if (!st.ok()) return Unreachable(endpoint, st);
  if (refusal) {
    std::fprintf(stderr, "error: %s\n", Why(*refusal, "refused"));
    return kExitFailed;
  }
  if (format.json) {
    control::Json json = control::ToJson(reply);
    json.erase("ok");
    std::printf("%s\n", json.dump(2).c_str());
  } else {
    std::printf("%s resumes from checkpoint %llu\n", topology.c_str(), static_cast<unsigned long long>(reply.checkpoint));
  }
  return kExitOk;
}

int RegistryDump(const std::string& master, const OutputFormat& format) {
  zmq::context_t zmq(1);
  const std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  control::RegistryReply reply;
  std::optional<control::Refusal> refusal;
  Status st = client.Ask(control::ToJson(control::RegistryRequest{}), &reply, &refusal);
  if (!st.ok()) return Unreachable(endpoint, st);
  if (refusal) {
    std::fprintf(stderr, "error: %s\n", Why(*refusal, "refused"));
    return kExitFailed;
  }
  if (format.json) {
    std::printf("%s\n", control::Json({{"topologies", reply.topologies}}).dump(2).c_str());
    return kExitOk;
  }
  for (const control::Json& t : reply.topologies) {
    std::printf("%s  %s  epoch %s", t.value("name", "").c_str(), t.value("state", "").c_str(),
                t.value("epoch", control::Json(0)).dump().c_str());
    const int64_t every = t.value("every_ms", int64_t{0});
    if (every > 0) {
      std::printf("  checkpoint every %lld ms, last complete %s, %zu kept", static_cast<long long>(every),
                  t.value("last_complete", control::Json(0)).dump().c_str(),
                  t.value("checkpoints", control::Json::array()).size());
    }
    std::printf("\n");
    // Named: a range-for over items() of a temporary would outlive it.
    const control::Json elements = t.value("elements", control::Json::array());
    const control::Json positions = t.value("positions", control::Json::object());
    for (const control::Json& e : elements) {
      std::printf("  %-20s %-16s %-8s %-10s restarts %s\n", e.value("name", "").c_str(), e.value("class", "").c_str(),
                  e.value("node", "").c_str(), e.value("state", "").c_str(),
                  e.value("restarts", control::Json(0)).dump().c_str());
    }
    for (const auto& [source, position] : positions.items()) {
      std::printf("  position of %s: %s\n", source.c_str(), position.dump().c_str());
    }
  }
  return kExitOk;
}

}  // namespace datablox::cli
