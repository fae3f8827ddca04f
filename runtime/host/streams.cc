// Streams (stream.h): the responder's Nexus server and the requester's
// Nexus client, each made only when the element needs it, both serviced
// from the host's one poll loop (their sockets at the end of the poll set).
// A host whose element uses no streams keeps streams_ null: the loop's only
// cost is that pointer's test.
#include <fmt/format.h>
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "runtime/core/link_id.h"
#include "runtime/host/element_host.h"
#include "runtime/host/hook_scope.h"
#include "runtime/host/stream_source_adapter.h"
#include "runtime/host/stream_state.h"

namespace datablox::host {

namespace {

// Operations a requester's client remembers; older ones are forgotten
// once done (their streams' done callbacks have long run).
constexpr size_t kMaxOperations = 4096;

int64_t SteadyMs() { return std::chrono::duration_cast<Milliseconds>(Clock::now().time_since_epoch()).count(); }

StreamResult ResultOf(const nexus::StreamReport& report) {
  StreamResult result;
  result.stream_id = report.stream_id;
  result.status = report.state == nexus::ClientState::kAborted ? Status::Unavailable("aborted") : report.status;
  result.items = report.items;
  result.bytes = report.bytes;
  result.parcels = report.parcels;
  result.expected = report.completion.expected;
  result.potential = report.completion.potential;
  result.rejected = report.completion.rejected;
  return result;
}

}  // namespace

ElementHost::ElementHost(const HostOptions& options) : options_(options) {}
ElementHost::~ElementHost() = default;

StreamState& ElementHost::Streams() {
  if (!streams_) {
    streams_ = std::make_unique<StreamState>();
    // Parcels are big and short-lived: glibc would give each back to the
    // kernel and fault it in again (~60,000 minor faults per GiB received,
    // ~25% of Nexus's throughput; runtime/nexus/README.md). Kept instead.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
  }
  return *streams_;
}

void ElementHost::AddHostHandler(const std::string& name, std::function<std::string()> read) {
  Handler& h = handlers_[name];
  h.read = std::move(read);
  h.host_owned = true;
}

Status ElementHost::BindStreamServer(const Assignment& assignment, control::Endpoints* endpoints) {
  StreamState& s = Streams();
  auto previous = assignment.bind.find(control::kStreamServerKey);
  std::vector<std::string> addresses;
  if (previous != assignment.bind.end() && !previous->second.empty()) addresses.push_back(previous->second);
  addresses.push_back(fmt::format("tcp://{}:*", options_.bind_host));
  auto handler = [this](const nexus::StreamRequest& request, std::unique_ptr<nexus::ParcelSource>* out) {
    return ServeStream(request, out);
  };
  Status st;
  for (const std::string& address : addresses) {
    st = nexus::Server::Bind(address, handler, {}, &s.server);
    if (st.ok()) break;
    spdlog::warn("[{}] {}", plan_.name, st.ToString());  // a restart's old address taken: a new one
  }
  if (!st.ok()) return st;
  (*endpoints)[control::kStreamServerKey] = s.server->endpoint();
  const nexus::Server* server = s.server.get();
  auto count = [server](uint64_t nexus::ServerMetrics::*field) {
    return [server, field] { return std::to_string(server->metrics().*field); };
  };
  AddHostHandler("streams_out_active", count(&nexus::ServerMetrics::active_streams));
  AddHostHandler("streams_out_done", count(&nexus::ServerMetrics::streams_completed));
  AddHostHandler("streams_out_failed", count(&nexus::ServerMetrics::streams_failed));
  AddHostHandler("streams_out_refused", count(&nexus::ServerMetrics::streams_refused));
  AddHostHandler("streams_out_aborted", count(&nexus::ServerMetrics::streams_aborted));
  AddHostHandler("stream_out_items", count(&nexus::ServerMetrics::items));
  AddHostHandler("stream_out_bytes", count(&nexus::ServerMetrics::bytes));
  AddHostHandler("stream_out_rejected", count(&nexus::ServerMetrics::rejected));
  AddHostHandler("stream_out_items_per_s", [this, server] {
    return fmt::format("{:.0f}", streams_->items_out_rate.Sample(SteadyMs(), server->metrics().items));
  });
  return Status::OK();
}

Status ElementHost::ServeStream(const nexus::StreamRequest& request, std::unique_ptr<nexus::ParcelSource>* out) {
  int port = -1;
  if (!request.port.empty()) {
    for (size_t i = 0; i < query_ins_.size(); ++i) {
      if (query_ins_[i].name == request.port) port = static_cast<int>(i);
    }
    if (port < 0) return Status::NotFound(fmt::format("{} has no query input '{}'", plan_.name, request.port));
  }
  std::unique_ptr<StreamSource> source;
  Status st;
  auto t0 = Clock::now();
  {
    HookScope hook(in_hook_);
    st = element_->on_stream(port, StreamRequest{request.stream_id, request.operation_id, request.paradata}, &source);
  }
  busy_ += Clock::now() - t0;
  if (!st.ok()) return st;
  if (!source) return Status::Internal(fmt::format("{}: on_stream returned no source", plan_.name));
  *out = std::make_unique<StreamSourceAdapter>(std::move(source), &in_hook_);
  return Status::OK();
}

nexus::Client& ElementHost::StreamClient() {
  StreamState& s = Streams();
  if (s.client) return *s.client;
  nexus::ClientOptions options;
  options.report_ended = true;  // each stream's done runs from its report
  s.client = std::make_unique<nexus::Client>(options);
  const nexus::Client* client = s.client.get();
  auto count = [client](uint64_t nexus::ClientMetrics::*field) {
    return [client, field] { return std::to_string(client->metrics().*field); };
  };
  AddHostHandler("streams_in_active", count(&nexus::ClientMetrics::active_streams));
  AddHostHandler("streams_in_done", count(&nexus::ClientMetrics::streams_complete));
  AddHostHandler("streams_in_failed", count(&nexus::ClientMetrics::streams_failed));
  AddHostHandler("streams_in_aborted", count(&nexus::ClientMetrics::streams_aborted));
  AddHostHandler("stream_in_items", count(&nexus::ClientMetrics::items));
  AddHostHandler("stream_in_bytes", count(&nexus::ClientMetrics::bytes));
  AddHostHandler("stream_in_rejected", count(&nexus::ClientMetrics::rejected));
  AddHostHandler("stream_in_items_per_s", [this, client] {
    return fmt::format("{:.0f}", streams_->items_in_rate.Sample(SteadyMs(), client->metrics().items));
  });
  return *s.client;
}

Status ElementHost::OpenStream(int port, const std::string* address, std::string paradata, StreamConsumer consume,
                               StreamDone done, const StreamOptions& options, uint64_t* stream_id) {
  if (!done) return Status::Invalid("open_stream: a done callback is required");
  if (options.window == 0 || options.window > nexus::kMaxWindow) {
    return Status::Invalid(fmt::format("open_stream: window {} is not in 1..{}", options.window, nexus::kMaxWindow));
  }
  if (options.timeout_ms <= 0) return Status::Invalid("open_stream: timeout_ms must be positive");
  nexus::OpenOptions open;
  open.operation_id = options.operation_id;
  open.window = options.window;
  open.timeout_ms = options.timeout_ms;
  std::string to;
  if (address != nullptr) {
    to = *address;
    if (to.empty()) return Status::Invalid("open_stream_to: no address");
  } else {
    if (port < 0 || port >= static_cast<int>(query_outs_.size()) || !query_outs_[port].connected()) {
      return Status::Unavailable(fmt::format("query output {} is not connected", port));
    }
    const QueryOut& out = query_outs_[port];
    if (out.shard)
      return Status::Invalid(
          fmt::format("query output '{}' asks a shard: streams go to one responder, "
                      "open_stream_to a member's address",
                      out.name));
    const QueryLink& link = *out.links.front();
    if (link.stream_endpoint.empty()) {
      return Status::Unavailable(fmt::format("query output '{}': its responder serves no streams", out.name));
    }
    control::LinkId id;
    if (Status st = control::ParseLinkId(link.id, &id); !st.ok()) return st;
    to = link.stream_endpoint;
    open.port = id.to_port;
  }
  nexus::Client& client = StreamClient();
  auto consumer = [this](uint64_t id, std::string_view bytes, uint64_t items) {
    auto it = streams_->opened.find(id);
    if (it == streams_->opened.end() || !it->second.consume) return;
    auto t0 = Clock::now();
    {
      HookScope hook(in_hook_);
      it->second.consume(bytes, items);
    }
    busy_ += Clock::now() - t0;
  };
  uint64_t id = 0;
  if (Status st = client.Open(to, std::move(paradata), open, consumer, &id); !st.ok()) return st;
  streams_->opened[id] = StreamState::Opened{std::move(consume), std::move(done)};
  if (stream_id != nullptr) *stream_id = id;
  return Status::OK();
}

uint64_t ElementHost::NewStreamOperation() {
  nexus::Client& client = StreamClient();
  const uint64_t id = client.NewOperation();
  std::deque<uint64_t>& operations = streams_->operations;
  operations.push_back(id);
  if (operations.size() > kMaxOperations) {
    client.Forget(operations.front());  // only a done one is dropped
    operations.pop_front();
  }
  return id;
}

void ElementHost::AbortStream(uint64_t stream_id) {
  if (streams_ && streams_->client) streams_->client->Abort(stream_id);
}

void ElementHost::CancelStreamOperation(uint64_t operation_id) {
  if (streams_ && streams_->client) streams_->client->Cancel(operation_id);
}

std::string ElementHost::StreamAddress() const {
  return streams_ && streams_->server ? streams_->server->endpoint() : "";
}

std::vector<std::string> ElementHost::StreamPeers(int port) const {
  std::vector<std::string> peers;
  if (port < 0 || port >= static_cast<int>(query_outs_.size())) return peers;
  for (const auto& link : query_outs_[port].links) peers.push_back(link->stream_endpoint);
  return peers;
}

void ElementHost::AddStreamPollItems() {
  poll_items_.resize(poll_items_.size() - stream_poll_items_);
  const size_t before = poll_items_.size();
  if (streams_->server) poll_items_.push_back({streams_->server->socket_handle(), 0, ZMQ_POLLIN, 0});
  if (streams_->client) {
    std::vector<void*> handles;
    streams_->client->AppendSocketHandles(&handles);
    for (void* handle : handles) poll_items_.push_back({handle, 0, ZMQ_POLLIN, 0});
  }
  stream_poll_items_ = poll_items_.size() - before;
}

void ElementHost::ServiceStreams() {
  StreamState& s = *streams_;
  if (s.server) s.server->Service();
  if (!s.client) return;
  s.client->Service();
  s.ended.clear();
  s.client->TakeEnded(&s.ended);
  for (const nexus::StreamReport& report : s.ended) {
    auto it = s.opened.find(report.stream_id);
    if (it == s.opened.end()) continue;
    StreamDone done = std::move(it->second.done);
    s.opened.erase(it);
    auto t0 = Clock::now();
    {
      HookScope hook(in_hook_);
      done(ResultOf(report));
    }
    busy_ += Clock::now() - t0;
  }
}

Clock::time_point ElementHost::StreamWake(Clock::time_point wake) const {
  int hint = -1;
  for (int each : {streams_->server ? streams_->server->WaitHintMs() : -1,
                   streams_->client ? streams_->client->WaitHintMs() : -1}) {
    if (each >= 0) hint = hint < 0 ? each : std::min(hint, each);
  }
  return hint < 0 ? wake : std::min(wake, Clock::now() + Milliseconds(hint));
}

bool ElementHost::StreamsQuiet() const {
  if (!streams_) return true;
  if (streams_->client && (streams_->client->live_streams() > 0 || !streams_->opened.empty())) return false;
  return !streams_->server || streams_->server->metrics().active_streams == 0;
}

}  // namespace datablox::host
