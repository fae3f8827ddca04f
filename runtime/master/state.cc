#include "runtime/master/state.h"

namespace datablox::master {

int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* StateName(ElementState s) {
  switch (s) {
    case ElementState::kPlanned: return "planned";
    case ElementState::kSpawned: return "starting";
    case ElementState::kBound: return "bound";
    case ElementState::kRunning: return "running";
    case ElementState::kRestarting: return "restarting";
    case ElementState::kEnded: return "ended";
    case ElementState::kFailed: return "failed";
    case ElementState::kStopped: return "stopped";
  }
  return "?";
}

ElementState ElementStateFrom(const std::string& name) {
  for (ElementState s :
       {ElementState::kPlanned, ElementState::kSpawned, ElementState::kBound, ElementState::kRunning,
        ElementState::kRestarting, ElementState::kEnded, ElementState::kFailed, ElementState::kStopped}) {
    if (name == StateName(s)) return s;
  }
  return ElementState::kPlanned;
}

bool Final(ElementState s) {
  return s == ElementState::kEnded || s == ElementState::kFailed || s == ElementState::kStopped;
}

const char* StateName(TopologyState s) {
  switch (s) {
    case TopologyState::kStarting: return "starting";
    case TopologyState::kRunning: return "running";
    case TopologyState::kDone: return "done";
    case TopologyState::kFailed: return "failed";
    case TopologyState::kStopping: return "stopping";
    case TopologyState::kStopped: return "stopped";
  }
  return "?";
}

TopologyState TopologyStateFrom(const std::string& name) {
  for (TopologyState s : {TopologyState::kStarting, TopologyState::kRunning, TopologyState::kDone,
                          TopologyState::kFailed, TopologyState::kStopping, TopologyState::kStopped}) {
    if (name == StateName(s)) return s;
  }
  return TopologyState::kFailed;
}

bool Readopted(const TopologyRecord& t, const std::string& except) {
  for (const auto& [name, e] : t.elements) {
    if (!e.confirmed && !e.exited && name != except) return false;
  }
  return true;
}

bool Active(TopologyState s) {
  return s == TopologyState::kStarting || s == TopologyState::kRunning || s == TopologyState::kStopping;
}

}  // namespace datablox::master
