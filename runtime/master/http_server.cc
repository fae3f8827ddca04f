#include "runtime/master/http_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <charconv>

#include "runtime/master/web_page.h"

namespace datablox::master {
namespace {

// Requests are rare and small: two threads, not httplib's default of eight.
constexpr size_t kServerThreads = 2;
constexpr const char* kMetricsType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

HttpServer::HttpServer() : server_(std::make_unique<httplib::Server>()) {}

HttpServer::~HttpServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

Status HttpServer::Start(const std::string& address, std::unique_ptr<HttpServer>* out) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      std::from_chars(address.data() + colon + 1, address.data() + address.size(), port).ptr !=
          address.data() + address.size() ||
      port < 0 || port > 65535)
    return Status::Invalid(fmt::format("HTTP address '{}' is not HOST:PORT (for example 127.0.0.1:9464)", address));
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->host_ = address.substr(0, colon);
  server->server_->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  HttpServer* self = server.get();
  server->server_->Get("/metrics", [self](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(self->mutex_);
    response.set_content(self->metrics_, kMetricsType);
  });
  server->server_->Get("/api/state", [self](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(self->mutex_);
    response.set_header("Cache-Control", "no-store");
    response.set_content(self->state_, "application/json");
  });
  server->server_->Get("/", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::string(WebPage()), "text/html; charset=utf-8");
  });
  server->server_->Get("/app.js", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::string(WebScript()), "text/javascript; charset=utf-8");
  });
  server->server_->set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    response.set_content(
        fmt::format("{} {}: served here are GET /, /app.js, /api/state and /metrics\n", response.status, request.path),
        "text/plain; charset=utf-8");
  });
  if (port == 0) {
    port = server->server_->bind_to_any_port(server->host_);
    if (port < 0) return Status::IOError(fmt::format("http: cannot listen on {}", address));
  } else if (!server->server_->bind_to_port(server->host_, port)) {
    return Status::IOError(fmt::format("http: cannot listen on {} (in use, or not an address of this host)", address));
  }
  server->port_ = port;
  server->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  *out = std::move(server);
  return Status::OK();
}

void HttpServer::Publish(std::string metrics_text, std::string state_json) {
  std::lock_guard lock(mutex_);
  metrics_ = std::move(metrics_text);
  state_ = std::move(state_json);
}

}  // namespace datablox::master
