#include "runtime/nexus/server_stream.h"

#include <algorithm>
#include <string>

namespace datablox::nexus {

ServerStream::ServerStream(uint32_t window, int64_t heartbeat_ms, int64_t now_ms)
    : window_(std::clamp<uint32_t>(window, 1, kMaxWindow)),
      heartbeat_ms_(heartbeat_ms),
      granted_(window_),
      last_sent_ms_(now_ms) {}

void ServerStream::OnSent(uint64_t items, uint64_t bytes, int64_t now_ms) {
  ++sent_parcels_;
  items_ += items;
  bytes_ += bytes;
  last_sent_ms_ = now_ms;
  max_in_flight_ = std::max(max_in_flight_, in_flight());
}

Status ServerStream::OnCredit(uint32_t parcels) {
  const uint64_t most = sent_parcels_ + window_;  // every sent parcel consumed
  if (granted_ + parcels > most) {
    const uint64_t over = granted_ + parcels - most;
    granted_ = most;
    return Status::Invalid("nexus credit: " + std::to_string(parcels) + " parcels granted, " + std::to_string(over) +
                           " more than were sent");
  }
  granted_ += parcels;
  return Status::OK();
}

bool ServerStream::HeartbeatDue(int64_t now_ms) const {
  return state_ == ServerState::kStreaming && now_ms - last_sent_ms_ >= heartbeat_ms_;
}

Heartbeat ServerStream::MakeHeartbeat(int64_t expected, int64_t now_ms) {
  last_sent_ms_ = now_ms;
  return Heartbeat{items_, bytes_, expected};
}

Completion ServerStream::Complete(int64_t expected, uint64_t potential, uint64_t rejected, int64_t now_ms) {
  state_ = ServerState::kEnded;
  last_sent_ms_ = now_ms;
  return Completion{items_, expected, potential, rejected};
}

}  // namespace datablox::nexus
