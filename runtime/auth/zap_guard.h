// The ZAP handler (ZeroMQ RFC 27) of a daemon whose sockets are CURVE
// servers: libzmq asks it, per handshake, whether the client's public key
// may in, and it answers from an allow-list (allow_list.h) that it loads
// again when the files change. The answer's User-Id names the peer
// ("caretaker:NODE", "operator:WHO:ROLE"), and libzmq stamps it on every
// message from that connection, so the daemon knows who sent each one.
//
// One thread of its own: handshakes are answered while the daemon's loop is
// busy. It also watches its daemon's server sockets for handshakes that
// fail before ZAP is asked (a client without keys, or one that holds the
// wrong server key), so every refusal is counted.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "datablox/status.h"
#include "runtime/auth/allow_list.h"

namespace datablox::auth {

struct GuardFigures {
  std::string allow_path;
  int caretakers = 0;  // keys allowed now
  int operators = 0;
  uint64_t accepted = 0;                     // handshakes let in
  uint64_t refused_keys = 0;                 // a key not in the allow-list
  uint64_t refused_handshakes = 0;           // no keys, the wrong server key, garbage
  uint64_t reloads = 0;                      // times the allow-list was loaded again
  std::vector<std::string> allow_errors;     // entries of the allow-list left out, and why
  std::vector<std::string> recent_refusals;  // the last few: "ADDRESS: WHY"
};

class ZapGuard {
 public:
  // Binds the ZAP endpoint of `zmq` (before any server socket binds: libzmq
  // lets every CURVE client in when no handler is there) and starts
  // answering. `own` are keys the daemon allows besides the allow-list
  // (`allow_path` "": those only, nothing to reload). Fails when the
  // allow-list cannot be read at all.
  static Status Start(zmq::context_t& zmq, const std::string& allow_path, std::vector<AllowedPeer> own,
                      std::unique_ptr<ZapGuard>* guard);
  ~ZapGuard();

  // Makes `server` a CURVE server with `secret_key` that asks this guard
  // in ZAP domain `domain`, and counts its failed handshakes. Before it binds.
  Status Protect(zmq::socket_t& server, const std::string& secret_key, const std::string& domain = "datablox");

  GuardFigures figures() const;

 private:
  ZapGuard(zmq::context_t& zmq, std::string allow_path, std::vector<AllowedPeer> own);
  void Run();
  void Answer();
  void CountFailedHandshake(zmq::socket_t& monitor);
  void ReloadIfChanged();
  void Refused(const std::string& address, const std::string& why, bool by_key, bool quietly = false);

  zmq::context_t& zmq_;
  const std::string allow_path_;
  const std::vector<AllowedPeer> own_;
  zmq::socket_t handler_;
  std::vector<std::string> monitor_endpoints_;  // added by Protect, connected by the thread
  size_t monitors_connected_ = 0;
  std::string fingerprint_;
  std::atomic<bool> stop_{false};
  std::thread thread_;

  mutable std::mutex mutex_;  // guards what follows, and monitor_endpoints_
  AllowList list_;
  GuardFigures figures_;
};

}  // namespace datablox::auth
