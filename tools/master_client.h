// The CLI's side of the control plane: one request, one reply, to a master.
#pragma once

#include <chrono>
#include <string>

#include "runtime/core/control.h"

namespace datablox::cli {

class MasterClient {
 public:
  MasterClient(zmq::context_t& zmq, const std::string& endpoint);
  // Unavailable when the master does not answer within `timeout`.
  Status Ask(const control::Json& request, control::Json* reply,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

 private:
  zmq::socket_t socket_;
};

// --master, else $DATABLOX_MASTER, else the master daemon's default address.
std::string MasterEndpoint(const std::string& flag);

// OK when ZeroMQ can connect to `endpoint` ("tcp://HOST:PORT", "ipc://PATH");
// otherwise an Invalid status naming it. Nothing is sent.
Status CheckEndpoint(const std::string& endpoint);

}  // namespace datablox::cli
