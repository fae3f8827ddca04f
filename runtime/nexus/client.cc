#include "runtime/nexus/client.h"

#include <chrono>
#include <deque>
#include <map>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "runtime/nexus/client_pool.h"
#include "runtime/nexus/steady_clock.h"

namespace datablox::nexus {

struct Client::Impl {
  struct Opened {
    ClientStream stream;
    uint64_t connection_id;
    uint64_t operation_id;
    ParcelConsumer consumer;
  };

  // Messages handled per connection per Poll: one busy server does not starve
  // the timeouts of the others.
  static constexpr int kMaxReceivesPerPoll = 256;
  // Reports of ended streams kept for Report(): a long-lived client forgets
  // the oldest, so its memory does not grow with every stream it ever had.
  static constexpr size_t kMaxReports = 4096;

  ClientOptions options;
  zmq::context_t context{1};
  ClientPool pool;
  std::map<uint64_t, zmq::socket_t> connections;
  std::map<uint64_t, Opened> streams;  // the live ones, and those ended since the last Sweep()
  std::vector<uint64_t> just_ended;
  std::vector<StreamReport> ended_reports;   // for TakeEnded(), with options.report_ended
  std::map<uint64_t, StreamReport> reports;  // ended streams, the newest kMaxReports
  std::deque<uint64_t> report_order;
  std::map<uint64_t, Operation> operations;
  ClientMetrics metrics;
  uint64_t next_stream_id = 1;
  bool polling = false;
  uint64_t next_operation_id = 1;

  explicit Impl(const ClientOptions& o) : options(o), pool(o.idle_ttl_ms) {}

  bool Send(uint64_t connection_id, const Frame& frame) {
    auto it = connections.find(connection_id);
    if (it == connections.end()) return false;
    const std::string header = EncodeHeader(frame);
    try {
      return it->second.send(zmq::buffer(header), zmq::send_flags::dontwait).has_value();
    } catch (const zmq::error_t&) {
      return false;
    }
  }

  Operation* FindOperation(uint64_t id) {
    auto it = operations.find(id);
    return it == operations.end() ? nullptr : &it->second;
  }

  // The stream ended (complete, failed or aborted): its connection, its
  // operation and the counts learn it once.
  void Ended(uint64_t stream_id, Opened& o, int64_t now) {
    pool.Release(o.connection_id, now);
    switch (o.stream.state()) {
      case ClientState::kComplete: ++metrics.streams_complete; break;
      case ClientState::kAborted: ++metrics.streams_aborted; break;
      default: ++metrics.streams_failed; break;
    }
    metrics.rejected += o.stream.completion().rejected;
    --metrics.active_streams;
    just_ended.push_back(stream_id);
    if (options.report_ended) ended_reports.push_back(ReportOf(stream_id, o));
    if (Operation* op = FindOperation(o.operation_id)) {
      op->OnProgress(stream_id, o.stream.items_received(), o.stream.bytes_received(), o.stream.expected());
      op->OnEnded(stream_id, o.stream.status());
    }
  }

  void OnMessage(zmq::message_t& header, zmq::message_t* payload, int64_t now) {
    Frame frame;
    if (!DecodeHeader(header.to_string_view(), payload != nullptr, &frame).ok()) {
      ++metrics.malformed_frames;
      return;
    }
    auto it = streams.find(frame.stream_id);
    if (it == streams.end()) {
      ++metrics.unknown_stream_frames;
      return;
    }
    Opened& o = it->second;
    const size_t payload_bytes = payload == nullptr ? 0 : payload->size();
    switch (o.stream.OnFrame(frame, payload_bytes, now)) {
      case ClientAction::kNothing: break;
      case ClientAction::kIgnore: ++metrics.unknown_stream_frames; break;
      case ClientAction::kDeliver: {
        const uint64_t items = std::get<Parcel>(frame.body).item_count;
        metrics.items += items;
        metrics.bytes += payload_bytes;
        if (o.consumer) o.consumer(frame.stream_id, payload->to_string_view(), items);
        if (const uint32_t credit = o.stream.Consumed(1)) Send(o.connection_id, Frame{frame.stream_id, Credit{credit}});
        break;
      }
      case ClientAction::kEnded: Ended(frame.stream_id, o, now); break;
    }
  }

  void Receive(zmq::socket_t& socket, int64_t now) {
    for (int i = 0; i < kMaxReceivesPerPoll; ++i) {
      zmq::message_t header, payload, extra;
      if (!socket.recv(header, zmq::recv_flags::dontwait)) return;
      if (!header.more()) {
        OnMessage(header, nullptr, now);
        continue;
      }
      (void)socket.recv(payload, zmq::recv_flags::none);
      bool too_many_parts = false;
      for (bool more = payload.more(); more; more = extra.more()) {
        too_many_parts = true;  // read to the message's end, then dropped
        (void)socket.recv(extra, zmq::recv_flags::none);
      }
      if (too_many_parts) {
        ++metrics.malformed_frames;
      } else {
        OnMessage(header, &payload, now);
      }
    }
  }

  static StreamReport ReportOf(uint64_t stream_id, const Opened& o) {
    const ClientStream& s = o.stream;
    return StreamReport{stream_id,          o.operation_id,       s.state(),      s.status(),        s.items_received(),
                        s.bytes_received(), s.parcels_received(), s.completion(), s.max_unconsumed()};
  }

  // Ended streams leave the live table for the reports. Not while Poll()
  // is handing out parcels: a consumer that aborts its own stream must not
  // free the stream under the frame being handled (Poll sweeps at its end).
  void Sweep() {
    if (polling) return;
    for (uint64_t stream_id : just_ended) {
      auto it = streams.find(stream_id);
      if (it == streams.end()) continue;
      reports[stream_id] = ReportOf(stream_id, it->second);
      report_order.push_back(stream_id);
      streams.erase(it);
    }
    just_ended.clear();
    while (report_order.size() > kMaxReports) {
      reports.erase(report_order.front());
      report_order.pop_front();
    }
  }

  void Tick(int64_t now) {
    for (auto& [stream_id, o] : streams) {
      if (o.stream.OnTick(now)) {
        pool.MarkStale(o.connection_id);  // the server may be gone: new streams get a new connection
        Ended(stream_id, o, now);
      } else if (Operation* op = FindOperation(o.operation_id)) {
        op->OnProgress(stream_id, o.stream.items_received(), o.stream.bytes_received(), o.stream.expected());
      }
    }
    for (uint64_t connection_id : pool.Evict(now)) {
      connections.erase(connection_id);
      ++metrics.connections_evicted;
    }
  }
};

Client::Client(const ClientOptions& options) : impl_(std::make_unique<Impl>(options)) {}
Client::~Client() = default;

uint64_t Client::NewOperation() {
  const uint64_t id = impl_->next_operation_id++;
  impl_->operations.emplace(id, Operation(id));
  return id;
}

Status Client::Open(const std::string& address, std::string paradata, uint64_t operation_id, ParcelConsumer consumer,
                    uint64_t* stream_id) {
  OpenOptions options;
  options.operation_id = operation_id;
  return Open(address, std::move(paradata), options, std::move(consumer), stream_id);
}

Status Client::Open(const std::string& address, std::string paradata, const OpenOptions& options,
                    ParcelConsumer consumer, uint64_t* stream_id) {
  Impl& m = *impl_;
  const uint64_t operation_id = options.operation_id;
  if (options.port.size() > kMaxPortBytes) return Status::Invalid("nexus: the port name is too long");
  if (paradata.size() > kMaxParadataBytes) {
    return Status::Invalid("nexus: paradata over " + std::to_string(kMaxParadataBytes) + " bytes");
  }
  if (operation_id != 0 && m.FindOperation(operation_id) == nullptr) {
    return Status::NotFound("nexus: no operation " + std::to_string(operation_id));
  }
  const int64_t now = SteadyNowMs();
  const Lease lease = m.pool.Acquire(address, now);
  if (lease.opened) {
    try {
      zmq::socket_t socket(m.context, zmq::socket_type::dealer);
      socket.set(zmq::sockopt::linger, 0);
      socket.set(zmq::sockopt::rcvhwm, 0);  // credit bounds what arrives, per stream
      socket.set(zmq::sockopt::sndhwm, 0);
      socket.connect(address);
      m.connections.emplace(lease.connection_id, std::move(socket));
      ++m.metrics.connections_opened;
    } catch (const zmq::error_t& e) {
      m.pool.Release(lease.connection_id, now);
      m.pool.MarkStale(lease.connection_id);
      return Status::Invalid("nexus: cannot connect to " + address + ": " + e.what());
    }
  }
  const uint64_t id = m.next_stream_id++;
  ClientStreamOptions stream_options{options.window != 0 ? options.window : m.options.window,
                                     options.timeout_ms > 0 ? options.timeout_ms : m.options.stream_timeout_ms};
  auto [it, inserted] = m.streams.emplace(
      id, Impl::Opened{ClientStream(id, stream_options, now), lease.connection_id, operation_id, std::move(consumer)});
  ++m.metrics.streams_opened;
  ++m.metrics.active_streams;
  if (Operation* op = m.FindOperation(operation_id)) op->Add(id);
  if (!m.Send(lease.connection_id, it->second.stream.MakeInitiate(operation_id, std::move(paradata), options.port))) {
    it->second.stream.FailTransport("nexus: cannot send the initiate to " + address);
    m.Ended(id, it->second, now);
    m.Sweep();
  }
  *stream_id = id;
  return Status::OK();
}

void Client::Abort(uint64_t stream_id) {
  Impl& m = *impl_;
  auto it = m.streams.find(stream_id);
  if (it == m.streams.end() || !it->second.stream.Abort()) return;
  m.Send(it->second.connection_id, Frame{stream_id, nexus::Abort{"aborted by the client"}});
  m.Ended(stream_id, it->second, SteadyNowMs());
  m.Sweep();
}

void Client::Cancel(uint64_t operation_id) {
  Operation* op = impl_->FindOperation(operation_id);
  if (op == nullptr) return;
  // The operation records "cancelled" before the aborts reach it, so its
  // status says why the streams ended, not that the first was aborted.
  for (uint64_t stream_id : op->Cancel()) {
    auto it = impl_->streams.find(stream_id);
    if (it == impl_->streams.end() || !it->second.stream.Abort()) continue;
    impl_->Send(it->second.connection_id, Frame{stream_id, nexus::Abort{"operation cancelled"}});
    impl_->Ended(stream_id, it->second, SteadyNowMs());
  }
  impl_->Sweep();
}

void Client::Poll(int timeout_ms) {
  std::vector<void*> handles;
  AppendSocketHandles(&handles);
  std::vector<zmq::pollitem_t> items;
  for (void* handle : handles) items.push_back(zmq::pollitem_t{handle, 0, ZMQ_POLLIN, 0});
  const int wait = static_cast<int>(std::min<int64_t>(timeout_ms, impl_->options.stream_timeout_ms));
  if (items.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));  // nothing to hear: only time passes
  } else {
    try {
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(wait));
    } catch (const zmq::error_t&) {
      return;  // EINTR: a signal; the caller's loop decides whether to go on
    }
  }
  Service();
}

void Client::AppendSocketHandles(std::vector<void*>* handles) {
  for (auto& [connection_id, socket] : impl_->connections) handles->push_back(socket.handle());
}

int Client::WaitHintMs() const {
  const Impl& m = *impl_;
  if (!m.ended_reports.empty()) return 0;
  if (m.metrics.active_streams == 0) return -1;
  // Timeouts are checked on a tick: a stream fails within a tick of its timeout.
  return static_cast<int>(std::min<int64_t>(kTickMs, m.options.stream_timeout_ms));
}

void Client::Service() {
  Impl& m = *impl_;
  const int64_t now = SteadyNowMs();
  m.polling = true;
  // Every connection is read without waiting (a read that finds nothing is
  // cheap), so the caller need not say which of them its poll saw ready.
  for (auto& [connection_id, socket] : m.connections) {
    try {
      m.Receive(socket, now);
    } catch (const zmq::error_t&) {
      // EINTR mid-receive: what is left is read on the next poll
    }
  }
  m.polling = false;
  m.Sweep();  // streams that ended on a frame: no tick, no progress for them
  m.Tick(now);
  m.Sweep();
}

void Client::TakeEnded(std::vector<StreamReport>* out) {
  for (StreamReport& report : impl_->ended_reports) out->push_back(std::move(report));
  impl_->ended_reports.clear();
}

size_t Client::live_streams() const { return impl_->metrics.active_streams; }

Status Client::Report(uint64_t stream_id, StreamReport* out) const {
  if (auto live = impl_->streams.find(stream_id); live != impl_->streams.end()) {
    *out = Impl::ReportOf(stream_id, live->second);
    return Status::OK();
  }
  auto it = impl_->reports.find(stream_id);
  if (it == impl_->reports.end()) return Status::NotFound("nexus: no stream " + std::to_string(stream_id));
  *out = it->second;
  return Status::OK();
}

const Operation* Client::FindOperation(uint64_t operation_id) const {
  auto it = impl_->operations.find(operation_id);
  return it == impl_->operations.end() ? nullptr : &it->second;
}

void Client::Forget(uint64_t operation_id) {
  auto it = impl_->operations.find(operation_id);
  if (it != impl_->operations.end() && it->second.done()) impl_->operations.erase(it);
}

const ClientMetrics& Client::metrics() const { return impl_->metrics; }

}  // namespace datablox::nexus
