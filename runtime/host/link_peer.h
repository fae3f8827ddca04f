// Which connection speaks for one link, when routing ids are only claims.
//
// A sender's routing id is LINK#TOKEN, the token new in each life of the
// sender; the receiver's ROUTER hands no id over (ZMQ_ROUTER_HANDOVER off),
// so a peer that connects with a real link's name cannot take the genuine
// sender's pipe. The link's peer is the connection that last proved itself
// by a resume (it told the receiver its stream and position); credit,
// resync and END acks go to it only. Connections that claim the link and
// have not resumed (a sender just connected, or a silent impostor) are
// asked to resume while the link wants one, and never made its peer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace datablox {

class LinkPeer {
 public:
  // The link a routing id claims: what comes before its first '#'.
  static std::string_view LinkOf(std::string_view routing_id);
  // The routing id of one life of a link's sender (or requester).
  static std::string RoutingId(std::string_view link, uint64_t token);

  // A connection claiming this link spoke (its connect probe, or data sent
  // before it resumed): it is asked to resume. Bounded, oldest forgotten
  // first, so connections that never resume cost no more than a few ids.
  void Seen(std::string_view routing_id);
  // `routing_id` resumed: it is the link's peer from now on.
  void Proved(std::string_view routing_id);
  // A send to `routing_id` failed: it is disconnected.
  void Forget(std::string_view routing_id);

  bool IsPeer(std::string_view routing_id) const { return !peer_.empty() && routing_id == peer_; }
  const std::string& peer() const { return peer_; }  // empty until one resumed
  const std::vector<std::string>& unproven() const { return unproven_; }

  static constexpr size_t kMaxUnproven = 16;

 private:
  std::string peer_;
  std::vector<std::string> unproven_;
};

}  // namespace datablox
