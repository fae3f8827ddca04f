// /metrics over HTTP for the master (cpp-httplib, on threads of its own).
// The master's loop renders the text (metrics_text.h) and hands it over
// with Publish; a scrape reads the last text published, so the HTTP
// threads never touch the master's state.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "datablox/status.h"

namespace httplib {
class Server;
}

namespace datablox::master {

class MetricsServer {
 public:
  // Binds HOST:PORT (PORT 0: any free port) and starts serving; Invalid
  // for an address that is not HOST:PORT, IOError when it cannot bind.
  static Status Start(const std::string& address, std::unique_ptr<MetricsServer>* out);
  ~MetricsServer();  // stops serving and joins its threads
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  void Publish(std::string text);
  int port() const { return port_; }
  const std::string& host() const { return host_; }

 private:
  MetricsServer();
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::string text_;
  std::string host_;
  int port_ = 0;
};

}  // namespace datablox::master
