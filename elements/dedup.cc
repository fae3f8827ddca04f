#include "dedup.h"

#include <fmt/format.h>

#include "datablox/shard.h"

namespace datablox {

ClassSpec Dedup::spec() {
  return ClassSpec("Dedup", "passes on the first log of each KEY among the last WITHIN distinct keys")
      .describe(
          "KEY lists the fields whose values make a log's key (empty: the whole log, byte for "
          "byte). A log whose key is among the WITHIN most recently first-seen keys is a "
          "duplicate: counted and sent to the optional \"duplicates\" output. WITHIN bounds the "
          "memory: when a new key would make WITHIN + 1, the oldest is forgotten, and a log with "
          "that key passes again.")
      .push_in("in")
      .push_out("out", {}, /*required=*/true, "the first log of each key")
      .push_out("duplicates", {}, /*required=*/false, "the logs whose key was remembered")
      .param_list("key", {}, "the fields that make a log's key, e.g. [\"id\"]; empty: the whole log")
      .param_int("within", "how many distinct keys are remembered (> 0)")
      .handler("passed", "logs passed on")
      .handler("dropped", "duplicates")
      .handler("remembered", "keys remembered now (at most WITHIN)");
}

Status Dedup::configure(const Params& params) {
  std::vector<ParamValue> key;
  Status st = params.read("key", key).read("within", within_).status();
  if (!st.ok()) return st;
  std::string errors;
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i].kind != ParamValue::Kind::kString || key[i].s.empty()) {
      errors +=
          fmt::format("{}key[{}]: a field name (a string), not {}", errors.empty() ? "" : "; ", i, key[i].ToString());
    } else {
      key_.push_back(key[i].s);
    }
  }
  if (within_ <= 0) errors += fmt::format("{}within: must be > 0, not {}", errors.empty() ? "" : "; ", within_);
  if (!errors.empty()) return Status::Invalid(errors);
  add_read_handler("passed", [this] { return std::to_string(passed_); });
  add_read_handler("dropped", [this] { return std::to_string(dropped_); });
  add_read_handler("remembered", [this] { return std::to_string(seen_.size()); });
  return Status::OK();
}

void Dedup::on_batch(int, Batch logs) {
  if (duplicates_port_ < 0) duplicates_port_ = push_out_port("duplicates");
  for (const Log& log : logs) {
    text_.clear();
    if (key_.empty()) {
      text_ = log.bytes();
    } else {
      for (const std::string& field : key_) {
        text_ += KeyText(log.get(field));
        text_ += '\x1f';
      }
    }
    if (seen_.count(text_) != 0) {
      ++dropped_;
      forward(log, duplicates_port_);
      continue;
    }
    if (order_.size() == static_cast<size_t>(within_)) {
      seen_.erase(order_.front());
      order_.pop_front();
    }
    seen_.insert(text_);
    order_.push_back(text_);
    ++passed_;
    forward(log, 0);
  }
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Dedup)
