// The master's HTTP side (cpp-httplib, on threads of its own): Prometheus's
// /metrics, the web view's page at / and the JSON it polls at /api/state.
// The master's loop renders both texts (metrics_text.h, web_state.h) and
// hands them over with Publish; a request reads the last ones published,
// so the HTTP threads never touch the master's state. An element's stderr
// (GET /api/logs) and its handlers (GET, and POST when writes are allowed:
// /api/handler) are asked of the master over its own control port, as the
// CLI asks them, so they take the same path to the element's caretaker.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "datablox/status.h"
#include "runtime/auth/curve_client.h"

namespace httplib {
class Server;
}

namespace datablox::master {

class HttpServer {
 public:
  // Binds HOST:PORT (PORT 0: any free port) and starts serving; Invalid
  // for an address that is not HOST:PORT, IOError when it cannot bind.
  // `master` is the master's control endpoint; `writes`: POST /api/handler
  // may write a handler (otherwise it answers 403). `keys`: the relay's
  // own, when the master has keys (its allow-list lets them in).
  static Status Start(const std::string& address, const std::string& master, const auth::ClientKeys& keys, bool writes,
                      std::unique_ptr<HttpServer>* out);
  ~HttpServer();  // stops serving and joins its threads
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Publish(std::string metrics_text, std::string state_json);
  // Whether a page asked for /api/state lately: the state (links, events
  // read from the registry) is rendered only while someone watches.
  bool StateWatched() const;
  int port() const { return port_; }
  const std::string& host() const { return host_; }

 private:
  HttpServer();
  std::unique_ptr<httplib::Server> server_;
  zmq::context_t zmq_{1};  // a socket per relayed request: they are rare
  std::thread thread_;
  std::mutex mutex_;
  std::string metrics_, state_;
  std::string host_;
  int port_ = 0;
  std::string master_;
  auth::ClientKeys keys_;
  bool writes_ = false;
  std::atomic<int64_t> state_asked_ms_{INT64_MIN / 2};  // steady clock, when /api/state was last asked
};

}  // namespace datablox::master
