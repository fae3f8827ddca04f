#include "runtime/core/control.h"

#include <algorithm>

#include <fmt/format.h>

#include "runtime/core/bounded_json.h"

namespace datablox::control {

std::string Serialize(const Json& message) { return message.dump(-1, ' ', false, Json::error_handler_t::replace); }

bool Send(zmq::socket_t& socket, const Json& message) {
  std::string text = Serialize(message);
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
  return SendFrameTo(router, peer, Serialize(message));
}

Status ParseFrame(std::string_view frame, Json* message) {
  // Bounded before it is built: nlohmann parses any depth, but copies and
  // prints recursively, and a decoder copies a Json field (a submit's
  // absolute_paths): 300,000 '[' overflowed the master's stack.
  Status st = ParseBoundedJson(frame, message, kMaxControlMessageDepth);
  if (!st.ok() && st.message().find("nested deeper") != std::string::npos) {
    return Status::Invalid("control frame: " + st.message());
  }
  if (!st.ok() || !message->is_object()) return Status::Invalid("control frame is not a JSON object");
  return Status::OK();
}

namespace {
Status Parse(const zmq::message_t& frame, Json* message) { return ParseFrame(frame.to_string_view(), message); }

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
  std::string ignored;
  return TryReceiveFrom(router, peer, message, &ignored);
}

Status TryReceiveFrom(zmq::socket_t& router, std::string* peer, Json* message, std::string* user_id) {
  zmq::message_t id;
  if (!router.recv(id, zmq::recv_flags::dontwait)) return Status::NotFound("no message");
  *peer = id.to_string();
  if (!id.more()) return Status::Invalid("control message without a body");
  zmq::message_t frame;
  (void)router.recv(frame, zmq::recv_flags::none);
  // Without a ZAP handler a message has no User-Id: zmq_msg_gets says EINVAL.
  const char* user = zmq_msg_gets(frame.handle(), "User-Id");
  *user_id = user ? user : "";
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

std::chrono::milliseconds TimeoutUntil(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds cap) {
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

std::string LastEndpoint(zmq::socket_t& socket) { return socket.get(zmq::sockopt::last_endpoint); }

}  // namespace datablox::control
