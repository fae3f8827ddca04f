// The client's connections, without a socket: one connection per server
// address carries every stream to it; a connection is reused while fresh,
// marked stale when a stream on it timed out (the peer may be gone: new
// streams get a fresh connection), and evicted (closed) when stale or idle
// past its time to live once no stream uses it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace datablox::nexus {

struct Lease {
  uint64_t connection_id = 0;
  bool opened = false;  // a new connection: the transport must connect it
};

class ClientPool {
 public:
  explicit ClientPool(int64_t idle_ttl_ms) : idle_ttl_ms_(idle_ttl_ms) {}

  // The connection a new stream to `address` uses.
  Lease Acquire(const std::string& address, int64_t now_ms);
  // A stream on the connection ended.
  void Release(uint64_t connection_id, int64_t now_ms);
  // A stream on the connection timed out: no new streams on it.
  void MarkStale(uint64_t connection_id);
  // The connections to close now: stale or idle past the ttl, no stream on them.
  std::vector<uint64_t> Evict(int64_t now_ms);

  size_t size() const { return connections_.size(); }
  uint64_t evicted() const { return evicted_; }

 private:
  struct Connection {
    std::string address;
    int64_t last_used_ms = 0;
    uint32_t streams = 0;
    bool stale = false;
  };
  int64_t idle_ttl_ms_;
  uint64_t next_id_ = 1;
  uint64_t evicted_ = 0;
  std::map<uint64_t, Connection> connections_;
  std::map<std::string, uint64_t> fresh_;  // address -> its fresh connection
};

}  // namespace datablox::nexus
