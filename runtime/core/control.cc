#include "runtime/core/control.h"

#include <algorithm>

#include <fmt/format.h>

namespace datablox::control {

bool Send(zmq::socket_t& socket, const Json& message) {
  std::string text = message.dump();
  try {
    return socket.send(zmq::buffer(text), zmq::send_flags::dontwait).has_value();
  } catch (const zmq::error_t&) {
    return false;
  }
}

bool SendFrameTo(zmq::socket_t& router, std::string_view peer, std::string_view frame) {
  try {
    if (!router.send(zmq::buffer(peer), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return false;
    return router.send(zmq::buffer(frame), zmq::send_flags::dontwait).has_value();
  } catch (const zmq::error_t&) {
    return false;  // ROUTER_MANDATORY: the peer is gone
  }
}

bool SendTo(zmq::socket_t& router, const std::string& peer, const Json& message) {
  return SendFrameTo(router, peer, message.dump());
}

namespace {
Status Parse(const zmq::message_t& frame, Json* message) {
  *message = Json::parse(frame.to_string_view(), nullptr, /*allow_exceptions=*/false);
  if (message->is_discarded() || !message->is_object()) {
    return Status::Invalid("control frame is not a JSON object");
  }
  return Status::OK();
}

// Drops the rest of a multipart message so the next read starts clean.
void DrainMore(zmq::socket_t& socket, const zmq::message_t& last) {
  bool more = last.more();
  while (more) {
    zmq::message_t extra;
    (void)socket.recv(extra, zmq::recv_flags::dontwait);
    more = extra.more();
  }
}
}  // namespace

Status TryReceive(zmq::socket_t& socket, Json* message) {
  zmq::message_t frame;
  if (!socket.recv(frame, zmq::recv_flags::dontwait)) return Status::NotFound("no message");
  DrainMore(socket, frame);
  return Parse(frame, message);
}

Status TryReceiveFrom(zmq::socket_t& router, std::string* peer, Json* message) {
  zmq::message_t id;
  if (!router.recv(id, zmq::recv_flags::dontwait)) return Status::NotFound("no message");
  *peer = id.to_string();
  if (!id.more()) return Status::Invalid("control message without a body");
  zmq::message_t frame;
  (void)router.recv(frame, zmq::recv_flags::none);
  DrainMore(router, frame);
  return Parse(frame, message);
}

Status Receive(zmq::socket_t& socket, std::chrono::milliseconds timeout, Json* message) {
  zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (std::chrono::steady_clock::now() >= deadline) return Status::Timeout("no answer in time");
    if (!Poll(&item, 1, TimeoutUntil(deadline, timeout))) return Status::Unavailable("interrupted");
    if (item.revents & ZMQ_POLLIN) return TryReceive(socket, message);
  }
}

std::chrono::milliseconds TimeoutUntil(std::chrono::steady_clock::time_point deadline,
                                       std::chrono::milliseconds cap) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return std::clamp(left, std::chrono::milliseconds(0), cap);
}

bool Poll(zmq::pollitem_t* items, size_t count, std::chrono::milliseconds timeout) {
  try {
    zmq::poll(items, count, timeout);
    return true;
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) throw;
    for (size_t i = 0; i < count; ++i) items[i].revents = 0;
    return false;
  }
}

std::string PrintableId(std::string_view id) {
  constexpr size_t kShown = 64;
  std::string out = "'";
  for (size_t i = 0; i < id.size() && i < kShown; ++i) {
    unsigned char c = static_cast<unsigned char>(id[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') out.push_back(static_cast<char>(c));
    else out += fmt::format("\\x{:02x}", c);
  }
  if (id.size() > kShown) out += "...";
  return out + "'";
}

std::string LastEndpoint(zmq::socket_t& socket) {
  return socket.get(zmq::sockopt::last_endpoint);
}

Json ParamToJson(const ParamValue& value) {
  switch (value.kind) {
    case ParamValue::Kind::kInt: return {{"int", value.i}};
    case ParamValue::Kind::kFloat: return {{"float", value.f}};
    case ParamValue::Kind::kString: return {{"string", value.s}};
    case ParamValue::Kind::kBool: return {{"bool", value.b}};
    case ParamValue::Kind::kList: {
      Json items = Json::array();
      for (const ParamValue& item : value.list) items.push_back(ParamToJson(item));
      return {{"list", items}};
    }
  }
  return nullptr;
}

ParamValue ParamFromJson(const Json& json) {
  if (json.contains("int")) return ParamValue::Int(json["int"].get<int64_t>());
  if (json.contains("float")) return ParamValue::Float(json["float"].get<double>());
  if (json.contains("string")) return ParamValue::String(json["string"].get<std::string>());
  if (json.contains("bool")) return ParamValue::Bool(json["bool"].get<bool>());
  std::vector<ParamValue> items;
  if (json.contains("list")) {
    for (const Json& item : json["list"]) items.push_back(ParamFromJson(item));
  }
  return ParamValue::List(std::move(items));
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LinkPlan, id, endpoint, window, batch, check_schema)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PortPlan, port, window, links)

Json ToJson(const ElementPlan& plan) {
  Json params = Json::object();
  for (const auto& [name, value] : plan.params) params[name] = ParamToJson(value);
  return {{"topology", plan.topology}, {"name", plan.name},         {"class", plan.class_name},
          {"node", plan.node},         {"params", params},          {"push_in", plan.push_in},
          {"push_out", plan.push_out}, {"query_in", plan.query_in}, {"query_out", plan.query_out},
          {"query_timeout_ms", plan.query_timeout_ms}, {"search_path", plan.search_path},
          {"restart", plan.restart}, {"restart_limit", plan.restart_limit}, {"backoff_ms", plan.backoff_ms}};
}

ElementPlan PlanFromJson(const Json& json) {
  ElementPlan plan;
  plan.topology = json.value("topology", "");
  plan.name = json.value("name", "");
  plan.class_name = json.value("class", "");
  plan.node = json.value("node", "");
  if (json.contains("params")) {
    for (const auto& [name, value] : json["params"].items()) plan.params[name] = ParamFromJson(value);
  }
  if (json.contains("push_in")) plan.push_in = json["push_in"].get<std::vector<PortPlan>>();
  if (json.contains("push_out")) plan.push_out = json["push_out"].get<std::vector<PortPlan>>();
  if (json.contains("query_in")) plan.query_in = json["query_in"].get<std::vector<PortPlan>>();
  if (json.contains("query_out")) plan.query_out = json["query_out"].get<std::vector<PortPlan>>();
  plan.query_timeout_ms = json.value("query_timeout_ms", 5000);
  plan.restart = json.value("restart", "on-failure");
  plan.restart_limit = json.value("restart_limit", 5);
  plan.backoff_ms = json.value("backoff_ms", 100);
  if (json.contains("search_path")) plan.search_path = json["search_path"].get<std::vector<std::string>>();
  return plan;
}

}  // namespace datablox::control
