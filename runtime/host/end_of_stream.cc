// The end of an element, in phases. Running: once every input has ended and
// production is done, on_inputs_ended(), then (no reply pending) flush and
// END on every output. Ending: once every END is acked and every log done
// with downstream, and our own senders heard we are done with theirs, and
// every requester said END: done, and the process exits.
#include "runtime/host/element_host.h"
#include "runtime/host/hook_scope.h"

namespace datablox::host {

void ElementHost::AdvanceEnd() {
  if (phase_ == Phase::kRunning) {
    if (!InputsDone() || !production_done_) return;
    if (!inputs_ended_called_) {
      inputs_ended_called_ = true;
      HookScope hook(in_hook_);
      element_->on_inputs_ended();
    }
    if (!pending_.empty() || !failure_.ok()) return;  // replies may still emit
    if (!StreamsQuiet()) return;                      // so may streams' parcels and done callbacks
    if (routes_to_shards_ && AnyHeldLogs()) return;   // their groups' new owners get them first
    // By index: a credit wait may apply a reroute, which adds links.
    for (size_t i = 0; i < all_out_links_.size(); ++i) SendBatch(*all_out_links_[i]);
    for (size_t i = 0; i < all_out_links_.size(); ++i) {
      if (!all_out_links_[i]->state.end_sent()) SendEnd(*all_out_links_[i]);  // a leaving member's has it
    }
    for (auto [port, q] : all_query_links_) SendQueryEnd(*q);
    phase_ = Phase::kEnding;
    ReportStats();
  }
  if (phase_ == Phase::kEnding) {
    // END is acknowledged, and every log done with downstream, before
    // anything closes: until then a receiver that restarts needs our replay.
    for (OutLink* link : all_out_links_) {
      if (!link->state.done()) return;
    }
    // And our own senders hear that we are done with all they sent.
    for (InPort& port : inputs_) {
      for (auto& [id, in] : port.links) {
        if (!in.known()) continue;
        Grant(port, id, in, /*remainder=*/true);
        if (in.granted() < in.expect()) return;
      }
    }
    for (auto [port, q] : all_query_links_) {
      if (!q->leaving && !q->end_acked) return;  // a member that left may be gone: not waited for
    }
    // A responder stays up while any requester may still ask, or a stream
    // asked of it by address is being served.
    for (QueryIn& q : query_ins_) {
      if (!q.done()) return;
    }
    if (!StreamsQuiet()) return;
    phase_ = Phase::kDone;
  }
}

}  // namespace datablox::host
