// A Nexus client: streams opened to servers by address, one ZeroMQ DEALER
// connection per server address carrying all of them (pooled; evicted when
// stale or idle), each stream checked by its ClientStream (counts, timeout)
// and grouped, when asked, under an operation.
//
// Threading: none of its own. Poll() receives, hands parcels to their
// consumers, sends credit, times streams out and evicts connections; call it
// from one thread:
//
//   nexus::Client client;
//   uint64_t op = client.NewOperation();
//   for (auto& locus : loci) client.Open(locus.address, locus.paradata, op, consume, &stream_id);
//   while (!client.FindOperation(op)->done()) client.Poll(100);
//   Status st = client.FindOperation(op)->status();  // the first stream error, if any
//
// A parcel is consumed when its consumer returns: credit then goes back to
// the server, so a slow consumer slows its server and nothing piles up.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/nexus/client_stream.h"
#include "runtime/nexus/operation.h"
#include "datablox/status.h"

namespace datablox::nexus {

// Called inside Poll() with each parcel of a stream, in order; `bytes` is
// valid during the call. It may Open, Abort or Cancel; it must not Poll.
using ParcelConsumer = std::function<void(uint64_t stream_id, std::string_view bytes, uint64_t items)>;

struct ClientOptions {
  uint32_t window = 8;                // parcels in flight per stream
  int64_t stream_timeout_ms = 10000;  // no frame for this long: the stream fails
  int64_t idle_ttl_ms = 30000;        // a connection unused this long is closed
  // Keep the report of every stream that ends until TakeEnded() takes it
  // (an element host runs each stream's done callback from them).
  bool report_ended = false;
};

// One stream's own settings (Open's); a zero takes the client's.
struct OpenOptions {
  uint64_t operation_id = 0;  // 0: no operation
  std::string port;           // the initiate's entry point at the server ("": none)
  uint32_t window = 0;
  int64_t timeout_ms = 0;
};

// One stream as it ended (or is).
struct StreamReport {
  uint64_t stream_id = 0;
  uint64_t operation_id = 0;
  ClientState state = ClientState::kInitiating;
  Status status;
  uint64_t items = 0;
  uint64_t bytes = 0;
  uint64_t parcels = 0;
  Completion completion;
  uint32_t max_unconsumed = 0;
};

// The client's counts, for an element's handlers (status, the CLI).
struct ClientMetrics {
  uint64_t streams_opened = 0;
  uint64_t streams_complete = 0;
  uint64_t streams_failed = 0;
  uint64_t streams_aborted = 0;
  uint64_t active_streams = 0;
  uint64_t items = 0;
  uint64_t bytes = 0;
  uint64_t rejected = 0;  // summed from completions
  uint64_t malformed_frames = 0;
  uint64_t unknown_stream_frames = 0;  // late frames of ended streams
  uint64_t connections_opened = 0;
  uint64_t connections_evicted = 0;
};

class Client {
 public:
  // How often Service() wants to run while streams are live (their timeouts).
  static constexpr int kTickMs = 100;

  explicit Client(const ClientOptions& options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // A new operation id, to group streams (0 is "no operation").
  uint64_t NewOperation();
  // Opens a stream to `address` (tcp://HOST:PORT) asking for `paradata`.
  Status Open(const std::string& address, std::string paradata, uint64_t operation_id, ParcelConsumer consumer,
              uint64_t* stream_id);
  Status Open(const std::string& address, std::string paradata, const OpenOptions& options, ParcelConsumer consumer,
              uint64_t* stream_id);
  // Aborts one stream; no-op when it ended.
  void Abort(uint64_t stream_id);
  // Aborts every live stream of an operation.
  void Cancel(uint64_t operation_id);

  // Does the work, waiting at most timeout_ms for frames.
  void Poll(int timeout_ms);

  // The same in two halves, for a loop that polls many sockets at once (an
  // element host): poll the handles AppendSocketHandles() adds (they change
  // as connections open and close) for ZMQ_POLLIN, at most WaitHintMs(), then
  // Service(), which never blocks. It must not be called from a consumer.
  void AppendSocketHandles(std::vector<void*>* handles);
  // -1: nothing to do until a frame arrives; else the ms until a tick is due
  // (streams to time out), 0 when reports wait for TakeEnded().
  int WaitHintMs() const;
  void Service();
  // The reports of the streams that ended since the last call, in the
  // order they ended (only with ClientOptions::report_ended).
  void TakeEnded(std::vector<StreamReport>* out);

  size_t live_streams() const;
  // The stream's report, live or ended (the last 4096 ended are kept); NotFound otherwise.
  Status Report(uint64_t stream_id, StreamReport* out) const;
  // The operation, or null when unknown.
  const Operation* FindOperation(uint64_t operation_id) const;
  // Drops a done operation (a client keeps every operation until told).
  void Forget(uint64_t operation_id);
  const ClientMetrics& metrics() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace datablox::nexus
