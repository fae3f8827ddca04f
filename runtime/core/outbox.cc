#include "runtime/core/outbox.h"

namespace datablox {

void Outbox::Push(std::string message, std::string key) {
  ++deferred_;
  if (!key.empty()) {
    if (auto old = by_key_.find(key); old != by_key_.end()) {
      waiting_.erase(old->second);
      by_key_.erase(old);
      ++replaced_;
    }
  }
  waiting_.push_back({std::move(key), std::move(message)});
  if (!waiting_.back().key.empty()) by_key_[waiting_.back().key] = std::prev(waiting_.end());
  while (waiting_.size() > max_waiting_) {
    if (!waiting_.front().key.empty()) by_key_.erase(waiting_.front().key);
    waiting_.pop_front();
    ++dropped_;
  }
}

size_t Outbox::Flush(const TrySend& send) {
  size_t sent = 0;
  while (!waiting_.empty()) {
    if (!send(waiting_.front().message)) break;
    if (!waiting_.front().key.empty()) by_key_.erase(waiting_.front().key);
    waiting_.pop_front();
    ++sent;
  }
  return sent;
}

void Outbox::Send(std::string message, const TrySend& send, std::string key) {
  if (waiting_.empty() && send(message)) return;
  bool refused_now = waiting_.empty();
  Push(std::move(message), std::move(key));
  if (!refused_now) Flush(send);
}

void Outbox::Clear() {
  dropped_ += waiting_.size();
  waiting_.clear();
  by_key_.clear();
}

}  // namespace datablox
