#include "aggregate.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <climits>

#include "datablox/shard.h"

namespace datablox {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ClassSpec Aggregate::spec() {
  return ClassSpec("Aggregate", "groups logs by the fields BY and computes COMPUTE over each group, per window")
      .describe(
          "COMPUTE lists \"name = function(field)\" separated by commas; the functions are count() "
          "(logs), count(f) (logs where f is set), sum, min, max, avg, first, last and count_distinct. "
          "A missing or nil field is no value (as SQL's NULL): sum, min, max, avg, first and last of "
          "no value are nil. A log whose field has a type its function cannot take (a string for "
          "sum) is rejected and counted as an error, never aggregated in part. Each emitted log "
          "holds the BY fields, the computed fields and, with a window, window_start and "
          "window_end (the end excluded), as Flink's windows. Groups come out sorted by their "
          "key. WINDOW: \"\" emits once, at the end of input. \"count\": per group, a window of "
          "the group's last SIZE logs every SLIDE logs (window_start and window_end count the "
          "group's logs; at the end of input a group's open window is emitted with what it holds). "
          "\"processing\": windows of SIZE ms every SLIDE ms of the element's clock, from its "
          "start (at the end of input the open window is emitted at the end it would have had). "
          "\"event\": windows of SIZE ms every SLIDE ms of the int field TIME (ms), aligned to "
          "0; the watermark is the largest TIME seen minus DELAY minus 1, and a window is emitted "
          "once the watermark reaches its last millisecond. It is kept LATENESS ms more: a log "
          "arriving for it then emits it again, updated. A log all of whose windows are gone is "
          "late: counted and sent to the \"late\" output, never dropped silently. SLIDE 0 means "
          "SIZE (tumbling windows); count and processing windows need SIZE a multiple of SLIDE.")
      .push_in("in")
      .push_out("out", {}, /*required=*/true, "one log per group (and window)")
      .push_out("late", {}, /*required=*/false, "event-time logs that came after their windows were closed")
      .param_list("by", {}, "the fields to group by, e.g. [\"user\"]; empty: one group")
      .param_string("compute", "what to compute, e.g. \"n = count(), bytes = sum(size)\"")
      .param_string("window", "", "\"\" (at end of input), \"count\", \"processing\" or \"event\"")
      .param_int("size", 0, "the window's length: logs (count) or ms")
      .param_int("slide", 0, "how far apart windows start; 0: SIZE (tumbling)")
      .param_string("time", "", "event time: the int field holding a log's time in ms")
      .param_int("delay", 0, "event time: how far (ms) logs may come out of order before the watermark passes them")
      .param_int("lateness", 0, "event time: how long (ms) a window is kept after it was emitted, for late logs")
      .handler("logs", "logs aggregated")
      .handler("emitted", "logs emitted (one per group and window)")
      .handler("groups", "groups in the open windows")
      .handler("late", "late logs sent to the late output")
      .handler("errors", "logs rejected: a field of the wrong type, or no TIME");
}

Status Aggregate::configure(const Params& params) {
  std::vector<ParamValue> by;
  std::string compute, window;
  Status st = params.read("by", by)
                  .read("compute", compute)
                  .read("window", window)
                  .read("size", size_)
                  .read("slide", slide_)
                  .read("time", time_field_)
                  .read("delay", delay_)
                  .read("lateness", lateness_)
                  .status();
  if (!st.ok()) return st;
  std::vector<std::string> errors;
  for (size_t i = 0; i < by.size(); ++i) {
    if (by[i].kind != ParamValue::Kind::kString || by[i].s.empty()) {
      errors.push_back(fmt::format("by[{}]: a field name (a string), not {}", i, by[i].ToString()));
    } else {
      by_.push_back(by[i].s);
    }
  }
  if (Status parsed = ParseComputations(compute, &compute_); !parsed.ok()) {
    errors.push_back("compute: " + parsed.message());
  }
  if (window.empty()) {
    window_ = Window::kNone;
  } else if (window == "count") {
    window_ = Window::kCount;
  } else if (window == "processing") {
    window_ = Window::kProcessing;
  } else if (window == "event") {
    window_ = Window::kEvent;
  } else {
    errors.push_back(fmt::format("window: \"{}\" is none of \"\", \"count\", \"processing\", \"event\"", window));
  }
  if (slide_ == 0) slide_ = size_;
  if (window_ != Window::kNone && !window.empty()) {
    if (size_ <= 0) errors.push_back("size: a window needs a size > 0");
    if (slide_ < 0 || slide_ > size_)
      errors.push_back(fmt::format("slide: {} is not within 1..size ({})", slide_, size_));
    if ((window_ == Window::kCount || window_ == Window::kProcessing) && size_ > 0 && slide_ > 0 &&
        size_ % slide_ != 0) {
      errors.push_back(fmt::format("slide: size ({}) must be a multiple of slide ({})", size_, slide_));
    }
  }
  if (window_ == Window::kEvent && time_field_.empty()) errors.push_back("time: an event-time window needs TIME");
  if (window_ != Window::kEvent && !time_field_.empty()) errors.push_back("time: only an event-time window reads TIME");
  if (delay_ < 0) errors.push_back("delay: must be >= 0");
  if (lateness_ < 0) errors.push_back("lateness: must be >= 0");
  if (!errors.empty()) {
    std::string all;
    for (const std::string& e : errors) all += (all.empty() ? "" : "; ") + e;
    return Status::Invalid(all);
  }
  add_read_handler("logs", [this] { return std::to_string(logs_); });
  add_read_handler("emitted", [this] { return std::to_string(emitted_); });
  add_read_handler("late", [this] { return std::to_string(late_); });
  add_read_handler("errors", [this] { return std::to_string(errors_); });
  add_read_handler("groups", [this] {
    size_t n = groups_.size() + counts_.size();
    for (const auto& [start, w] : event_windows_) n += w.groups.size();
    return std::to_string(n);
  });
  return Status::OK();
}

Status Aggregate::start() {
  late_port_ = push_out_port("late");
  if (window_ == Window::kProcessing) {
    pane_end_ = NowMs() + slide_;
    set_timer(Milliseconds(slide_), Milliseconds(slide_));
  }
  return Status::OK();
}

std::string Aggregate::GroupKey(const Log& log) const {
  std::string key;
  for (const std::string& field : by_) {
    key += KeyText(log.get(field));
    key += '\x1f';
  }
  return key;
}

Aggregate::Group& Aggregate::Find(Groups& groups, const std::string& key, const Log& log) {
  auto it = groups.find(key);
  if (it != groups.end()) return it->second;
  LogBuilder keys;
  for (const std::string& field : by_) {
    Value v = log.get(field);
    if (v.exists()) {
      keys.add(field, v);
    } else {
      keys.add_nil(field);
    }
  }
  Group& group = groups[key];
  group.keys = OwnedLog(std::string(keys.bytes()));
  group.values.resize(compute_.size());
  return group;
}

void Aggregate::AddTo(Group& group, const Log& log) {
  for (size_t i = 0; i < compute_.size(); ++i) group.values[i].Add(compute_[i], log);
  ++group.logs;
}

void Aggregate::on_batch(int, Batch logs) {
  const Accumulator checker;
  std::string error;
  for (const Log& log : logs) {
    bool ok = log.valid();
    if (!ok) error = "not a msgpack map";
    for (size_t i = 0; ok && i < compute_.size(); ++i) ok = checker.Check(compute_[i], log, &error);
    if (!ok) {
      ++errors_;
      reject(error);
      continue;
    }
    key_ = GroupKey(log);
    switch (window_) {
      case Window::kNone:
      case Window::kProcessing: AddTo(Find(groups_, key_, log), log); break;
      case Window::kCount: OnCountLog(key_, log); break;
      case Window::kEvent: OnEventLog(key_, log); continue;  // counted there: a late log is not aggregated
    }
    ++logs_;
  }
  if (window_ == Window::kEvent && seen_time_) {
    watermark_ = std::max(watermark_, max_time_ - delay_ - 1);
    CloseEventWindows(watermark_, /*ending=*/false);
  }
}

void Aggregate::EmitGroups(const Groups& groups, bool windowed, int64_t start, int64_t end) {
  std::vector<const std::pair<const std::string, Group>*> sorted;
  for (const auto& entry : groups) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* entry : sorted) EmitGroup(entry->second, windowed, start, end);
}

void Aggregate::EmitGroup(const Group& group, bool windowed, int64_t start, int64_t end) {
  out_.clear().add_fields(group.keys.log());
  if (windowed) out_.add_int("window_start", start).add_int("window_end", end);
  for (size_t i = 0; i < compute_.size(); ++i) group.values[i].Write(compute_[i], &out_);
  emit(out_);
  ++emitted_;
}

// ---------------------------------------------------------------- count windows

void Aggregate::OnCountLog(const std::string& key, const Log& log) {
  CountState& state = counts_[key];
  if (state.panes.empty() || state.panes.back().logs == static_cast<uint64_t>(slide_)) {
    Groups scratch;
    state.panes.push_back(std::move(Find(scratch, key, log)));
  }
  AddTo(state.panes.back(), log);
  ++state.seen;
  if (state.panes.back().logs == static_cast<uint64_t>(slide_)) {
    EmitCountWindow(state, state.panes.back());
    if (state.panes.size() == static_cast<size_t>(size_ / slide_)) state.panes.pop_front();
  }
}

void Aggregate::EmitCountWindow(CountState& state, const Group& open) {
  Group merged;
  merged.values.resize(compute_.size());
  for (const Group& pane : state.panes) {
    for (size_t i = 0; i < compute_.size(); ++i) merged.values[i].Merge(pane.values[i]);
    merged.logs += pane.logs;
  }
  merged.keys = OwnedLog(std::string(open.keys.bytes()));
  const auto end = static_cast<int64_t>(state.seen);
  EmitGroup(merged, true, end - static_cast<int64_t>(merged.logs), end);
}

// ----------------------------------------------------------- processing windows

void Aggregate::on_timer(int) {
  if (window_ == Window::kProcessing) ClosePane();
}

void Aggregate::ClosePane() {
  panes_.push_back(std::move(groups_));
  groups_.clear();
  while (panes_.size() > static_cast<size_t>(size_ / slide_)) panes_.pop_front();
  Groups window;
  for (const Groups& pane : panes_) {
    for (const auto& [key, group] : pane) {
      auto [it, fresh] = window.try_emplace(key);
      if (fresh) {
        it->second.keys = OwnedLog(std::string(group.keys.bytes()));
        it->second.values.resize(compute_.size());
      }
      for (size_t i = 0; i < compute_.size(); ++i) it->second.values[i].Merge(group.values[i]);
      it->second.logs += group.logs;
    }
  }
  EmitGroups(window, true, pane_end_ - size_, pane_end_);
  pane_end_ += slide_;
}

// ---------------------------------------------------------------- event windows

void Aggregate::OnEventLog(const std::string& key, const Log& log) {
  Value time = log.get(time_field_);
  if (time.type() != ValueType::kInt) {
    ++errors_;
    reject(fmt::format("time: \"{}\" must be an int (ms), not {}", time_field_,
                       time.exists() ? ValueTypeName(time.type()) : "missing"));
    return;
  }
  const int64_t t = time.as_int();
  bool placed = false;
  for (int64_t start = FloorDiv(t, slide_) * slide_; start > t - size_; start -= slide_) {
    const int64_t last_ms = start + size_ - 1;
    if (watermark_ != INT64_MIN && last_ms + lateness_ <= watermark_) continue;  // that window is gone
    EventWindow& window = event_windows_[start];
    AddTo(Find(window.groups, key, log), log);
    if (window.fired) window.changed = true;
    placed = true;
  }
  if (!seen_time_ || t > max_time_) max_time_ = t;
  seen_time_ = true;
  if (!placed) {
    ++late_;
    forward(log, late_port_);
    return;
  }
  ++logs_;
}

void Aggregate::CloseEventWindows(int64_t watermark, bool ending) {
  for (auto it = event_windows_.begin(); it != event_windows_.end();) {
    const int64_t start = it->first, last_ms = start + size_ - 1;
    EventWindow& window = it->second;
    if ((ending || last_ms <= watermark) && (!window.fired || window.changed)) {
      EmitGroups(window.groups, true, start, start + size_);
      window.fired = true;
      window.changed = false;
    }
    if (ending || last_ms + lateness_ <= watermark) {
      it = event_windows_.erase(it);
    } else {
      ++it;
    }
  }
}

void Aggregate::on_inputs_ended() {
  switch (window_) {
    case Window::kNone: EmitGroups(groups_, false, 0, 0); break;
    case Window::kProcessing:
      if (!groups_.empty()) ClosePane();
      break;
    case Window::kCount: {
      std::vector<std::string> keys;
      for (const auto& [key, state] : counts_) {
        if (!state.panes.empty() && state.panes.back().logs < static_cast<uint64_t>(slide_)) keys.push_back(key);
      }
      std::sort(keys.begin(), keys.end());
      for (const std::string& key : keys) EmitCountWindow(counts_[key], counts_[key].panes.back());
      break;
    }
    case Window::kEvent: CloseEventWindows(INT64_MAX, /*ending=*/true); break;
  }
  groups_.clear();
  counts_.clear();
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Aggregate)
