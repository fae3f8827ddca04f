// The host's life: the plan, the wiring, start(), then the poll loop over
// the control channel, every data socket, the timers and production, until
// the element has ended (or failed, or is stopped).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "runtime/core/handler_check.h"
#include "runtime/host/element_host.h"
#include "runtime/host/hook_scope.h"

namespace datablox::host {

int ElementHost::Run() {
  Status st;
  try {
    Assignment assignment;
    st = AwaitPlan(&assignment);
    control::Endpoints endpoints;
    if (st.ok()) st = SetUp(assignment, &endpoints);
    if (st.ok()) SendBound(endpoints);
  } catch (const zmq::error_t& e) {
    st = Status::IOError(fmt::format("binding the inputs: {}", e.what()));
  }
  CheckStop();  // a stop that interrupted the start-up is a stop, not a failure
  if (!st.ok()) {
    spdlog::error("[{}] {}", plan_.name.empty() ? options_.element : plan_.name, st.ToString());
    if (control_) {
      SendFailed(st.ToString(), /*with_stats=*/false);
      AwaitGoodbye();
    }
    return exit_code::kFailed;
  }
  control::ElementPlan wiring;
  if (!AwaitWiring(&wiring).ok()) return exit_code::kPlanFailed;
  try {
    st = Connect(wiring);
  } catch (const zmq::error_t& e) {
    st = Status::IOError(fmt::format("connecting the outputs: {}", e.what()));
  }
  if (st.ok()) st = RestoreSnapshot();  // checkpoints.cc
  if (st.ok()) {
    HookScope hook(in_hook_);
    st = element_->start();
  }
  if (st.ok()) st = CheckHandlers(*spec_, HandlerNames());
  handlers_checked_ = st.ok();  // later registrations are checked one by one
  if (!st.ok()) {
    failure_ = st;
  } else {
    SendStarted();
    started_ = Clock::now();
    produce_at_ = started_;
    Loop();
  }
  element_->stop();
  if (!failure_.ok()) {
    spdlog::error("[{}] failed: {}", plan_.name, failure_.message());
    SendFailed(failure_.message(), /*with_stats=*/true);
    AwaitGoodbye();
    return exit_code::kFailed;
  }
  ReportEnded();
  AwaitGoodbye();
  return exit_code::kOk;
}

void ElementHost::Loop() {
  Clock::time_point last_flush = Clock::now();
  while (phase_ != Phase::kDone && failure_.ok()) {
    CheckStop();
    Clock::time_point now = Clock::now();
    bool can_produce = phase_ == Phase::kRunning && !production_done_ && InputsDone() && now >= produce_at_;
    Milliseconds timeout(0);
    if (!can_produce) {
      // About to sleep: this is the idle point where partial batches go out.
      FlushPartials(/*all_of_them=*/true);
      for (InPort& in : inputs_) GrantRemainders(in, now);
      last_flush = now;
      timeout = control::TimeoutUntil(NextWake(), Milliseconds(200));
    }
    if (streams_) AddStreamPollItems();
    if (!control::Poll(poll_items_.data(), poll_items_.size(), timeout)) continue;  // a signal: CheckStop
    size_t at = 0;
    if (poll_items_[at++].revents & ZMQ_POLLIN) HandleControl();
    if (!state_questions_.empty()) AnswerStateQuestions();  // read inside a hook: answered here
    for (size_t i = 0; i < inputs_.size(); ++i, ++at) {
      if (poll_items_[at].revents & ZMQ_POLLIN) DrainInput(inputs_[i], static_cast<int>(i));
    }
    for (size_t i = 0; i < query_ins_.size(); ++i, ++at) {
      if (poll_items_[at].revents & ZMQ_POLLIN) DrainQueryIn(query_ins_[i], static_cast<int>(i));
    }
    for (size_t i = 0; i < all_query_links_.size() && at < poll_items_.size(); ++i, ++at) {
      // By index: a reroute read in a reply's hook may add links (and rebuild the poll set).
      if (poll_items_[at].revents & ZMQ_POLLIN) DrainQueryOut(*all_query_links_[i].first, *all_query_links_[i].second);
    }
    for (OutLink* link : all_out_links_) {
      if (poll_items_[at++].revents & ZMQ_POLLIN) DrainOutLink(*link);
    }
    if (streams_) ServiceStreams();  // its sockets are the poll set's last: read whether or not they woke it
    ServiceCheckpoints();
    FireTimers();
    ExpireRequests();
    CheckQueryFences();  // a reply or an expiry may have been the last a fence waited for
    AskResyncs(Clock::now());
    if (can_produce && failure_.ok()) {
      auto t0 = Clock::now();
      Production next;
      {
        HookScope hook(in_hook_);
        next = element_->produce();
      }
      busy_ += Clock::now() - t0;
      if (next.next == Production::Next::kDone) production_done_ = true;
      if (next.next == Production::Next::kLater) {
        produce_at_ = Clock::now() + std::min<Milliseconds>(next.delay, std::chrono::hours(24 * 100));
      }
    }
    now = Clock::now();
    if (now - last_flush >= kPartialBatchAge) {
      FlushPartials(/*all_of_them=*/false);
      last_flush = now;
    }
    ProbeSilentReceivers(now);
    AdvanceEnd();
    if (closing_links_ > 0) AdvanceClosingLinks();  // here: nothing is iterating the links
    if (now >= next_stats_) ReportStats();
  }
}

Clock::time_point ElementHost::NextWake() const {
  if (CheckpointWorkDue()) return Clock::now();
  Clock::time_point wake = timers_.NextDue(next_stats_);
  if (streams_) wake = StreamWake(wake);
  for (const auto& [id, request] : pending_) wake = std::min(wake, request.deadline);
  if (phase_ == Phase::kRunning && !production_done_ && InputsDone()) wake = std::min(wake, produce_at_);
  for (const OutLink* link : all_out_links_) {
    if (link->state.pending() > 0) wake = std::min(wake, link->first_pending + kPartialBatchAge);
    if (link->state.waiting())
      wake = std::min(wake, std::max(link->last_heard, link->last_probe) + kProbeSilentReceiverAfter);
  }
  for (const InPort& in : inputs_) {
    for (const auto& [id, link] : in.links) {
      if (link.credit_owed()) wake = std::min(wake, link.last_grant() + kPartialBatchAge);
      if (link.resync_wanted()) wake = std::min(wake, link.last_resync() + kResyncEvery);
    }
  }
  return wake;
}

void ElementHost::FireTimers() {
  if (timers_.empty()) return;
  Clock::time_point now = Clock::now();
  for (int id : timers_.Due(now)) {
    if (!timers_.Fire(id, now)) continue;  // cancelled by an earlier timer's hook
    HookScope hook(in_hook_);
    element_->on_timer(id);
  }
}

}  // namespace datablox::host
