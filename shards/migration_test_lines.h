// Test helpers of the migration's tests: a migration's actions as one line
// each (what the tests compare, exactly), a small shard, and its events.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "shards/migration.h"

namespace datablox::shards::migration_test {

inline std::string Csv(const std::vector<int>& values, const char* sep = ",") {
  std::string text;
  for (size_t i = 0; i < values.size(); ++i) text += (i ? sep : "") + std::to_string(values[i]);
  return text;
}

// One action as a line: what the tests compare, exactly.
inline std::string Line(const Action& a) {
  switch (a.kind) {
    case ActionKind::kAskCanAdd: return "can_add " + a.element + " #" + std::to_string(a.request);
    case ActionKind::kSpawnMember: return "spawn " + a.element;
    case ActionKind::kExpectLinks: return "expect " + a.element + "." + a.port + " +" + std::to_string(a.member);
    case ActionKind::kReroute: {
      std::string line = "reroute " + a.element + "." + a.port + (a.query ? "?" : "") + " v" +
                         std::to_string(a.route.version) + " [" + Csv(a.route.owners, "") + "]";
      if (!a.route.held.empty()) line += " held " + Csv(a.route.held);
      if (a.add_member >= 0) line += " +" + std::to_string(a.add_member);
      if (a.remove_member >= 0) line += " -" + std::to_string(a.remove_member);
      return line;
    }
    case ActionKind::kExportState:
      return "export " + a.element + " " + Csv(a.groups) + " #" + std::to_string(a.request);
    case ActionKind::kImportState: {
      std::string logs;
      for (const std::string& log : a.logs) logs += (logs.empty() ? "" : ",") + log;
      return "import " + a.element + " " + logs + " #" + std::to_string(a.request);
    }
    case ActionKind::kStopMember: return "stop " + a.element;
    case ActionKind::kDone: return "done " + Csv(a.members) + " v" + std::to_string(a.route.version);
    case ActionKind::kAborted:
      return "aborted " + Csv(a.members) + " v" + std::to_string(a.route.version) + ": " + a.why;
  }
  return "?";
}

inline std::vector<std::string> Lines(const std::vector<Action>& actions) {
  std::vector<std::string> lines;
  for (const Action& action : actions) {
    EXPECT_FALSE(action.description.empty()) << Line(action);
    lines.push_back(Line(action));
  }
  return lines;
}
using L = std::vector<std::string>;

// users: hash(user) over 6 key groups, fed by a.out and b.out, asked by q.ask, feeding sink.in.
inline ShardState Users(std::vector<int> members, std::vector<int> owners, StateKind state = StateKind::kKeyed) {
  ShardState shard;
  shard.table.shard = "users";
  shard.table.route = RouteKind::kHash;
  shard.table.key = "user";
  shard.table.merge = MergeKind::kSum;
  shard.table.key_groups = static_cast<int>(owners.size());
  shard.table.owners = std::move(owners);
  shard.table.version = 1;
  shard.state = state;
  shard.members = std::move(members);
  shard.senders = {{"a", "out", false}, {"b", "out", false}, {"q", "ask", true}};
  shard.receivers = {{"sink", "in"}};
  return shard;
}

inline ShardChange GrowTo(int member) { return {true, member, {}, 1e300}; }
inline ShardChange ShrinkOut(int member) { return {false, member, {}, 1e300}; }

inline Event CanAdd(uint64_t request, bool yes, double cost = 0, std::string why = "") {
  Event e;
  e.kind = EventKind::kCanAddAnswered;
  e.request = request;
  e.yes = yes;
  e.cost = cost;
  e.why = std::move(why);
  return e;
}
inline Event MemberEvent(EventKind kind, int member) {
  Event e;
  e.kind = kind;
  e.member = member;
  return e;
}
inline Event Fenced(std::string element, uint64_t version, std::string port = "out") {
  Event e;
  e.kind = EventKind::kFenced;
  e.element = std::move(element);
  e.port = std::move(port);
  e.version = version;
  return e;
}
inline Event Exported(uint64_t request, std::vector<std::string> logs) {
  Event e;
  e.kind = EventKind::kStateExported;
  e.request = request;
  e.logs = std::move(logs);
  return e;
}
inline Event Imported(uint64_t request) {
  Event e;
  e.kind = EventKind::kStateImported;
  e.request = request;
  return e;
}
inline Event WithError(Event e, std::string error) {
  e.error = std::move(error);
  return e;
}
inline Event SenderEvent(EventKind kind, std::string element) {
  Event e;
  e.kind = kind;
  e.element = std::move(element);
  return e;
}

}  // namespace datablox::shards::migration_test
