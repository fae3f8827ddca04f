#include "runtime/nexus/server.h"

#include <chrono>
#include <map>
#include <utility>
#include <vector>
#include <zmq.hpp>

#include "runtime/nexus/server_stream.h"
#include "runtime/nexus/steady_clock.h"

namespace datablox::nexus {

struct Server::Impl {
  // A stream is known by its client's connection and its id on it.
  using StreamKey = std::pair<std::string, uint64_t>;

  struct Served {
    ServerStream stream;
    std::unique_ptr<ParcelSource> source;
  };

  // Incoming messages handled per Poll before sending: credits keep flowing
  // while a burst of initiates waits its turn.
  static constexpr int kMaxReceivesPerPoll = 256;
  // How soon a source that answered kNotYet is asked again.
  static constexpr int64_t kNotYetRetryMs = 5;
  // Send passes (a parcel per stream each) between two looks at the socket.
  static constexpr int kMaxPassesPerPoll = 16;

  StreamHandler handler;
  ServerOptions options;
  zmq::context_t context{1};
  zmq::socket_t socket{context, zmq::socket_type::router};
  std::map<StreamKey, Served> streams;
  ServerMetrics metrics;

  // Sends [routing id][header] or [routing id][header][payload]. False when
  // the client is gone (ROUTER_MANDATORY: EHOSTUNREACH).
  bool Send(const std::string& peer, const Frame& frame, std::string* payload) {
    const std::string header = EncodeHeader(frame);
    try {
      socket.send(zmq::buffer(peer), zmq::send_flags::sndmore);
      if (payload == nullptr) {
        socket.send(zmq::buffer(header), zmq::send_flags::none);
      } else {
        socket.send(zmq::buffer(header), zmq::send_flags::sndmore);
        // The parcel's bytes are handed to ZeroMQ, not copied: its I/O
        // thread frees them once written.
        auto* owned = new std::string(std::move(*payload));
        zmq::message_t message(
            owned->data(), owned->size(), [](void*, void* hint) { delete static_cast<std::string*>(hint); }, owned);
        socket.send(message, zmq::send_flags::none);
      }
      return true;
    } catch (const zmq::error_t&) {
      return false;
    }
  }

  void EndStream(std::map<StreamKey, Served>::iterator it, uint64_t* counter) {
    ++*counter;
    it->second.stream.End();
    streams.erase(it);
    metrics.active_streams = streams.size();
  }

  void OnInitiate(const std::string& peer, uint64_t stream_id, Initiate& initiate, int64_t now) {
    const StreamKey key{peer, stream_id};
    if (streams.count(key) != 0) {
      ++metrics.protocol_errors;  // a second initiate for a live stream: the first goes on
      return;
    }
    std::unique_ptr<ParcelSource> source;
    Status st =
        handler ? handler(StreamRequest{stream_id, initiate.operation_id, initiate.paradata, initiate.port}, &source)
                : Status::Unavailable("no stream handler");
    if (st.ok() && source == nullptr) st = Status::Internal("the stream handler returned no source");
    if (!st.ok()) {
      ++metrics.streams_refused;
      Send(peer, Frame{stream_id, Error{handler ? ErrorCode::kRefused : ErrorCode::kNoHandler, st.ToString()}},
           nullptr);
      return;
    }
    ++metrics.streams_initiated;
    const int64_t expected = source->expected();
    Served served{ServerStream(initiate.window, options.heartbeat_ms, now), std::move(source)};
    streams.emplace(key, std::move(served));
    metrics.active_streams = streams.size();
    Send(peer, Frame{stream_id, Initiated{expected}}, nullptr);
  }

  void OnFrame(const std::string& peer, Frame& frame, int64_t now) {
    if (frame.kind() == FrameKind::kInitiate)
      return OnInitiate(peer, frame.stream_id, std::get<Initiate>(frame.body), now);
    auto it = streams.find(StreamKey{peer, frame.stream_id});
    if (it == streams.end()) {
      ++metrics.unknown_stream_frames;  // a credit or abort racing the stream's end: harmless
      return;
    }
    if (frame.kind() == FrameKind::kCredit) {
      if (!it->second.stream.OnCredit(std::get<Credit>(frame.body).parcels).ok()) ++metrics.protocol_errors;
    } else if (frame.kind() == FrameKind::kAbort) {
      it->second.stream.OnAbort();
      EndStream(it, &metrics.streams_aborted);
    } else {
      ++metrics.protocol_errors;  // a server's frame sent to the server
    }
  }

  // One message from the socket, if one is waiting. False when none.
  bool ReceiveOne(int64_t now) {
    zmq::message_t peer, header, payload, extra;
    if (!socket.recv(peer, zmq::recv_flags::dontwait)) return false;
    bool has_payload = false;
    bool too_many_parts = false;
    if (!peer.more() || !socket.recv(header, zmq::recv_flags::none)) {
      ++metrics.malformed_frames;
      return true;
    }
    if (header.more()) {
      has_payload = true;
      (void)socket.recv(payload, zmq::recv_flags::none);
      for (bool more = payload.more(); more; more = extra.more()) {
        too_many_parts = true;  // read to the message's end, then dropped
        (void)socket.recv(extra, zmq::recv_flags::none);
      }
    }
    Frame frame;
    if (too_many_parts || !DecodeHeader(header.to_string_view(), has_payload, &frame).ok()) {
      ++metrics.malformed_frames;
      return true;
    }
    OnFrame(peer.to_string(), frame, now);
    return true;
  }

  // One parcel (or the end) of every stream that has credit, a heartbeat
  // for every stream silent too long. Sets send_again (a stream can go on at
  // once) and source_waiting (a source answered kNotYet).
  void SendPass(int64_t now) {
    send_again = false;
    source_waiting = false;
    for (auto it = streams.begin(); it != streams.end();) {
      auto next = std::next(it);
      if (!SendOne(it, now)) {
        it = next;
        continue;
      }
      Served& s = it->second;
      if (s.stream.HeartbeatDue(now) &&
          !Send(it->first.first, Frame{it->first.second, s.stream.MakeHeartbeat(s.source->expected(), now)}, nullptr)) {
        EndStream(it, &metrics.streams_failed);  // the client's connection is gone
      }
      it = next;
    }
  }

  // The stream's next parcel, or its end, if it has credit. False when the
  // stream ended (and was erased).
  bool SendOne(std::map<StreamKey, Served>::iterator it, int64_t now) {
    Served& s = it->second;
    if (!s.stream.CanSend()) return true;
    const std::string& peer = it->first.first;
    const uint64_t stream_id = it->first.second;
    Parcel parcel;
    Status error;
    switch (s.source->Next(&parcel, &error)) {
      case ParcelSource::Fill::kParcel: {
        const uint64_t items = parcel.item_count;
        const uint64_t bytes = parcel.bytes.size();
        if (!Send(peer, Frame{stream_id, Parcel{items, {}}}, &parcel.bytes)) {
          EndStream(it, &metrics.streams_failed);  // the client's connection is gone
          return false;
        }
        s.stream.OnSent(items, bytes, now);
        metrics.items += items;
        metrics.bytes += bytes;
        metrics.max_in_flight = std::max(metrics.max_in_flight, s.stream.in_flight());
        send_again = send_again || s.stream.CanSend();
        return true;
      }
      case ParcelSource::Fill::kNotYet: source_waiting = true; return true;
      case ParcelSource::Fill::kDone: {
        const Completion c = s.stream.Complete(s.source->expected(), s.source->potential(), s.source->rejected(), now);
        metrics.rejected += c.rejected;
        Send(peer, Frame{stream_id, c}, nullptr);
        EndStream(it, &metrics.streams_completed);
        return false;
      }
      case ParcelSource::Fill::kFailed:
        Send(peer, Frame{stream_id, ServerError{ErrorCode::kFailed, error.ToString()}}, nullptr);
        EndStream(it, &metrics.streams_failed);
        return false;
    }
    return true;
  }

  bool send_again = false;
  bool source_waiting = false;
};

Status Server::Bind(const std::string& address, StreamHandler handler, const ServerOptions& options,
                    std::unique_ptr<Server>* out) {
  auto impl = std::make_unique<Impl>();
  impl->handler = std::move(handler);
  impl->options = options;
  try {
    impl->socket.set(zmq::sockopt::router_mandatory, 1);
    impl->socket.set(zmq::sockopt::sndhwm, 0);  // credit bounds what is queued, per stream
    impl->socket.set(zmq::sockopt::rcvhwm, 0);
    impl->socket.set(zmq::sockopt::linger, 0);
    impl->socket.bind(address);
  } catch (const zmq::error_t& e) {
    return Status::Unavailable("nexus server: cannot bind " + address + ": " + e.what());
  }
  out->reset(new Server(std::move(impl)));
  return Status::OK();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

void Server::Poll(int timeout_ms) {
  int wait = WaitHintMs();
  wait = wait < 0 ? timeout_ms : std::min(wait, timeout_ms);
  zmq::pollitem_t item{impl_->socket.handle(), 0, ZMQ_POLLIN, 0};
  try {
    zmq::poll(&item, 1, std::chrono::milliseconds(wait));
  } catch (const zmq::error_t&) {
    return;  // EINTR: a signal; the caller's loop decides whether to go on
  }
  Service();
}

void* Server::socket_handle() { return impl_->socket.handle(); }

int Server::WaitHintMs() const {
  const Impl& m = *impl_;
  // No waiting while a stream can send; a source that said kNotYet is asked
  // again soon; heartbeats are never late by more than a poll.
  if (m.send_again) return 0;
  if (m.source_waiting) return static_cast<int>(std::min<int64_t>(Impl::kNotYetRetryMs, m.options.heartbeat_ms));
  if (!m.streams.empty()) return static_cast<int>(m.options.heartbeat_ms);
  return -1;
}

void Server::Service() {
  Impl& m = *impl_;
  const int64_t now = SteadyNowMs();
  try {
    for (int i = 0; i < Impl::kMaxReceivesPerPoll && m.ReceiveOne(now); ++i) {
    }
  } catch (const zmq::error_t&) {
    // EINTR mid-receive: what is left is read on the next poll
  }
  // Several passes per poll while streams have credit: a poll (a system
  // call and ZeroMQ's mailbox) per parcel cost more than a small parcel.
  m.SendPass(now);
  for (int pass = 1; pass < Impl::kMaxPassesPerPoll && m.send_again; ++pass) m.SendPass(now);
}

const ServerMetrics& Server::metrics() const { return impl_->metrics; }

std::string Server::endpoint() const { return impl_->socket.get(zmq::sockopt::last_endpoint); }

}  // namespace datablox::nexus
