#include "runtime/master/metrics_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <charconv>

namespace datablox::master {
namespace {

// Scrapes are rare and small: two threads, not httplib's default of eight.
constexpr size_t kServerThreads = 2;
constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

MetricsServer::MetricsServer() : server_(std::make_unique<httplib::Server>()) {}

MetricsServer::~MetricsServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

Status MetricsServer::Start(const std::string& address, std::unique_ptr<MetricsServer>* out) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      std::from_chars(address.data() + colon + 1, address.data() + address.size(), port).ptr !=
          address.data() + address.size() ||
      port < 0 || port > 65535)
    return Status::Invalid(fmt::format("metrics address '{}' is not HOST:PORT (for example 127.0.0.1:9464)", address));
  std::unique_ptr<MetricsServer> server(new MetricsServer());
  server->host_ = address.substr(0, colon);
  server->server_->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  MetricsServer* self = server.get();
  server->server_->Get("/metrics", [self](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(self->mutex_);
    response.set_content(self->text_, kContentType);
  });
  server->server_->set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    response.set_content(fmt::format("{} {}: only GET /metrics is served here\n", response.status, request.path),
                         "text/plain; charset=utf-8");
  });
  if (port == 0) {
    port = server->server_->bind_to_any_port(server->host_);
    if (port < 0) return Status::IOError(fmt::format("metrics: cannot listen on {}", address));
  } else if (!server->server_->bind_to_port(server->host_, port)) {
    return Status::IOError(fmt::format("metrics: cannot listen on {} (in use, or not an address of this host)", address));
  }
  server->port_ = port;
  server->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  *out = std::move(server);
  return Status::OK();
}

void MetricsServer::Publish(std::string text) {
  std::lock_guard lock(mutex_);
  text_ = std::move(text);
}

}  // namespace datablox::master
