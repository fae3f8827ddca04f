// A Nexus server: one ZeroMQ ROUTER socket bound to an address; every client
// connection (one DEALER per client process) carries many streams. For each
// initiate it asks its handler for a ParcelSource, then feeds the client the
// source's parcels within the stream's credit, heartbeats while it waits,
// and the completion's counts at the end.
//
// Threading: none of its own. Poll() does all the work (receive, send,
// heartbeats) and returns within its timeout; call it from one thread, in
// the element's loop or a loop of its own:
//
//   std::unique_ptr<nexus::Server> server;
//   Status st = nexus::Server::Bind("tcp://127.0.0.1:7000", handler, {}, &server);
//   while (running) server->Poll(100);
//
// A handler returns its source at once; the source may answer kNotYet while
// its data is not ready (it is asked again within 5 ms; heartbeats keep the
// stream alive meanwhile).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/nexus/frame.h"
#include "datablox/status.h"

namespace datablox::nexus {

// What a stream's handler returns: the stream's parcels, one at a time.
class ParcelSource {
 public:
  enum class Fill : uint8_t {
    kParcel,  // *parcel holds the next parcel (bytes, item count)
    kNotYet,  // nothing ready now; ask again later
    kDone,    // no more parcels: the completion goes out
    kFailed,  // *error says why; the client gets a server error
  };
  virtual ~ParcelSource() = default;
  // Called only when the stream has credit for one more parcel.
  virtual Fill Next(Parcel* parcel, Status* error) = 0;
  // The completion's counts besides the items sent (which the server counts).
  virtual int64_t expected() const { return kUnknownCount; }
  virtual uint64_t potential() const { return 0; }
  virtual uint64_t rejected() const { return 0; }
};

struct StreamRequest {
  uint64_t stream_id = 0;
  uint64_t operation_id = 0;
  std::string_view paradata;
  std::string_view port;  // the initiate's entry point ("": none named)
};

// Asked once per initiate: a source for the request, or a non-ok status
// (its message goes to the client in an error frame).
using StreamHandler = std::function<Status(const StreamRequest& request, std::unique_ptr<ParcelSource>* source)>;

struct ServerOptions {
  int64_t heartbeat_ms = 500;  // a heartbeat when a stream sent nothing for this long
};

// The server's counts, for an element's handlers (status, the CLI).
struct ServerMetrics {
  uint64_t streams_initiated = 0;
  uint64_t streams_refused = 0;
  uint64_t streams_completed = 0;
  uint64_t streams_failed = 0;  // the source failed, or the client vanished
  uint64_t streams_aborted = 0;
  uint64_t active_streams = 0;
  uint64_t items = 0;
  uint64_t bytes = 0;
  uint64_t rejected = 0;
  uint64_t malformed_frames = 0;  // frames that did not decode: counted, dropped
  uint64_t protocol_errors = 0;   // decoded, but wrong (credit beyond what was sent)
  uint64_t unknown_stream_frames = 0;
  uint32_t max_in_flight = 0;  // most parcels any stream had sent and not had credited
};

class Server {
 public:
  // Binds `address` (tcp://127.0.0.1:PORT; PORT * picks a free one, see endpoint()).
  static Status Bind(const std::string& address, StreamHandler handler, const ServerOptions& options,
                     std::unique_ptr<Server>* out);
  ~Server();

  // Receives, sends and heartbeats, waiting at most timeout_ms for work.
  void Poll(int timeout_ms);

  // The same in two halves, for a loop that polls many sockets at once
  // (an element host): poll socket_handle() for ZMQ_POLLIN, waiting at most
  // WaitHintMs(), then call Service(), which never blocks.
  void* socket_handle();
  // How long the caller may sleep before Service() has work of its own
  // (parcels to send, a source to ask again, a heartbeat due); -1: none
  // until a frame arrives.
  int WaitHintMs() const;
  void Service();

  const ServerMetrics& metrics() const;
  // The bound address, with its port resolved.
  std::string endpoint() const;

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace datablox::nexus
