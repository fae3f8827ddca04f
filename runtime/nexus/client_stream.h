// The client side of one Nexus stream, without a socket: what the client
// decides for each frame the server sends, for each parcel the consumer has
// consumed, and for the passing of time.
//
//   kInitiating --initiated--> kStreaming --completion (counts check)--> kComplete
//        |                         |  \--completion (counts wrong)----> kFailed
//        |--error----------------->|---server error / timeout / bad --> kFailed
//        \--------- Abort() -------+--------------------------------> kAborted
//
// A completion whose item count is not the items received, or whose items
// plus rejects are not its expected count, fails the stream: a short load is
// an error, never a silent success. A stream that hears no frame for
// timeout_ms fails (the server sends heartbeats while it is alive).
#pragma once

#include <cstdint>
#include <string>

#include "runtime/nexus/frame.h"
#include "datablox/status.h"

namespace datablox::nexus {

enum class ClientState : uint8_t { kInitiating, kStreaming, kComplete, kFailed, kAborted };
const char* ClientStateName(ClientState state);

struct ClientStreamOptions {
  uint32_t window = 8;         // parcels the server may have sent and we not consumed
  int64_t timeout_ms = 10000;  // no frame for this long: the stream fails
};

// What the transport does after a frame.
enum class ClientAction : uint8_t {
  kNothing,  // a frame that only updated the stream's state
  kDeliver,  // a parcel: hand its payload to the consumer, then call Consumed(1)
  kIgnore,   // a late frame for a stream already ended (a parcel after an abort)
  kEnded,    // the stream just ended (complete or failed): report it
};

class ClientStream {
 public:
  ClientStream(uint64_t stream_id, const ClientStreamOptions& options, int64_t now_ms);

  // The initiate frame to send.
  Frame MakeInitiate(uint64_t operation_id, std::string paradata, std::string port = "") const;

  // One frame from the server for this stream; `payload_bytes` is the size of
  // a parcel's payload part (the decoder leaves Parcel::bytes empty).
  ClientAction OnFrame(const Frame& frame, size_t payload_bytes, int64_t now_ms);

  // The consumer consumed `parcels` delivered parcels. Returns the credit to
  // send now (0: none yet; credit goes in batches of half the window).
  uint32_t Consumed(uint32_t parcels);

  // Time passed with no frame: true when the stream just failed on its timeout.
  bool OnTick(int64_t now_ms);

  // The client gives up on the stream. True when an abort frame must be sent
  // (the stream was still live); the stream is then kAborted.
  bool Abort();

  // The transport could not send or lost the connection.
  void FailTransport(std::string_view why);

  uint64_t stream_id() const { return stream_id_; }
  ClientState state() const { return state_; }
  bool live() const { return state_ == ClientState::kInitiating || state_ == ClientState::kStreaming; }
  // OK while live or complete; the reason otherwise.
  const Status& status() const { return status_; }
  uint64_t items_received() const { return items_; }
  uint64_t bytes_received() const { return bytes_; }
  uint64_t parcels_received() const { return parcels_; }
  // The server's expected count (from initiated or a heartbeat), or kUnknownCount.
  int64_t expected() const { return expected_; }
  const Completion& completion() const { return completion_; }
  // Most parcels ever delivered and not yet consumed: at most the window.
  uint32_t max_unconsumed() const { return max_unconsumed_; }

 private:
  void Fail(Status why);
  ClientAction OnCompletion(const Completion& c);

  uint64_t stream_id_;
  ClientStreamOptions options_;
  ClientState state_ = ClientState::kInitiating;
  Status status_;
  int64_t last_frame_ms_;
  uint64_t items_ = 0;
  uint64_t bytes_ = 0;
  uint64_t parcels_ = 0;
  int64_t expected_ = kUnknownCount;
  Completion completion_;
  uint32_t unconsumed_ = 0;      // delivered, not yet consumed
  uint32_t credit_pending_ = 0;  // consumed, not yet granted back
  uint32_t max_unconsumed_ = 0;
};

}  // namespace datablox::nexus
