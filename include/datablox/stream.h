// Streamed replies (Nexus): a query whose answer is not one log but a
// stream of parcels, with progress, abort, errors and a completion whose
// counts the requester checks (a short load is an error, never a success).
//
// The responder's side: a class that serves streams says so in its spec
// (ClassSpec::serves_streams()), and its host then runs a Nexus server for
// it. Each stream asked of it calls Element::on_stream, which returns a
// StreamSource; the host pulls parcels from it within the stream's credit,
// so a slow requester slows the source and memory stays flat.
//
// The requester's side: Element::open_stream on a query output linked to
// such a class (or open_stream_to an address a responder handed out, as a
// sample-store supervisor hands out its workers'), with a consumer that gets
// each parcel in order and a callback that gets the end, once. Streams that
// serve one larger job share an operation id: cancel them at once, their
// first error is the operation's.
//
// Both run in the element's hooks, on the host's one thread, like queries.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "datablox/status.h"

namespace datablox {

// One parcel of a stream: opaque bytes (a few hundred KiB is the sweet
// spot; small parcels cost more per byte) and how many items they hold.
struct StreamParcel {
  std::string bytes;
  uint64_t items = 0;
};

// What a responder returns from on_stream: the stream's parcels, one at a time.
class StreamSource {
 public:
  enum class Fill : uint8_t {
    kParcel,  // *parcel holds the next parcel
    kNotYet,  // nothing ready now (work in progress): asked again within a few ms
    kDone,    // no more parcels: the completion goes out with the counts below
    kFailed,  // *error says why: the requester's stream fails with it
  };
  virtual ~StreamSource() = default;
  // Called only when the stream has credit for one more parcel. Must not
  // block: answer kNotYet and do the work elsewhere (a thread of the
  // element's), or in bounded steps.
  virtual Fill next(StreamParcel* parcel, Status* error) = 0;
  // The completion's counts besides the items sent (which the host counts):
  // the items the source meant to send (-1: unknown), the items it could
  // have sent with no filter, and the items it rejected (counted, with
  // reasons, where the source keeps them).
  virtual int64_t expected() const { return -1; }
  virtual uint64_t potential() const { return 0; }
  virtual uint64_t rejected() const { return 0; }
};

// A stream as its responder sees it arrive.
struct StreamRequest {
  uint64_t stream_id = 0;
  uint64_t operation_id = 0;  // the requester's grouping (0: none)
  std::string_view paradata;  // opaque: what is asked for (valid during on_stream)
};

// How a stream ended, for the requester's done callback.
struct StreamResult {
  uint64_t stream_id = 0;
  // ok only when the completion came and its counts matched what arrived;
  // otherwise the responder's error, a refusal, a count mismatch, a timeout
  // (the responder died or went silent), or Unavailable("aborted") after
  // an abort.
  Status status;
  uint64_t items = 0;  // items received
  uint64_t bytes = 0;  // bytes received
  uint64_t parcels = 0;
  int64_t expected = -1;  // from the completion
  uint64_t potential = 0;
  uint64_t rejected = 0;
};

// Called with each parcel, in order; `bytes` is valid during the call. The
// parcel counts as consumed (credit goes back) when it returns.
using StreamConsumer = std::function<void(std::string_view bytes, uint64_t items)>;
using StreamDone = std::function<void(const StreamResult& result)>;

// What open_stream takes besides the paradata and the callbacks.
struct StreamOptions {
  uint64_t operation_id = 0;   // from new_stream_operation(); 0: the stream stands alone
  uint32_t window = 8;         // parcels in flight at most (the backpressure)
  int64_t timeout_ms = 10000;  // no frame for this long: the stream fails
};

}  // namespace datablox
