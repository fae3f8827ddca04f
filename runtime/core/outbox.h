// Control messages waiting for a socket that is full, kept in order and
// sent again, so that none is lost silently. A control socket never waits
// (the loop that owns it also reaps, restarts and heartbeats), so what it
// refuses now (its queue to a slow or absent peer is full) waits here.
//
// A message with a key (a heartbeat, one element's stats) is the whole state
// of that key: a newer one replaces the one still waiting, and goes last
// (after the events it follows), so a peer away for long costs one message
// per key, not a queue that grows. Messages without a key (an element ended,
// exited, a reply) are events: all are kept, in order, up to a bound; past
// it the oldest is dropped and counted (the peer hears the state again in
// the next heartbeat).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <string>
#include <string_view>

namespace datablox {

class Outbox {
 public:
  // Sends one message without waiting; false when the socket refused it.
  using TrySend = std::function<bool(std::string_view message)>;

  explicit Outbox(size_t max_waiting = 100000) : max_waiting_(max_waiting) {}

  // Queues `message` behind those waiting ("" key: an event).
  void Push(std::string message, std::string key = "");
  // Sends what waits, in order, until the socket refuses one (that one and
  // the rest wait for the next call). Returns how many went.
  size_t Flush(const TrySend& send);
  // Push, then Flush: the common case (nothing waits) costs one send.
  void Send(std::string message, const TrySend& send, std::string key = "");
  // Forgets what waits (its peer is gone for good), counting it as dropped.
  void Clear();

  size_t waiting() const { return waiting_.size(); }
  uint64_t deferred() const { return deferred_; }  // not sent at once: kept, sent later
  uint64_t replaced() const { return replaced_; }  // keyed messages a newer one made moot
  uint64_t dropped() const { return dropped_; }    // lost: past the bound, or cleared

 private:
  struct Entry {
    std::string key;
    std::string message;
  };
  size_t max_waiting_;
  std::list<Entry> waiting_;
  std::map<std::string, std::list<Entry>::iterator, std::less<>> by_key_;
  uint64_t deferred_ = 0, replaced_ = 0, dropped_ = 0;
};

}  // namespace datablox
