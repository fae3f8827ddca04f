#include "runtime/master/http_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <unistd.h>

#include <charconv>

#include <atomic>

#include "runtime/core/control.h"
#include "runtime/core/control_messages.h"
#include "runtime/master/web_page.h"

namespace datablox::master {
namespace {

// Requests are rare and small: two threads, not httplib's default of eight.
constexpr size_t kServerThreads = 2;
constexpr const char* kMetricsType = "text/plain; version=0.0.4; charset=utf-8";
constexpr auto kRelayTimeout = std::chrono::milliseconds(5000);
constexpr int64_t kWatchedForMs = 10000;  // a page polls every second: ten missed polls, and nobody watches

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
std::atomic<uint64_t> g_relays{0};

// One request to the master's control port, as a CLI client: the reply, or
// {"error": WHY} when none came.
control::Json AskMaster(zmq::context_t& zmq, const std::string& master, const auth::ClientKeys& keys,
                        const control::Json& request) {
  zmq::socket_t socket(zmq, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::routing_id, fmt::format("web:{}:{}", ::getpid(), ++g_relays));
  socket.set(zmq::sockopt::linger, 0);
  auth::MakeCurveClient(socket, keys);
  socket.connect(master);
  control::Json reply;
  control::Send(socket, request);
  if (Status st = control::Receive(socket, kRelayTimeout, &reply); !st.ok())
    return {{"error", "the master did not answer: " + st.message()}};
  return reply;
}

// The reply as the response: 200, or 502 with the error when the master or
// the element's caretaker said no.
void Answer(const control::Json& reply, httplib::Response& response) {
  const bool failed = reply.contains("error") && !reply["error"].is_null();
  response.status = failed ? 502 : 200;
  response.set_header("Cache-Control", "no-store");
  response.set_content(reply.dump(), "application/json");
}

}  // namespace

HttpServer::HttpServer() : server_(std::make_unique<httplib::Server>()) {}

HttpServer::~HttpServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

Status HttpServer::Start(const std::string& address, const std::string& master, const auth::ClientKeys& keys,
                         bool writes, std::unique_ptr<HttpServer>* out) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      std::from_chars(address.data() + colon + 1, address.data() + address.size(), port).ptr !=
          address.data() + address.size() ||
      port < 0 || port > 65535)
    return Status::Invalid(fmt::format("HTTP address '{}' is not HOST:PORT (for example 127.0.0.1:9464)", address));
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->host_ = address.substr(0, colon);
  server->master_ = master;
  server->keys_ = keys;
  server->writes_ = writes;
  server->server_->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  HttpServer* self = server.get();
  server->server_->Get("/metrics", [self](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(self->mutex_);
    response.set_content(self->metrics_, kMetricsType);
  });
  server->server_->Get("/api/state", [self](const httplib::Request&, httplib::Response& response) {
    self->state_asked_ms_.store(SteadyMs(), std::memory_order_relaxed);
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
  server->server_->Get("/api/logs", [self](const httplib::Request& request, httplib::Response& response) {
    control::LogsRequest logs{request.get_param_value("element"), {}, {}};
    if (logs.element.empty()) return Answer({{"error", "ask /api/logs?element=TOPOLOGY/ELEMENT"}}, response);
    int lines = control::kDefaultLogLines;
    const std::string n = request.get_param_value("lines");
    if (!n.empty() &&
        (std::from_chars(n.data(), n.data() + n.size(), lines).ptr != n.data() + n.size() || lines < 1 || lines > 1000))
      return Answer({{"error", "lines must be 1..1000"}}, response);
    logs.lines = lines;
    Answer(AskMaster(self->zmq_, self->master_, self->keys_, control::ToJson(logs)), response);
  });
  server->server_->Get("/api/handler", [self](const httplib::Request& request, httplib::Response& response) {
    control::HandlerRequest read{request.get_param_value("element"), request.get_param_value("name"), {}, {}};
    if (read.element.empty() || read.name.empty())
      return Answer({{"error", "ask /api/handler?element=TOPOLOGY/ELEMENT&name=HANDLER"}}, response);
    Answer(AskMaster(self->zmq_, self->master_, self->keys_, control::ToJson(read)), response);
  });
  server->server_->Post("/api/handler", [self](const httplib::Request& request, httplib::Response& response) {
    if (!self->writes_) {
      response.status = 403;
      response.set_content("{\"error\": \"handler writes are off (datablox master --http-writes allows them)\"}",
                           "application/json");
      return;
    }
    control::Json body = control::Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object() || !body.contains("element") || !body["element"].is_string() || !body.contains("name") ||
        !body["name"].is_string() || !body.contains("value") || !body["value"].is_string())
      return Answer({{"error", "post {\"element\": \"TOPOLOGY/ELEMENT\", \"name\": H, \"value\": TEXT}"}}, response);
    control::HandlerRequest write{
        body["element"].get<std::string>(), body["name"].get<std::string>(), body["value"].get<std::string>(), {}};
    Answer(AskMaster(self->zmq_, self->master_, self->keys_, control::ToJson(write)), response);
  });
  server->server_->set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) return;  // a route's own answer (403, 502): kept
    response.set_content(fmt::format("{} {}: served here are GET /, /app.js, /api/state, /api/logs, /api/handler, "
                                     "/metrics and POST /api/handler\n",
                                     response.status, request.path),
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
  if (!state_json.empty()) state_ = std::move(state_json);
}

bool HttpServer::StateWatched() const {
  return SteadyMs() - state_asked_ms_.load(std::memory_order_relaxed) < kWatchedForMs;
}

}  // namespace datablox::master
