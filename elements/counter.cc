#include "counter.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "counter_merge.h"

namespace datablox {

ClassSpec Counter::spec() {
  return ClassSpec("Counter", "counts logs, in total and grouped by the field KEY when given")
      .describe(
          "Answers on its query port: {} gets {\"count\": N} (and \"groups\": {VALUE: N} when "
          "KEY is set); {\"group\": VALUE} gets {\"group\": VALUE, \"count\": N}; {\"top\": N} "
          "gets {\"top\": [{\"group\": VALUE, \"count\": N}, ...], \"limit\": N, \"count\": N}, "
          "the N largest groups, largest first (ties by name). Logs pass on unchanged through "
          "the optional output. As a shard's member its state is one count per group, moved "
          "with its key group: route by KEY (hash(KEY)), and merge replies with `merge: sum` "
          "(the total and every group's count add up) or `merge: custom` (also merges top-N "
          "lists: exact with hash routing, where each group is counted by one member).")
      .shardable(StateKind::kKeyed, "key")
      .merge(MergeCounterReplies)
      .push_in("in")
      .push_out("out", {}, /*required=*/false, "the same logs, unchanged")
      .query_in("query", /*required=*/false, "counts so far")
      .param_string("key", "", "the field to group by; empty: no groups")
      .handler("count", "logs counted")
      .handler("groups", "distinct values of KEY")
      .handler("reset", "write any value: count and groups start again from zero");
}

Status Counter::configure(const Params& params) {
  add_read_handler("count", [this] { return std::to_string(count_); });
  add_read_handler("groups", [this] { return std::to_string(groups_.size()); });
  add_write_handler("reset", [this](std::string_view) {
    count_ = 0;
    groups_.clear();
    return Status::OK();
  });
  return params.read("key", key_).status();
}

void Counter::on_batch(int, Batch logs) {
  count_ += logs.size();
  if (!key_.empty()) {
    // A group's name is its key's KeyText: the text hash routing hashes,
    // so that export_state finds a key group's counts by their names.
    for (const Log& log : logs) ++groups_[KeyText(log.get(key_))];
  }
  for (const Log& log : logs) forward(log);
}

void Counter::on_query(int, const Log& request, Responder responder) {
  LogBuilder reply;
  if (Value limit = request.get("top"); limit.exists()) {
    AnswerTop(limit, responder);
    return;
  }
  Value group = request.get("group");
  if (group.exists()) {
    std::string name = KeyText(group);
    auto it = groups_.find(name);
    reply.add("group", name).add("count", it == groups_.end() ? 0 : it->second);
    responder.reply(reply);
    return;
  }
  WriteCounts(reply);
  responder.reply(reply);
}

void Counter::AnswerTop(const Value& limit, Responder& responder) {
  if (limit.type() != ValueType::kInt || limit.as_int() < 1) {
    responder.error("\"top\" must be a positive integer: how many groups");
    return;
  }
  std::vector<std::pair<std::string, uint64_t>> top(groups_.begin(), groups_.end());
  const size_t n = std::min<size_t>(top.size(), static_cast<size_t>(limit.as_int()));
  std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(n), top.end(), CountThenName);
  top.resize(n);
  LogBuilder reply;
  WriteTop(top, limit.as_int(), count_, &reply);
  responder.reply(reply);
}

// One log per key: {"key": KEY_TEXT, "count": N}. A keyless counter's state
// is its total alone, which no key group holds: it moves only with the whole
// key space (a leaving member hands over all it has).
void Counter::WriteCounts(LogBuilder& out) const {
  out.add("count", count_);
  if (!key_.empty()) {
    std::map<std::string, uint64_t> sorted(groups_.begin(), groups_.end());  // stable output
    LogBuilder groups;
    for (const auto& [name, n] : sorted) groups.add(name, n);
    out.add_raw("groups", groups.bytes());
  }
}

// The counts as the query answers them: {"count": N, "groups": {VALUE: N}}.
Status Counter::snapshot(std::string* state) {
  LogBuilder counts;
  WriteCounts(counts);
  state->assign(counts.bytes());
  return Status::OK();
}

Status Counter::restore(std::string_view state) {
  count_ = 0;
  groups_.clear();
  if (state.empty()) return Status::OK();  // back to its start
  OwnedLog snapshot{std::string(state)};
  Value count = snapshot.log().get("count"), groups = snapshot.log().get("groups");
  if (!snapshot.log().valid() || count.type() != ValueType::kInt || count.as_int() < 0) {
    return Status::Invalid("a Counter snapshot holds {\"count\": N >= 0}");
  }
  count_ = static_cast<uint64_t>(count.as_int());
  if (!groups.exists()) return Status::OK();
  if (groups.type() != ValueType::kMap) return Status::Invalid("a Counter snapshot's \"groups\" is a map");
  for (size_t i = 0; i < groups.size(); ++i) {
    const Value n = groups.at(i);
    if (n.type() != ValueType::kInt || n.as_int() < 0) {
      groups_.clear();
      count_ = 0;
      return Status::Invalid(fmt::format("a Counter snapshot's group '{}' has no count", groups.key_at(i)));
    }
    groups_[std::string(groups.key_at(i))] = static_cast<uint64_t>(n.as_int());
  }
  return Status::OK();
}

Status Counter::export_state(const KeyGroupSet& moving, std::vector<OwnedLog>* out) {
  LogBuilder log;
  if (key_.empty()) {
    if (static_cast<int>(moving.members().size()) == moving.groups() && count_ > 0) {
      log.add("count", count_);
      out->emplace_back(std::string(log.bytes()));
      count_ = 0;
    }
    return Status::OK();
  }
  std::vector<std::pair<std::string, uint64_t>> leaving;
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (moving.contains_text(it->first)) {
      leaving.emplace_back(it->first, it->second);
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
  std::sort(leaving.begin(), leaving.end());  // the same state, the same logs
  for (const auto& [name, n] : leaving) {
    log.clear().add("key", name).add("count", n);
    out->emplace_back(std::string(log.bytes()));
    count_ -= n;
  }
  return Status::OK();
}

// Counts of a key present here already are added: each side counted other
// logs (with hash routing a key's logs wait while its group moves, so this
// side normally has none; with another routing every member counts some of
// every key's logs), and the count of a key is the sum over the logs.
// Checked whole before anything changes: the state is taken over entirely
// or not at all.
Status Counter::import_state(Batch state) {
  for (size_t i = 0; i < state.size(); ++i) {
    Value key = state[i].get("key"), count = state[i].get("count");
    if (count.type() != ValueType::kInt || count.as_int() < 0) {
      return Status::Invalid(fmt::format("state log {}: \"count\" must be a count (an integer >= 0)", i));
    }
    if (key_.empty() ? key.exists() : key.type() != ValueType::kString) {
      return Status::Invalid(fmt::format("state log {}: {}", i,
                                         key_.empty() ? "a counter without KEY holds no per-key counts"
                                                      : "\"key\" must be a group's name (a string)"));
    }
  }
  for (const Log& log : state) {
    const auto n = static_cast<uint64_t>(log.get("count").as_int());
    count_ += n;
    if (!key_.empty()) groups_[std::string(log.get("key").as_string())] += n;
  }
  return Status::OK();
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Counter)
