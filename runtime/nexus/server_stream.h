// The server side of one Nexus stream, without a socket: how many parcels it
// may send (credit from the client), what it has sent, when a heartbeat is
// due, and the completion's counts.
//
// The client's initiate grants `window` parcels; every credit frame grants
// as many more as it names, once the client has consumed them. So at most
// `window` parcels are ever sent and not consumed: a slow client slows its
// server, and memory on both sides stays flat whatever socket buffers hold.
#pragma once

#include <cstdint>

#include "runtime/nexus/frame.h"
#include "datablox/status.h"

namespace datablox::nexus {

enum class ServerState : uint8_t { kStreaming, kEnded, kAborted };

class ServerStream {
 public:
  ServerStream(uint32_t window, int64_t heartbeat_ms, int64_t now_ms);

  // Live and within its credit: the server may send one more parcel.
  bool CanSend() const { return state_ == ServerState::kStreaming && sent_parcels_ < granted_; }
  // A parcel of `items` items and `bytes` bytes was sent.
  void OnSent(uint64_t items, uint64_t bytes, int64_t now_ms);
  // A credit frame: more than was sent would be credit for parcels the
  // client never had: a protocol error (Invalid), the grant clamped to it.
  Status OnCredit(uint32_t parcels);
  void OnAbort() {
    if (state_ == ServerState::kStreaming) state_ = ServerState::kAborted;
  }

  // Nothing sent for heartbeat_ms (blocked on credit, or the source slow).
  bool HeartbeatDue(int64_t now_ms) const;
  Heartbeat MakeHeartbeat(int64_t expected, int64_t now_ms);

  // The stream's end, with the counts of what was actually sent.
  Completion Complete(int64_t expected, uint64_t potential, uint64_t rejected, int64_t now_ms);
  // The stream ends with a server error.
  void End() { state_ = ServerState::kEnded; }

  ServerState state() const { return state_; }
  uint64_t items_sent() const { return items_; }
  uint64_t bytes_sent() const { return bytes_; }
  // Parcels sent and not yet credited back; never above the window.
  uint32_t in_flight() const { return static_cast<uint32_t>(sent_parcels_ - (granted_ - window_)); }
  uint32_t max_in_flight() const { return max_in_flight_; }
  uint32_t window() const { return window_; }

 private:
  uint32_t window_;
  int64_t heartbeat_ms_;
  ServerState state_ = ServerState::kStreaming;
  uint64_t granted_;  // window + every credit
  uint64_t sent_parcels_ = 0;
  uint64_t items_ = 0;
  uint64_t bytes_ = 0;
  int64_t last_sent_ms_;
  uint32_t max_in_flight_ = 0;
};

}  // namespace datablox::nexus
