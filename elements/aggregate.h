// Aggregate: its documentation is Aggregate::spec() in aggregate.cc, which
// `datablox describe Aggregate` prints.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "aggregate_compute.h"
#include "datablox/element.h"

namespace datablox {

class Aggregate : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  Status start() override;
  void on_batch(int port, Batch logs) override;
  void on_timer(int timer_id) override;
  void on_inputs_ended() override;

 private:
  enum class Window : uint8_t { kNone, kCount, kProcessing, kEvent };
  // One group's values (its BY fields, as a log) and accumulators.
  struct Group {
    OwnedLog keys;
    std::vector<Accumulator> values;
    uint64_t logs = 0;
  };
  using Groups = std::unordered_map<std::string, Group>;
  // Count windows: a group's panes of SLIDE logs, the last SIZE/SLIDE kept.
  struct CountState {
    std::deque<Group> panes;
    uint64_t seen = 0;  // the group's logs so far
  };
  struct EventWindow {
    Groups groups;
    bool fired = false, changed = false;
  };

  std::string GroupKey(const Log& log) const;
  Group& Find(Groups& groups, const std::string& key, const Log& log);
  void AddTo(Group& group, const Log& log);
  void EmitGroups(const Groups& groups, bool windowed, int64_t start, int64_t end);
  void EmitGroup(const Group& group, bool windowed, int64_t start, int64_t end);
  void OnCountLog(const std::string& key, const Log& log);
  void EmitCountWindow(CountState& state, const Group& open);
  void OnEventLog(const std::string& key, const Log& log);
  void CloseEventWindows(int64_t watermark, bool ending);
  void ClosePane();

  std::vector<std::string> by_;
  std::vector<Computation> compute_;
  Window window_ = Window::kNone;
  int64_t size_ = 0, slide_ = 0, delay_ = 0, lateness_ = 0;
  std::string time_field_;
  int late_port_ = -1;

  Groups groups_;                                       // no window; the open pane of a processing window
  std::unordered_map<std::string, CountState> counts_;  // count windows, by group
  std::deque<Groups> panes_;                            // processing windows: the closed panes kept
  int64_t pane_end_ = 0;                                // processing windows: when the open pane closes (ms)
  std::map<int64_t, EventWindow> event_windows_;        // event windows, by start
  int64_t max_time_ = 0;
  bool seen_time_ = false;
  int64_t watermark_ = INT64_MIN;

  LogBuilder out_;
  std::string key_;
  uint64_t logs_ = 0, emitted_ = 0, late_ = 0, errors_ = 0;
};

}  // namespace datablox
