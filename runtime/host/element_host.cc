// The rest of what an element calls from its hooks: timers, pacing,
// handlers, failing, and what it asks about its ports and its batch.
#include "runtime/host/element_host.h"

#include "runtime/core/handler_check.h"

namespace datablox::host {

int ElementHost::SetTimer(Milliseconds delay, Milliseconds period) { return timers_.Add(Clock::now(), delay, period); }

void ElementHost::CancelTimer(int id) { timers_.Cancel(id); }

void ElementHost::WaitUntil(Clock::time_point deadline) {
  auto t0 = Clock::now();
  zmq::pollitem_t item{control_->handle(), 0, ZMQ_POLLIN, 0};
  while (Clock::now() < deadline) {
    CheckStop();
    control::Poll(&item, 1, control::TimeoutUntil(deadline, Milliseconds(100)));
    if (item.revents & ZMQ_POLLIN) HandleControl();
    if (Clock::now() >= next_stats_) ReportStats();
  }
  busy_ -= Clock::now() - t0;  // waiting on purpose is not work
}

void ElementHost::AddHandler(std::string name, std::function<std::string()> read,
                             std::function<Status(std::string_view)> write) {
  if (handlers_checked_) {
    if (Status st = CheckHandlerDeclared(*spec_, name); !st.ok()) return Fail(st);
  }
  Handler& h = handlers_[name];
  if (read) h.read = std::move(read);
  if (write) h.write = std::move(write);
}

std::vector<std::string> ElementHost::HandlerNames() const {
  std::vector<std::string> names;
  for (const auto& [name, handler] : handlers_) {
    if (!handler.host_owned) names.push_back(name);
  }
  return names;
}

void ElementHost::Fail(const Status& why) {
  if (failure_.ok()) failure_ = why.ok() ? Status::Internal("failed without a reason") : why;
}

InputPosition ElementHost::BatchPosition() const {
  if (!batch_link_) return {};
  return {*batch_link_, batch_stream_, batch_first_, batch_end_};
}

bool ElementHost::Connected(int push_out) const {
  return push_out >= 0 && push_out < static_cast<int>(outputs_.size()) && !outputs_[push_out].links.empty();
}

}  // namespace datablox::host
