// The Nexus protocol, declared once (Burst's Nexus): every frame a client and
// a server exchange, its fields, and its codec. Nothing else in the code
// spells a frame kind.
//
// One stream, as the frames go:
//
//   client                                   server
//   kInitiate (stream, operation, paradata,
//              window, port)        ───────>
//                                   <─────── kInitiated (expected)   or kError
//                                   <─────── kParcel (bytes, items)  ... at most `window`
//   kCredit (parcels consumed)      ───────>                              unconsumed
//                                   <─────── kHeartbeat (progress)   while idle or blocked
//   kAbort (reason)                 ───────>                         ends it early, or
//                                   <─────── kServerError            the server fails, or
//                                   <─────── kCompletion (items, expected, potential, rejected)
//
// On the wire a frame is one ZeroMQ message part holding a msgpack array
// [kind, stream_id, fields...], and, for a parcel only, a second part holding
// the parcel's bytes as they are (no msgpack framing around the payload: a
// big parcel is copied as few times as possible). Many streams share one
// connection per peer pair; the stream id (chosen by the client, unique on
// its connection) tells them apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "datablox/status.h"

namespace datablox::nexus {

enum class FrameKind : uint8_t {
  kInitiate = 1,     // client -> server: open a stream
  kInitiated = 2,    // server -> client: the stream is open
  kError = 3,        // server -> client: the stream could not be opened
  kParcel = 4,       // server -> client: data
  kHeartbeat = 5,    // server -> client: progress, and "I am alive"
  kCredit = 6,       // client -> server: parcels consumed, the server may send as many more
  kAbort = 7,        // client -> server: stop this stream
  kServerError = 8,  // server -> client: the stream failed after it was initiated
  kCompletion = 9,   // server -> client: the stream is done; its counts, which the client checks
};
constexpr uint8_t kFirstFrameKind = 1;
constexpr uint8_t kLastFrameKind = 9;

// A count not known (yet): a heartbeat's or an initiated's `expected`.
constexpr int64_t kUnknownCount = -1;

// Bounds the decoder holds a header to. A header is a flat array: anything
// nested is malformed (the depth limit of the msgpack decoder is this).
constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr size_t kMaxDecodeDepth = 1;
constexpr size_t kMaxParadataBytes = 32 * 1024;
constexpr size_t kMaxMessageBytes = 4 * 1024;
constexpr size_t kMaxPortBytes = 256;  // an initiate's `port`: a port name
constexpr uint32_t kMaxWindow = 1024;  // parcels in flight per stream, at most
static_assert(kMaxParadataBytes + kMaxMessageBytes < kMaxHeaderBytes, "a header holds its largest field");
static_assert(kMaxPortBytes <= kMaxMessageBytes, "the decoder's string limit covers a port name");

// Error codes of kError and kServerError.
enum class ErrorCode : uint32_t {
  kRefused = 1,        // the handler refused the paradata
  kNoHandler = 2,      // the server has no stream handler
  kUnknownStream = 3,  // a credit or abort for a stream the server does not have
  kFailed = 4,         // the handler failed mid-stream
  kMalformed = 5,      // the server could not decode the request
};

struct Initiate {
  uint64_t operation_id = 0;  // groups the streams of one larger operation (0: none)
  uint32_t window = 0;        // parcels the server may send before the first credit
  std::string paradata;       // opaque to Nexus: what the handler is asked for
  // Which of the server's entry points the stream is for ("": none named).
  // An element host serves streams for its query inputs: the requester's
  // link arrives on one, and its name goes here (Element::on_stream's port).
  std::string port;
};
struct Initiated {
  int64_t expected = kUnknownCount;  // items the server expects to send
};
struct Error {
  ErrorCode code = ErrorCode::kRefused;
  std::string message;
};
struct Parcel {
  uint64_t item_count = 0;  // items in `bytes`: what the completion's count adds up
  std::string bytes;
};
struct Heartbeat {
  uint64_t items = 0;  // items sent so far
  uint64_t bytes = 0;  // parcel bytes sent so far
  int64_t expected = kUnknownCount;
};
struct Credit {
  uint32_t parcels = 0;
};
struct Abort {
  std::string reason;
};
struct ServerError {
  ErrorCode code = ErrorCode::kFailed;
  std::string message;
};
struct Completion {
  uint64_t items = 0;                // items sent: must equal the items the client received
  int64_t expected = kUnknownCount;  // items the server meant to send: items + rejected when known
  uint64_t potential = 0;            // items the source held before any filter
  uint64_t rejected = 0;             // items the server could not send (too big, malformed)
};

using FrameBody = std::variant<Initiate, Initiated, Error, Parcel, Heartbeat, Credit, Abort, ServerError, Completion>;
// The variant's index is the kind's value minus one.
static_assert(std::variant_size_v<FrameBody> == kLastFrameKind - kFirstFrameKind + 1, "one alternative per kind");

struct Frame {
  uint64_t stream_id = 0;
  FrameBody body;

  FrameKind kind() const { return static_cast<FrameKind>(body.index() + kFirstFrameKind); }
};

const char* FrameKindName(FrameKind kind);

// The header part of `frame`, msgpack. A parcel's bytes are not in it: they
// go as they are, in the message's second part (Frame's Parcel::bytes).
std::string EncodeHeader(const Frame& frame);

// Decodes a header; `has_payload` says whether a second part followed it.
// A parcel's bytes are left empty: the transport hands the payload part to
// the consumer as it arrived, without a copy. A malformed header (not
// msgpack, nested, too big, a field missing or of the wrong type, an unknown
// kind, a parcel without its payload or another frame with one) is an
// Invalid status saying what is wrong; never an exception, never a crash.
Status DecodeHeader(std::string_view header, bool has_payload, Frame* out);

}  // namespace datablox::nexus
