// Queries: requests in on each query input (answered through a Responder,
// now or later), requests out on each query output with their deadlines,
// and the END each requester sends when it is done asking. A query output
// that asks a shard sends each request to the members it is for
// (shards/query_targets.h) and gathers their answers into one
// (shards/reply_gather.h); while the shard's table holds key groups that a
// request depends on, the request waits for the table that releases them.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "runtime/core/link_id.h"
#include "runtime/host/element_host.h"
#include "runtime/host/hook_scope.h"
#include "runtime/host/link_peer.h"
#include "shards/query_targets.h"
#include "shards/reply_gather.h"

namespace datablox::host {

namespace {

// Reads and drops the remaining parts of a multipart message.
void DropRest(zmq::socket_t& socket, const zmq::message_t& last) {
  bool more = last.more();
  while (more) {
    zmq::message_t extra;
    if (!socket.recv(extra, zmq::recv_flags::dontwait)) return;
    more = extra.more();
  }
}

}  // namespace

bool ElementHost::DrainQueryIn(QueryIn& port, int index) {
  for (int n = 0; n < kDrainPerSocket; ++n) {
    zmq::message_t peer, frame;
    if (!port.socket->recv(peer, zmq::recv_flags::dontwait)) return true;
    if (!peer.more()) {
      Malformed(port.name, Status::Invalid("message without a body"));
      continue;
    }
    (void)port.socket->recv(frame, zmq::recv_flags::none);
    if (frame.more()) {
      // A request is [peer][frame]: a part more would be read as the next
      // message's peer, and that peer would get this one's reply.
      DropRest(*port.socket, frame);
      Malformed(port.name, Status::Invalid("message with extra parts"));
      continue;
    }
    std::string peer_id = peer.to_string();
    std::string_view bytes = frame.to_string_view();
    wire::Kind kind;
    Status st = wire::ReadHeader(bytes, &kind);
    if (st.ok() && kind == wire::Kind::kEnd) {
      port.ended.insert(std::string(LinkPeer::LinkOf(peer_id)));  // the requester's link, whichever life
      try {
        port.socket->send(zmq::buffer(peer_id), zmq::send_flags::sndmore);
        port.socket->send(zmq::buffer(wire::EndAck()), zmq::send_flags::dontwait);
      } catch (const zmq::error_t&) {
      }
      continue;
    }
    uint64_t id = 0;
    std::string_view body;
    if (st.ok() && kind != wire::Kind::kRequest) st = Status::Invalid("unexpected frame kind on a query input");
    if (st.ok()) st = wire::ReadAddressed(bytes, &id, &body);
    if (!st.ok()) {
      Malformed(port.name, st);
      continue;
    }
    ++queries_in_;
    arena_.clear();
    Log request(body.data(), body.size(), &arena_);
    Responder responder = MakeResponder(this, index, peer_id, id);
    if (!request.valid()) {
      Malformed(port.name, Status::Invalid("request is not a msgpack map"));
      responder.error("malformed request: not a msgpack map");
      continue;
    }
    auto t0 = Clock::now();
    {
      HookScope hook(in_hook_);
      element_->on_query(index, request, responder);
    }
    busy_ += Clock::now() - t0;
  }
  return true;
}

void ElementHost::Answer(int port_index, const std::string& peer, std::string_view frame) {
  QueryIn& port = query_ins_.at(port_index);
  try {
    port.socket->send(zmq::buffer(peer), zmq::send_flags::sndmore);
    port.socket->send(zmq::buffer(frame), zmq::send_flags::none);
  } catch (const zmq::error_t& e) {
    ++query_errors_;
    spdlog::warn("[{}] reply to '{}' undeliverable: {}", plan_.name, peer, e.what());
  }
}

void ElementHost::Ask(int port, std::string_view request, Milliseconds timeout, ReplyCallback done) {
  if (port < 0 || port >= static_cast<int>(query_outs_.size()) || !query_outs_[port].connected()) {
    Reply reply;
    reply.status = Status::Unavailable(fmt::format("query output {} is not connected", port));
    done(std::move(reply));
    return;
  }
  QueryOut& out = query_outs_[port];
  if (!out.shard && out.links.size() > 1) {
    Reply reply;
    reply.status = Status::Unavailable(fmt::format(
        "query output '{}' is wired to {} elements: ask one of them by its link (ask_link)", out.name, out.links.size()));
    done(std::move(reply));
    return;
  }
  const uint64_t id = next_request_id_++;
  ++queries_out_;
  pending_[id] = PendingRequest{port, std::move(done), Clock::now() + timeout, nullptr, std::nullopt};
  if (!out.shard) {
    out.links.front()->socket->send(zmq::buffer(wire::Request(id, request)), zmq::send_flags::none);
    return;
  }
  // A shard: the request goes to each member it is for, and their answers merge.
  (void)AskShard(out, id, request);
}

void ElementHost::AskLink(int port, int link, std::string_view request, Milliseconds timeout, ReplyCallback done) {
  const bool known = port >= 0 && port < static_cast<int>(query_outs_.size());
  const QueryOut* out = known ? &query_outs_[port] : nullptr;
  Status refused;
  if (!out || !out->connected()) {
    refused = Status::Unavailable(fmt::format("query output {} is not connected", port));
  } else if (out->shard) {
    refused = Status::Invalid(fmt::format("query output '{}' asks a shard: ask() it, the members merge", out->name));
  } else if (link < 0 || link >= static_cast<int>(out->links.size())) {
    refused = Status::Invalid(fmt::format("query output '{}' has no link {} (it has {})", out->name, link,
                                          out->links.size()));
  }
  if (!refused.ok()) {
    Reply reply;
    reply.status = refused;
    done(std::move(reply));
    return;
  }
  const uint64_t id = next_request_id_++;
  ++queries_out_;
  pending_[id] = PendingRequest{port, std::move(done), Clock::now() + timeout, nullptr, std::nullopt};
  out->links[link]->socket->send(zmq::buffer(wire::Request(id, request)), zmq::send_flags::none);
}

std::vector<std::string> ElementHost::LinkedElements(int port) const {
  std::vector<std::string> names;
  if (port < 0 || port >= static_cast<int>(query_outs_.size())) return names;
  for (const auto& link : query_outs_[port].links) {
    control::LinkId id;
    names.push_back(control::ParseLinkId(link->id, &id).ok() ? id.to_element : "");
  }
  return names;
}

std::vector<int> ElementHost::LinkedMembers(int port) const {
  std::vector<int> members;
  if (port < 0 || port >= static_cast<int>(query_outs_.size()) || !query_outs_[port].shard) return members;
  for (const auto& link : query_outs_[port].links) {
    if (!link->leaving && link->member >= 0) members.push_back(link->member);
  }
  return members;
}

bool ElementHost::AskShard(QueryOut& out, uint64_t id, std::string_view request) {
  auto it = pending_.find(id);
  const OwnedLog log{std::string(request)};
  if (shards::WaitsForHeldGroups(*out.shard, log.log())) {
    if (!it->second.waiting) it->second.waiting = std::string(request);
    return true;
  }
  std::vector<int> members, targets;
  for (const auto& link : out.links) {
    if (!link->leaving) members.push_back(link->member);
  }
  Status st = shards::QueryTargets(*out.shard, log.log(), members, &targets);
  if (!st.ok()) {
    ++query_errors_;
    PendingRequest failed = std::move(it->second);
    pending_.erase(it);
    Reply reply;
    reply.status = st;
    HookScope hook(in_hook_);
    failed.done(std::move(reply));
    return false;
  }
  it->second.waiting.reset();
  it->second.gather =
      std::make_unique<shards::ReplyGather>(out.shard->shard, targets, out.shard->merge, out.custom_merge);
  const std::string frame = wire::Request(id, request);
  for (const auto& link : out.links) {
    if (link->leaving || std::find(targets.begin(), targets.end(), link->member) == targets.end()) continue;
    link->socket->send(zmq::buffer(frame), zmq::send_flags::none);
  }
  return true;
}

void ElementHost::AskWaitingRequests(int port) {
  std::vector<uint64_t> ids;  // in the order they were asked
  for (const auto& [id, request] : pending_) {
    if (request.waiting && request.port == port) ids.push_back(id);
  }
  for (uint64_t id : ids) {
    auto it = pending_.find(id);
    if (it == pending_.end()) continue;
    const std::string request = std::move(*it->second.waiting);
    it->second.waiting.reset();
    (void)AskShard(query_outs_[port], id, request);
  }
}

void ElementHost::DrainQueryOut(QueryOut& port, QueryLink& link) {
  for (int n = 0; n < kDrainPerSocket; ++n) {
    zmq::message_t frame;
    if (!link.socket->recv(frame, zmq::recv_flags::dontwait)) return;
    std::string_view bytes = frame.to_string_view();
    wire::Kind kind;
    Status st = wire::ReadHeader(bytes, &kind);
    if (st.ok() && kind == wire::Kind::kEndAck) {
      link.end_acked = true;
      continue;
    }
    uint64_t id = 0;
    std::string_view body;
    if (st.ok() && kind != wire::Kind::kReply && kind != wire::Kind::kError) {
      st = Status::Invalid("unexpected frame kind on a query output");
    }
    if (st.ok()) st = wire::ReadAddressed(bytes, &id, &body);
    if (!st.ok()) {
      Malformed(port.name, st);
      continue;
    }
    if (kind == wire::Kind::kError) ++query_errors_;
    auto it = pending_.find(id);
    if (it == pending_.end()) {
      ++replies_late_;  // it timed out already (or another member's error answered it): its callback has run
      continue;
    }
    Reply reply;
    if (shards::ReplyGather* gather = it->second.gather.get()) {
      auto outcome = kind == wire::Kind::kReply ? gather->Add(link.member, OwnedLog(std::string(body)))
                                                : gather->AddError(link.member, body);
      if (outcome == shards::ReplyGather::Outcome::kUnwanted) ++replies_late_;
      if (outcome != shards::ReplyGather::Outcome::kAnswered) continue;
      reply = gather->TakeReply();
    } else if (kind == wire::Kind::kReply) {
      reply.log = OwnedLog(std::string(body));
      if (!reply.log.log().valid()) reply.status = Status::Invalid("malformed reply: not a msgpack map");
    } else {
      reply.status = Status::Invalid(std::string(body));
    }
    PendingRequest request = std::move(it->second);
    pending_.erase(it);
    auto t0 = Clock::now();
    {
      HookScope hook(in_hook_);
      request.done(std::move(reply));
    }
    busy_ += Clock::now() - t0;
  }
}

void ElementHost::ExpireRequests() {
  if (pending_.empty()) return;
  Clock::time_point now = Clock::now();
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    PendingRequest request = std::move(it->second);
    it = pending_.erase(it);
    ++query_errors_;
    const std::string& port = query_outs_[request.port].name;
    Reply reply;
    if (request.waiting) {
      reply.status = Status::Timeout(fmt::format(
          "no reply on '{}' in time: the key groups it asks about were still moving between members", port));
    } else if (request.gather) {
      reply = request.gather->Expire(port);  // names the members that did not answer
    } else {
      reply.status = Status::Timeout(fmt::format("no reply on '{}' in time", port));
    }
    HookScope hook(in_hook_);
    request.done(std::move(reply));
  }
}

void ElementHost::SendQueryEnd(QueryLink& link) {
  if (link.end_sent) return;
  link.socket->send(zmq::buffer(wire::End(0, 0)), zmq::send_flags::none);
  link.end_sent = true;
}

}  // namespace datablox::host
