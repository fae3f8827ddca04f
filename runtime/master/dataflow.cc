// The dataflow tools of a checkpointed topology: `datablox stop` (a
// checkpoint now, then the topology stops), `datablox resume` (a stopped
// topology starts again from its last complete checkpoint, on live nodes)
// and `datablox registry dump` (what the registry holds: topologies, their
// elements, checkpoints, and the sources' committed positions).
#include <fmt/format.h>

#include "datablox/log.h"
#include "runtime/core/client_replies.h"
#include "runtime/master/master_daemon.h"

namespace datablox::master {
namespace {

// A snapshot as JSON when it is a msgpack map (every built-in class's),
// else its size: positions are for people and scripts to read.
Json SnapshotJson(const std::string& state) {
  if (state.empty()) return nullptr;
  OwnedLog log{state};
  if (log.log().valid()) {
    Json parsed = Json::parse(log.log().root().to_json(), nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return parsed;
  }
  return Json{{"bytes", state.size()}};
}

}  // namespace

Json Master::Dataflow(const control::DataflowRequest& request) {
  auto it = topologies_.find(request.topology);
  if (it == topologies_.end()) return Refuse(fmt::format("no topology '{}'", request.topology));
  TopologyRecord& t = it->second;
  if (!t.checkpoints) {
    return Refuse(fmt::format("{} takes no checkpoints (policy * {{ checkpoint: MS }}): `datablox kill` stops it",
                              t.name));
  }
  control::DataflowReply reply{t.name, request.action, t.checkpoints->last_complete()};
  if (request.action == "stop") {
    if (t.state != TopologyState::kRunning && t.state != TopologyState::kStarting) {
      return Refuse(fmt::format("{} is {}, not running", t.name, StateName(t.state)));
    }
    t.stop_after_checkpoint = true;  // TickCheckpoints starts one at once, CheckpointEnded stops it
    Save(t);                          // a master killed meanwhile stops it once started again
    Event(t.name, "", "stopping after the next checkpoint");
    return control::ToJson(reply);
  }
  if (request.action == "resume") {
    if (t.state != TopologyState::kStopped) {
      return Refuse(fmt::format("{} is {}: only a stopped topology resumes", t.name, StateName(t.state)));
    }
    if (t.checkpoints->last_complete() == 0) {
      return Refuse(fmt::format("{} has no complete checkpoint to resume from (submit it again)", t.name));
    }
    t.state = TopologyState::kStarting;
    t.failure.clear();
    Save(t);
    RollBack(t, "datablox resume", /*resume=*/true);
    return control::ToJson(reply);
  }
  return Refuse(fmt::format("unknown dataflow action '{}' (stop, resume)", request.action));
}

Json Master::RegistryDump() const {
  control::RegistryReply reply;
  for (const auto& [name, t] : topologies_) {
    Json topology = {{"name", name},
                     {"state", StateName(t.state)},
                     {"file", t.file},
                     {"epoch", t.epoch},
                     {"every_ms", t.checkpoints ? t.checkpoints->every().count() : 0},
                     {"last_complete", t.checkpoints ? t.checkpoints->last_complete() : 0}};
    Json elements = Json::array();
    for (const auto& [element_name, e] : t.elements) {
      elements.push_back({{"name", element_name},
                          {"class", e.plan.class_name},
                          {"node", e.plan.node},
                          {"state", StateName(e.state)},
                          {"restarts", e.restarts},
                          {"epoch", e.plan.epoch},
                          {"source", e.plan.push_in.empty()}});
    }
    topology["elements"] = elements;
    std::vector<CheckpointRow> rows;
    Json checkpoints = Json::array();
    if (store_->LoadCheckpoints(name, &rows).ok()) {
      for (const CheckpointRow& row : rows) {
        checkpoints.push_back({{"id", row.id}, {"state", row.state}, {"started_unix_ms", row.started_unix_ms},
                               {"duration_ms", row.duration_ms}, {"bytes", row.bytes}});
      }
    }
    topology["checkpoints"] = checkpoints;
    // Where each source's streams stand in the checkpoint a rollback or a
    // resume would start from.
    Json positions = Json::object();
    const uint64_t last = t.checkpoints ? t.checkpoints->last_complete() : 0;
    for (const auto& [element_name, e] : t.elements) {
      std::string state;
      if (last != 0 && e.plan.push_in.empty() && store_->LoadSnapshot(name, last, element_name, &state).ok()) {
        positions[element_name] = SnapshotJson(state);
      }
    }
    topology["positions"] = positions;
    reply.topologies.push_back(std::move(topology));
  }
  return control::ToJson(reply);
}

}  // namespace datablox::master
