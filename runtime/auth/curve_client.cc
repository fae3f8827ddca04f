#include "runtime/auth/curve_client.h"

#include <fmt/format.h>
#include <zmq.h>

#include <atomic>
#include <cstring>

#include "runtime/auth/keys.h"

namespace datablox::auth {

Status LoadClientKeys(const std::string& own_secret_file, const std::string& server_public_file, ClientKeys* keys) {
  Certificate own, server;
  if (Status st = ReadSecretCertificate(own_secret_file, &own); !st.ok()) return st;
  if (Status st = ReadCertificate(server_public_file, &server); !st.ok()) return st;
  keys->public_key = own.public_key;
  keys->secret_key = own.secret_key;
  keys->server_key = server.public_key;
  return Status::OK();
}

void MakeCurveClient(zmq::socket_t& socket, const ClientKeys& keys) {
  if (!keys.enabled()) return;
  socket.set(zmq::sockopt::curve_serverkey, keys.server_key);
  socket.set(zmq::sockopt::curve_publickey, keys.public_key);
  socket.set(zmq::sockopt::curve_secretkey, keys.secret_key);
}

HandshakeWatch::HandshakeWatch(zmq::context_t& zmq, zmq::socket_t& socket, bool with_keys)
    : watched_(socket), with_keys_(with_keys) {
  static std::atomic<uint64_t> next{0};
  std::string endpoint = fmt::format("inproc://datablox-handshakes-{}", ++next);
  if (zmq_socket_monitor(socket.handle(), endpoint.c_str(),
                         ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                             ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0)
    return;  // no watch: a refusal then looks like silence, as before
  events_ = std::make_unique<zmq::socket_t>(zmq, zmq::socket_type::pair);
  events_->set(zmq::sockopt::linger, 0);
  events_->connect(endpoint);
}

HandshakeWatch::~HandshakeWatch() {
  if (events_) (void)zmq_socket_monitor(watched_.handle(), nullptr, 0);
}

zmq::pollitem_t HandshakeWatch::item() {
  return {events_ ? events_->handle() : nullptr, 0, static_cast<short>(events_ ? ZMQ_POLLIN : 0), 0};
}

Status HandshakeWatch::Check() {
  while (events_) {
    zmq::message_t event, address;
    if (!events_->recv(event, zmq::recv_flags::dontwait)) break;
    if (event.more()) (void)events_->recv(address, zmq::recv_flags::dontwait);
    if (event.size() < 6) continue;
    uint16_t id;
    uint32_t value;
    std::memcpy(&id, event.data(), 2);
    std::memcpy(&value, static_cast<const char*>(event.data()) + 2, 4);
    if (id == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
      last_ = Status::OK();
    } else if (id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
      last_ = Status::PermissionDenied(
          fmt::format("it refused our key (status {}): its allow-list does not hold our public key", value));
    } else if (!with_keys_) {
      // Without keys, whatever breaks the handshake is a server that wants them.
      last_ = Status::PermissionDenied("it requires CURVE keys, and we were given none");
    } else if (id == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL && value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
      last_ = Status::PermissionDenied("it does not use CURVE keys, and we were given some");
    } else {
      last_ = Status::PermissionDenied(
          "the CURVE handshake failed: the server key we hold is not its key, or it does not use keys");
    }
  }
  return last_;
}

}  // namespace datablox::auth
