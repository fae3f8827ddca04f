// Where the peers are: connecting every output once the master knows the
// receivers' addresses, following a receiver that moved, and the poll set
// over all the sockets.
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
  const uint64_t stream = stream_ids_();
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
      if (p.port != port->name || p.links.empty()) continue;
      out.socket = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::dealer);
      out.socket->set(zmq::sockopt::routing_id, LinkPeer::RoutingId(p.links[0].id, stream_ids_()));
      out.socket->set(zmq::sockopt::linger, 0);
      out.socket->set(zmq::sockopt::reconnect_ivl, 10);
      out.socket->connect(p.links[0].endpoint);
      out.endpoint = p.links[0].endpoint;
      out.link_id = p.links[0].id;
    }
    query_outs_.push_back(std::move(out));
  }
  BuildPollSet();
  if (routes_to_shards_) CheckFences();
  return Status::OK();
}

void ElementHost::Rewire(const std::map<std::string, std::string>& links) {
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
  for (QueryOut& q : query_outs_) {
    std::string endpoint = new_endpoint(q.link_id);
    if (!q.socket || endpoint.empty() || endpoint == q.endpoint) continue;
    try {
      q.socket->disconnect(q.endpoint);
    } catch (const zmq::error_t&) {
    }
    q.socket->connect(endpoint);
    q.endpoint = endpoint;
  }
}

void ElementHost::BuildPollSet() {
  // The loop walks the revents in this order: control, push inputs, query
  // inputs, query outputs, push output links.
  poll_items_.clear();
  poll_items_.push_back({control_->handle(), 0, ZMQ_POLLIN, 0});
  for (auto& in : inputs_) poll_items_.push_back({in.socket->handle(), 0, ZMQ_POLLIN, 0});
  for (auto& q : query_ins_) poll_items_.push_back({q.socket->handle(), 0, ZMQ_POLLIN, 0});
  for (auto& q : query_outs_) {
    poll_items_.push_back(
        {q.socket ? q.socket->handle() : nullptr, 0, static_cast<short>(q.socket ? ZMQ_POLLIN : 0), 0});
  }
  for (OutLink* link : all_out_links_) poll_items_.push_back({link->socket->handle(), 0, ZMQ_POLLIN, 0});
}

}  // namespace datablox::host
