// The caretaker's link to its master: one DEALER socket that never waits
// (the loop that owns it also reaps, restarts and heartbeats) and an outbox
// behind it that never drops an event. The caretaker says hello ("join")
// once, its whole state in a heartbeat every kHeartbeatInterval (a master
// that restarted re-adopts from it), and "left" when it goes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "runtime/auth/curve_client.h"
#include "runtime/caretaker/process_load.h"
#include "runtime/core/client_replies.h"
#include "runtime/core/control.h"
#include "runtime/core/control_protocol.h"
#include "runtime/core/outbox.h"

namespace datablox {

inline constexpr std::chrono::milliseconds kHeartbeatInterval{500};

// What the master knows a node by.
struct NodeFacts {
  std::string node;
  std::string address;  // where its hosts and element inputs bind
  unsigned cores = 1;
  uint64_t memory_mb = 0;
};

// A message is an event (kept, in order) unless it is the whole state of
// its kind, which a newer one replaces while it waits: the heartbeat, and
// one element's stats. Returns the outbox key: "" for an event.
std::string OutboxKey(const control::Json& message);

class MasterLink {
 public:
  using Clock = std::chrono::steady_clock;

  // With `keys` enabled, a CURVE client that talks only to the master whose
  // public key they hold.
  MasterLink(zmq::context_t& zmq, NodeFacts facts, const std::string& endpoint, const auth::ClientKeys& keys = {});

  // Never waits, never drops: what the master's full queue refuses waits
  // in the outbox, in order (see OutboxKey). `message`: one of
  // control_protocol.h's structs.
  template <class Message>
  void Send(const Message& message) {
    SendJson(control::ToJson(message));
  }
  void SendJson(const control::Json& message);
  // Sends what waits, as far as the master's queue takes it.
  void Flush();

  void Join(int pid);
  // `elements`: what runs now; `finished`: the exits told again.
  void Heartbeat(const NodeLoad& load, std::vector<control::RunningElement> elements,
                 std::vector<control::Exited> finished, uint64_t malformed);
  // "left", then up to `linger` for what still waits to go; what does not
  // is counted in the warning and lost.
  void Leave(std::chrono::milliseconds linger);

  // Takes every message the master sent; `handle` gets each well-formed
  // one. Returns how many were not JSON objects.
  uint64_t ReceiveAll(const std::function<void(const control::Json&)>& handle);

  // Poll flags: readable, and writable when something waits.
  zmq::pollitem_t PollItem();

  // For the status service: the master is connected when heard from
  // within three heartbeats.
  control::MasterLinkStatus LinkStatus(Clock::time_point now) const;
  // What the outbox holds back, or lost.
  control::OutboxFigures OutboxFigures() const;
  // Reads the handshake events so far; logs a refusal (and its end) once
  // per change. "" while the master lets us in, else why it does not.
  const std::string& CheckHandshake();

 private:
  Outbox::TrySend SendNow();

  NodeFacts facts_;
  std::string endpoint_;
  zmq::socket_t socket_;
  std::unique_ptr<auth::HandshakeWatch> handshakes_;
  std::string refused_;
  Outbox outbox_;
  Clock::time_point last_heard_{};
};

}  // namespace datablox
