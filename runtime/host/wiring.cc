// Where the peers are: connecting every output once the master knows the
// receivers' addresses, following a receiver that moved, and the poll set
// over all the sockets.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include "runtime/host/element_host.h"
#include "runtime/host/link_peer.h"

namespace datablox::host {

std::unique_ptr<OutLink> ElementHost::OpenOutLink(const control::LinkPlan& link_plan) {
  const auto window = static_cast<uint32_t>(std::max(1, link_plan.window));
  // At least two batches fit in a window, so the sender never idles
  // waiting for the credit of the one batch it just sent.
  const auto batch_max = static_cast<uint32_t>(std::clamp(link_plan.batch, 1, std::max(1, link_plan.window / 2)));
  const uint64_t stream = NewStreamId();
  auto link = std::make_unique<OutLink>(link_plan.id, link_plan.endpoint, window, batch_max, stream);
  link->shard = link_plan.shard.value_or("");
  link->member = link_plan.member;
  link->socket = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::dealer);
  link->socket->set(zmq::sockopt::routing_id, LinkPeer::RoutingId(link->id, stream_ids_()));
  // An empty message on every connect: the receiver learns this
  // connection's id at once and asks it to resume.
  link->socket->set(zmq::sockopt::probe_router, 1);
  // Credit bounds what is in flight, and a replay sends the same
  // buffers again: no HWM is needed, and none may block a replay.
  link->socket->set(zmq::sockopt::sndhwm, 0);
  link->socket->set(zmq::sockopt::linger, 0);
  link->socket->set(zmq::sockopt::reconnect_ivl, 10);  // a restarted receiver is back within ms
  MakeLinkClient(*link->socket);
  link->socket->connect(link_plan.endpoint);
  all_out_links_.push_back(link.get());
  out_states_.push_back(&link->state);
  return link;
}

Status ElementHost::Connect(const control::ElementPlan& wiring) {
  std::random_device entropy;
  stream_ids_.seed((static_cast<uint64_t>(entropy()) << 32) ^ entropy() ^ static_cast<uint64_t>(::getpid()));
  for (const PortSpec* port : spec_->ports_of(PortKind::kPush, PortDirection::kOut)) {
    OutPort out;
    out.name = port->name;
    for (const auto& p : wiring.push_out) {
      if (p.port != port->name) continue;
      for (const auto& link_plan : p.links) out.links.push_back(OpenOutLink(link_plan));
      if (!p.shards.empty()) RouteToShards(out, p.shards);
    }
    outputs_.push_back(std::move(out));
  }
  for (const PortSpec* port : spec_->ports_of(PortKind::kQuery, PortDirection::kOut)) {
    QueryOut out;
    out.name = port->name;
    for (const auto& p : wiring.query_out) {
      if (p.port != port->name) continue;
      if (!p.shards.empty()) {
        if (Status st = AdoptShardRoute(out, p.shards.front()); !st.ok()) return st;
      }
      // One link per responder: an element, several (asked by link), or a shard's members.
      for (const auto& link_plan : p.links) ConnectQueryLink(out, link_plan, stream_ids_());
    }
    query_outs_.push_back(std::move(out));
  }
  for (QueryOut& out : query_outs_) {
    for (auto& link : out.links) all_query_links_.push_back({&out, link.get()});
  }
  BuildPollSet();
  if (routes_to_shards_) CheckFences();
  return Status::OK();
}

void ElementHost::Rewire(const std::map<std::string, std::string>& links,
                         const std::map<std::string, std::string>& streams) {
  auto new_endpoint = [&links](const std::string& link_id) -> std::string {
    auto it = links.find(link_id);
    return it == links.end() ? "" : it->second;
  };
  // A receiver moved (its node died and it was placed elsewhere): what was
  // queued for the old address is dropped with it, and the new receiver's
  // resync brings back everything it has not acked.
  for (OutLink* link : all_out_links_) {
    std::string endpoint = new_endpoint(link->id);
    if (endpoint.empty() || endpoint == link->endpoint) continue;
    try {
      link->socket->disconnect(link->endpoint);
    } catch (const zmq::error_t&) {
    }
    link->socket->connect(endpoint);
    spdlog::debug("[{}] link {} now goes to {}", plan_.name, link->id, endpoint);
    link->endpoint = endpoint;
  }
  for (auto [port, q] : all_query_links_) {
    if (auto moved = streams.find(q->id); moved != streams.end()) q->stream_endpoint = moved->second;
    std::string endpoint = new_endpoint(q->id);
    if (endpoint.empty() || endpoint == q->endpoint) continue;
    try {
      q->socket->disconnect(q->endpoint);
    } catch (const zmq::error_t&) {
    }
    q->socket->connect(endpoint);
    q->endpoint = endpoint;
  }
}

void ElementHost::ConnectQueryLink(QueryOut& out, const control::LinkPlan& plan, uint64_t life) {
  auto link = std::make_unique<QueryLink>();
  link->id = plan.id;
  link->endpoint = plan.endpoint;
  link->stream_endpoint = plan.stream_endpoint.value_or("");
  link->member = plan.member.value_or(-1);
  link->socket = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::dealer);
  link->socket->set(zmq::sockopt::routing_id, LinkPeer::RoutingId(plan.id, life));
  link->socket->set(zmq::sockopt::linger, 0);
  link->socket->set(zmq::sockopt::reconnect_ivl, 10);
  MakeLinkClient(*link->socket);
  link->socket->connect(plan.endpoint);
  out.links.push_back(std::move(link));
}

Status ElementHost::AdoptShardRoute(QueryOut& out, const control::ShardRoute& route) {
  if (out.shard && route.version < out.shard->version) return Status::OK();  // an older table
  out.custom_merge = nullptr;
  if (route.merge == MergeKind::kCustom) {
    const ClassSpec* members = ClassTable::Global().find(route.member_class);
    if (!members || !members->shard.merge) {
      return Status::Invalid(fmt::format("query output '{}': shard '{}' merges by its class's merge, but class '{}' {}",
                                         out.name, route.shard, route.member_class,
                                         members ? "has none" : "is not known here"));
    }
    out.custom_merge = &members->shard.merge;
  }
  out.shard = route;
  return Status::OK();
}

void ElementHost::BuildPollSet() {
  // The loop walks the revents in this order: control, push inputs, query
  // inputs, query output links, push output links.
  poll_items_.clear();
  poll_items_.push_back({control_->handle(), 0, ZMQ_POLLIN, 0});
  for (auto& in : inputs_) poll_items_.push_back({in.socket->handle(), 0, ZMQ_POLLIN, 0});
  for (auto& q : query_ins_) poll_items_.push_back({q.socket->handle(), 0, ZMQ_POLLIN, 0});
  for (auto [port, q] : all_query_links_) poll_items_.push_back({q->socket->handle(), 0, ZMQ_POLLIN, 0});
  for (OutLink* link : all_out_links_) poll_items_.push_back({link->socket->handle(), 0, ZMQ_POLLIN, 0});
  stream_poll_items_ = 0;  // the loop adds the streams' sockets again before its next poll
}

}  // namespace datablox::host
