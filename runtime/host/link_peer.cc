#include "runtime/host/link_peer.h"

#include <algorithm>

#include <fmt/format.h>

namespace datablox {

std::string_view LinkPeer::LinkOf(std::string_view routing_id) { return routing_id.substr(0, routing_id.find('#')); }

std::string LinkPeer::RoutingId(std::string_view link, uint64_t token) {
  return fmt::format("{}#{:016x}", link, token);
}

void LinkPeer::Seen(std::string_view routing_id) {
  if (IsPeer(routing_id)) return;
  if (std::find(unproven_.begin(), unproven_.end(), routing_id) != unproven_.end()) return;
  if (unproven_.size() >= kMaxUnproven) unproven_.erase(unproven_.begin());
  unproven_.emplace_back(routing_id);
}

void LinkPeer::Proved(std::string_view routing_id) {
  Forget(routing_id);
  peer_ = std::string(routing_id);
}

void LinkPeer::Forget(std::string_view routing_id) {
  unproven_.erase(std::remove(unproven_.begin(), unproven_.end(), routing_id), unproven_.end());
}

}  // namespace datablox
