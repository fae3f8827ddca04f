#include "shards/autoscaler.h"

#include <algorithm>
#include <utility>

#include "shards/describe.h"

namespace datablox::shards {

Autoscaler::Autoscaler(std::string shard, int min_members, int max_members, ScaleThresholds thresholds)
    : shard_(std::move(shard)), min_members_(min_members), max_members_(max_members), thresholds_(thresholds) {}

void Autoscaler::Observe(const MemberSample& sample) {
  MemberSample& latest = latest_[sample.member];
  if (sample.time_s >= latest.time_s) latest = sample;
}

void Autoscaler::Changed(double now_s) {
  last_change_s_ = now_s;
  overloaded_since_.reset();
  idle_since_.reset();
}

ScaleDecision Autoscaler::Decide(double now_s, const std::vector<int>& members, bool migrating) {
  ScaleDecision decision;
  const int n = static_cast<int>(members.size());
  decision.members = n;
  // Samples of members that left, or from before the last change, say nothing of the shard now.
  for (auto it = latest_.begin(); it != latest_.end();) {
    const bool member = std::find(members.begin(), members.end(), it->first) != members.end();
    it = member ? std::next(it) : latest_.erase(it);
  }
  if (migrating) {
    overloaded_since_.reset();
    idle_since_.reset();
    return decision;
  }
  int counted = 0;
  double busy = 0;
  for (const auto& [id, sample] : latest_) {
    if (now_s - sample.time_s > thresholds_.stale_s) continue;
    if (last_change_s_ && sample.time_s < *last_change_s_) continue;
    ++counted;
    busy += sample.busy_share;
    if (sample.queue_window > 0) {
      decision.queue_share = std::max(decision.queue_share, sample.queue_depth / sample.queue_window);
    }
    decision.blocked_share = std::max(decision.blocked_share, sample.blocked_share);
  }
  if (counted == 0) {  // nothing measured: no spell goes on
    overloaded_since_.reset();
    idle_since_.reset();
    return decision;
  }
  decision.busy_share = busy / counted;

  const ScaleThresholds& t = thresholds_;
  std::string reasons;
  auto reason = [&reasons](const std::string& text) { reasons += (reasons.empty() ? "" : ", ") + text; };
  const bool busy_over = decision.busy_share >= t.grow_busy;
  const bool queue_over = decision.queue_share >= t.grow_queue;
  const bool blocked_over = decision.blocked_share >= t.grow_blocked;
  const bool overloaded = busy_over || queue_over || blocked_over;
  const bool idle = !overloaded && decision.busy_share <= t.shrink_busy && decision.blocked_share <= t.shrink_blocked;
  if (overloaded) {
    if (!overloaded_since_) overloaded_since_ = now_s;
  } else {
    overloaded_since_.reset();
  }
  if (idle) {
    if (!idle_since_) idle_since_ = now_s;
  } else {
    idle_since_.reset();
  }
  if (last_change_s_ && now_s - *last_change_s_ < t.cooldown_s) return decision;

  if (overloaded && n < max_members_ && now_s - *overloaded_since_ >= t.grow_window_s) {
    if (busy_over) reason("busy " + Fixed(decision.busy_share, 2) + " >= " + Fixed(t.grow_busy, 2));
    if (queue_over) reason("queue " + Fixed(decision.queue_share, 2) + " of its window >= " + Fixed(t.grow_queue, 2));
    if (blocked_over) reason("senders blocked " + Fixed(decision.blocked_share, 2) + " >= " + Fixed(t.grow_blocked, 2));
    decision.kind = ScaleDecision::Kind::kGrow;
    decision.sustained_s = now_s - *overloaded_since_;
  } else if (idle && n > min_members_ && now_s - *idle_since_ >= t.shrink_window_s) {
    reason("busy " + Fixed(decision.busy_share, 2) + " <= " + Fixed(t.shrink_busy, 2));
    reason("senders blocked " + Fixed(decision.blocked_share, 2));
    decision.kind = ScaleDecision::Kind::kShrink;
    decision.sustained_s = now_s - *idle_since_;
  } else {
    return decision;
  }
  const bool grow = decision.kind == ScaleDecision::Kind::kGrow;
  decision.members = grow ? n + 1 : n - 1;
  decision.description = std::string(grow ? "grow " : "shrink ") + shard_ + " from " + std::to_string(n) + " to " +
                         Plural(decision.members, "member", "members") + ": " + (grow ? "overloaded" : "idle") +
                         " for " + Fixed(decision.sustained_s, 1) + " s (" + reasons + ")";
  Changed(now_s);
  return decision;
}

}  // namespace datablox::shards
