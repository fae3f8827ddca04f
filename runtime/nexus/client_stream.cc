#include "runtime/nexus/client_stream.h"

#include <algorithm>

namespace datablox::nexus {

const char* ClientStateName(ClientState state) {
  switch (state) {
    case ClientState::kInitiating: return "initiating";
    case ClientState::kStreaming: return "streaming";
    case ClientState::kComplete: return "complete";
    case ClientState::kFailed: return "failed";
    case ClientState::kAborted: return "aborted";
  }
  return "unknown";
}

ClientStream::ClientStream(uint64_t stream_id, const ClientStreamOptions& options, int64_t now_ms)
    : stream_id_(stream_id), options_(options), last_frame_ms_(now_ms) {
  options_.window = std::clamp<uint32_t>(options_.window, 1, kMaxWindow);
}

Frame ClientStream::MakeInitiate(uint64_t operation_id, std::string paradata, std::string port) const {
  return Frame{stream_id_, Initiate{operation_id, options_.window, std::move(paradata), std::move(port)}};
}

void ClientStream::Fail(Status why) {
  state_ = ClientState::kFailed;
  status_ = std::move(why);
}

void ClientStream::FailTransport(std::string_view why) {
  if (live()) Fail(Status::Unavailable(why));
}

ClientAction ClientStream::OnCompletion(const Completion& c) {
  completion_ = c;
  if (c.items != items_) {
    Fail(Status::Invalid("nexus stream " + std::to_string(stream_id_) + ": count mismatch: the completion says " +
                         std::to_string(c.items) + " items, " + std::to_string(items_) + " were received"));
  } else if (c.expected != kUnknownCount && c.items + c.rejected != static_cast<uint64_t>(c.expected)) {
    Fail(Status::Invalid("nexus stream " + std::to_string(stream_id_) + ": short load: " + std::to_string(c.items) +
                         " items + " + std::to_string(c.rejected) + " rejected, " + std::to_string(c.expected) +
                         " expected"));
  } else {
    state_ = ClientState::kComplete;
  }
  return ClientAction::kEnded;
}

ClientAction ClientStream::OnFrame(const Frame& frame, size_t payload_bytes, int64_t now_ms) {
  if (!live()) return ClientAction::kIgnore;
  last_frame_ms_ = now_ms;
  const FrameKind kind = frame.kind();
  if (state_ == ClientState::kInitiating) {
    if (kind == FrameKind::kInitiated) {
      expected_ = std::get<Initiated>(frame.body).expected;
      state_ = ClientState::kStreaming;
      return ClientAction::kNothing;
    }
    if (kind == FrameKind::kError) {
      const auto& e = std::get<Error>(frame.body);
      Fail(Status::Unavailable("nexus stream " + std::to_string(stream_id_) + " refused (code " +
                               std::to_string(static_cast<uint32_t>(e.code)) + "): " + e.message));
      return ClientAction::kEnded;
    }
  } else {
    switch (kind) {
      case FrameKind::kParcel: {
        const auto& p = std::get<Parcel>(frame.body);
        items_ += p.item_count;
        bytes_ += payload_bytes;
        ++parcels_;
        ++unconsumed_;
        max_unconsumed_ = std::max(max_unconsumed_, unconsumed_);
        return ClientAction::kDeliver;
      }
      case FrameKind::kHeartbeat: {
        const auto& h = std::get<Heartbeat>(frame.body);
        if (h.expected != kUnknownCount) expected_ = h.expected;
        return ClientAction::kNothing;
      }
      case FrameKind::kServerError: {
        const auto& e = std::get<ServerError>(frame.body);
        Fail(Status::Unavailable("nexus stream " + std::to_string(stream_id_) + " failed at the server (code " +
                                 std::to_string(static_cast<uint32_t>(e.code)) + "): " + e.message));
        return ClientAction::kEnded;
      }
      case FrameKind::kCompletion: return OnCompletion(std::get<Completion>(frame.body));
      default: break;
    }
  }
  Fail(Status::Invalid(std::string("nexus stream ") + std::to_string(stream_id_) + ": unexpected " +
                       FrameKindName(kind) + " frame while " + ClientStateName(state_)));
  return ClientAction::kEnded;
}

uint32_t ClientStream::Consumed(uint32_t parcels) {
  parcels = std::min(parcels, unconsumed_);
  unconsumed_ -= parcels;
  credit_pending_ += parcels;
  if (!live()) return 0;  // no credit for a stream that ended: the server has forgotten it
  if (credit_pending_ < std::max<uint32_t>(1, options_.window / 2)) return 0;
  const uint32_t grant = credit_pending_;
  credit_pending_ = 0;
  return grant;
}

bool ClientStream::OnTick(int64_t now_ms) {
  if (!live() || now_ms - last_frame_ms_ < options_.timeout_ms) return false;
  Fail(Status::Timeout("nexus stream " + std::to_string(stream_id_) + ": no frame from the server for " +
                       std::to_string(now_ms - last_frame_ms_) + " ms (timeout " + std::to_string(options_.timeout_ms) +
                       " ms) while " + ClientStateName(state_)));
  return true;
}

bool ClientStream::Abort() {
  if (!live()) return false;
  state_ = ClientState::kAborted;
  status_ = Status::Unavailable("nexus stream " + std::to_string(stream_id_) + " aborted by the client");
  return true;
}

}  // namespace datablox::nexus
