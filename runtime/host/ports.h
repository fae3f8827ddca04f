// The host's ports: the sockets, and per link the socket-free state that
// decides what goes over them (in_link.h, out_link.h).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "datablox/shard.h"
#include "runtime/core/control_protocol.h"
#include "runtime/core/schema_check.h"
#include "runtime/host/in_link.h"
#include "runtime/host/out_link.h"
#include "runtime/host/shard_fence.h"
#include "runtime/host/timing.h"
#include "shards/held_logs.h"
#include "shards/router.h"

namespace datablox::host {

// A push input: one ROUTER, and the upstream links the plan expects on it.
// A frame that came after its link's checkpoint barrier, kept unread until
// every input delivered that barrier (runtime/host/checkpoints.cc).
struct HeldFrame {
  std::string peer;
  zmq::message_t frame;
};

struct InPort {
  std::string name;
  std::unique_ptr<zmq::socket_t> socket;
  uint32_t grant_every = 1;  // credit goes back in chunks of this many logs
  SchemaCheck schema;        // what this port requires of the logs of unchecked links
  std::map<std::string, InLinkState, std::less<>> links;
  // Connections that sent before their link was expected (a shard's new
  // member resuming before our expect_links came): asked to resume at once
  // when their link joins, so that what they sent is replayed, not lost.
  std::vector<std::string> early_peers;
  // By link: what came after its barrier, in arrival order.
  std::map<std::string, std::deque<HeldFrame>, std::less<>> held;
  size_t ended = 0;
  bool done() const { return ended >= links.size(); }
};

// One downstream link of a push output: a DEALER of its own.
struct OutLink {
  OutLink(std::string link_id, std::string to, uint32_t window, uint32_t batch_max, uint64_t stream)
      : id(std::move(link_id)), endpoint(std::move(to)), state(window, batch_max, stream) {}
  std::string id;
  std::string endpoint;
  std::unique_ptr<zmq::socket_t> socket;
  OutLinkState state;
  std::string shard;                // a link to a shard's member: the shard ("" on a plain link)...
  std::optional<int> member;        // ...and the member's id
  bool closing = false;             // its member left: END once its batch is out, closed once END is acked
  Clock::time_point first_pending;  // when the batch being built got its first log
  Clock::time_point last_heard = Clock::now(), last_probe{};
};

// A shard a push output reaches: how its logs are spread over the
// members (router), the links to them in the router's slot order, and what
// is held back while key groups move.
struct ShardOut {
  ShardOut(control::ShardRoute route, std::vector<OutLink*> links, size_t hold_capacity);
  shards::Router router;
  std::vector<OutLink*> members;  // slot -> link
  shards::HeldLogs held;
  ShardFence fence;
};

struct OutPort {
  std::string name;
  std::vector<std::unique_ptr<OutLink>> links;
  // Empty on a plain port: every link gets every log. Otherwise each shard
  // routes its own links, and the `plain` links get every log.
  std::vector<std::unique_ptr<ShardOut>> shards;
  std::vector<OutLink*> plain;
};

// A query input: one ROUTER; it stays up while any requester may still ask.
struct QueryIn {
  std::string name;
  std::unique_ptr<zmq::socket_t> socket;
  std::set<std::string, std::less<>> expected;  // requester links the plan expects
  std::set<std::string, std::less<>> ended;
  bool done() const { return ended.size() >= expected.size(); }
};

// One link of a query output: a DEALER to one responder (the port's one
// responder, or one member of the shard the port asks).
struct QueryLink {
  std::string id, endpoint;
  std::string stream_endpoint;  // the responder's stream server ("": it serves none)
  int member = -1;              // the member of the shard it reaches; -1: no shard
  std::unique_ptr<zmq::socket_t> socket;
  bool leaving = false;  // a reroute removed its member: END sent, asked no more
  bool end_sent = false;
  bool end_acked = false;
};

// A query output: no link (unconnected), one, or one per member of a shard.
struct QueryOut {
  std::string name;
  std::vector<std::unique_ptr<QueryLink>> links;
  std::optional<control::ShardRoute> shard;     // the shard it asks, and how its answers merge
  const MergeFunction* custom_merge = nullptr;  // `merge: custom`: the member class's
  // The fence a held table asks of a requester: the requests sent before it
  // came may reach an old owner of a moving group, so its state must not
  // move before they are answered (or time out). Sent once none is left.
  struct Fence {
    uint64_t version = 0;             // of the held table
    std::vector<uint64_t> in_flight;  // pending_ ids sent before it
  };
  std::optional<Fence> fence;
  bool connected() const { return !links.empty(); }
};

}  // namespace datablox::host
