// `datablox scale TOPOLOGY/SHARD N`: asks the master to grow or shrink a
// shard to N members, then follows the change, one member at a time, until
// the shard has N members (or the change was aborted, or --timeout passed).
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "runtime/core/client_replies.h"
#include "tools/commands.h"
#include "tools/master_client.h"

namespace datablox::cli {
namespace {

using control::Json;
using Clock = std::chrono::steady_clock;

const control::ShardStatus* FindShard(const control::StatusReply& status, const std::string& shard) {
  for (const control::ShardStatus& s : status.shards) {
    if (s.name == shard) return &s;
  }
  return nullptr;
}

std::string Members(const std::string& shard, const std::vector<int>& ids) {
  std::string text;
  for (int id : ids) text += fmt::format("{}{}/{}", text.empty() ? "" : ", ", shard, id);
  return text;
}


}  // namespace

int Scale(const std::string& target, int members, double timeout_s, bool wait, const std::string& master,
          const OutputFormat& format) {
  const size_t slash = target.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == target.size()) {
    std::fprintf(stderr, "error: say TOPOLOGY/SHARD, e.g. counts/users\n");
    return kExitUsage;
  }
  control::Scale request{target.substr(0, slash), target.substr(slash + 1), members};
  zmq::context_t zmq(1);
  const std::string endpoint = MasterEndpoint(master);
  MasterClient client(zmq, endpoint);
  control::ScaleReply reply;
  std::optional<control::Refusal> refusal;
  Status st = client.Ask(control::ToJson(request), &reply, &refusal);
  if (!st.ok()) return Unreachable(endpoint, st);
  if (refusal) {
    std::fprintf(stderr, "error: %s\n", Why(*refusal, "refused"));
    return kExitUsage;
  }
  const int from = reply.from;
  if (!format.json) std::printf("%s: %d -> %d members\n", target.c_str(), from, members);
  if (!wait) return kExitOk;

  const auto started = Clock::now();
  const auto deadline = started + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  std::string shown;
  while (true) {
    control::StatusReply status;
    st = client.Ask(control::ToJson(control::StatusRequest{request.topology}), &status, &refusal);
    if (!st.ok()) {
      std::fprintf(stderr, "error: the master stopped answering: %s\n", st.message().c_str());
      return kExitUnavailable;
    }
    const control::ShardStatus* shard = refusal ? nullptr : FindShard(status, request.shard);
    if (!shard) {
      std::fprintf(stderr, "error: %s is gone\n", target.c_str());
      return kExitFailed;
    }
    const std::vector<int>& ids = shard->members;
    const bool changing = shard->changing.has_value();
    const std::string now = Members(request.shard, ids);
    if (now != shown && !format.json) std::printf("  members: %s\n", now.c_str());
    shown = now;
    const double took = std::chrono::duration<double>(Clock::now() - started).count();
    if (!changing && shard->last_change_failed) {
      std::fprintf(stderr, "error: %s: %s\n", target.c_str(), shard->last_change.c_str());
      return kExitFailed;
    }
    if (!changing && static_cast<int>(ids.size()) == members) {
      if (format.json) {
        std::printf("%s\n",
                    Json({{"shard", target}, {"from", from}, {"members", ids}, {"seconds", took}}).dump(2).c_str());
      } else {
        std::printf("%s: %d members, in %.2f s\n", target.c_str(), members, took);
      }
      return kExitOk;
    }
    if (Clock::now() >= deadline) {
      std::fprintf(stderr, "error: %s: still %zu members after %.0f s (%s)\n", target.c_str(), ids.size(), timeout_s,
                   changing ? shard->changing->c_str() : "no change under way");
      return kExitFailed;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace datablox::cli
