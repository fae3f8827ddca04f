#include "counter.h"

#include <map>

namespace datablox {
namespace {

// Groups are named by the value's text: strings as they are, the rest as JSON.
std::string GroupName(const Value& value) {
  if (value.type() == ValueType::kString) return std::string(value.as_string());
  return value.to_json();
}

}  // namespace

ClassSpec Counter::spec() {
  return ClassSpec("Counter", "counts logs, in total and grouped by the field KEY when given")
      .describe(
          "Answers on its query port: {} gets {\"count\": N} (and \"groups\": {VALUE: N} when "
          "KEY is set); {\"group\": VALUE} gets {\"group\": VALUE, \"count\": N}. Logs pass on "
          "unchanged through the optional output.")
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
    for (const Log& log : logs) ++groups_[GroupName(log.get(key_))];
  }
  for (const Log& log : logs) forward(log);
}

void Counter::on_query(int, const Log& request, Responder responder) {
  LogBuilder reply;
  Value group = request.get("group");
  if (group.exists()) {
    std::string name = GroupName(group);
    auto it = groups_.find(name);
    reply.add("group", name).add("count", it == groups_.end() ? 0 : it->second);
    responder.reply(reply);
    return;
  }
  reply.add("count", count_);
  if (!key_.empty()) {
    std::map<std::string, uint64_t> sorted(groups_.begin(), groups_.end());  // stable output
    LogBuilder groups;
    for (const auto& [name, n] : sorted) groups.add(name, n);
    reply.add_raw("groups", groups.bytes());
  }
  responder.reply(reply);
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Counter)
