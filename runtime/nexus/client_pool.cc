#include "runtime/nexus/client_pool.h"

namespace datablox::nexus {

Lease ClientPool::Acquire(const std::string& address, int64_t now_ms) {
  Lease lease;
  auto it = fresh_.find(address);
  if (it == fresh_.end()) {
    lease.connection_id = next_id_++;
    lease.opened = true;
    connections_[lease.connection_id].address = address;
    fresh_[address] = lease.connection_id;
  } else {
    lease.connection_id = it->second;
  }
  Connection& c = connections_[lease.connection_id];
  ++c.streams;
  c.last_used_ms = now_ms;
  return lease;
}

void ClientPool::Release(uint64_t connection_id, int64_t now_ms) {
  auto it = connections_.find(connection_id);
  if (it == connections_.end() || it->second.streams == 0) return;
  --it->second.streams;
  it->second.last_used_ms = now_ms;
}

void ClientPool::MarkStale(uint64_t connection_id) {
  auto it = connections_.find(connection_id);
  if (it == connections_.end() || it->second.stale) return;
  it->second.stale = true;
  auto fresh = fresh_.find(it->second.address);
  if (fresh != fresh_.end() && fresh->second == connection_id) fresh_.erase(fresh);
}

std::vector<uint64_t> ClientPool::Evict(int64_t now_ms) {
  std::vector<uint64_t> closed;
  for (auto it = connections_.begin(); it != connections_.end();) {
    const Connection& c = it->second;
    if (c.streams == 0 && (c.stale || now_ms - c.last_used_ms >= idle_ttl_ms_)) {
      MarkStale(it->first);  // leaves fresh_
      closed.push_back(it->first);
      it = connections_.erase(it);
      ++evicted_;
    } else {
      ++it;
    }
  }
  return closed;
}

}  // namespace datablox::nexus
