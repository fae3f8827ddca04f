// The client's half of CURVE: a socket that proves who it is with its own
// certificate and talks only to the server whose public key it was given,
// and a watch on its handshakes, so that a refusal is reported with its
// reason instead of looking like a peer that never answers.
#pragma once

#include <memory>
#include <string>

#include <zmq.hpp>

#include "datablox/status.h"

namespace datablox::auth {

struct ClientKeys {
  std::string public_key;  // ours, Z85
  std::string secret_key;
  std::string server_key;  // the server's public key
  bool enabled() const { return !server_key.empty(); }
};

// Our NAME.key_secret and the server's public NAME.key.
Status LoadClientKeys(const std::string& own_secret_file, const std::string& server_public_file, ClientKeys* keys);

// Sets a socket's CURVE client options; nothing when keys are not enabled.
// Before connect.
void MakeCurveClient(zmq::socket_t& socket, const ClientKeys& keys);

class HandshakeWatch {
 public:
  // Watches `socket` (before it connects). `with_keys` says which way a
  // mechanism mismatch goes in the message.
  HandshakeWatch(zmq::context_t& zmq, zmq::socket_t& socket, bool with_keys);
  ~HandshakeWatch();
  // Reads the events so far, without waiting: OK while no handshake failed
  // since the last one that succeeded, else PermissionDenied saying why.
  Status Check();
  zmq::pollitem_t item();

 private:
  zmq::socket_t& watched_;
  std::unique_ptr<zmq::socket_t> events_;
  bool with_keys_;
  Status last_;
};

}  // namespace datablox::auth
