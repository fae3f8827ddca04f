#include "tools/master_client.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

namespace datablox::cli {

MasterClient::MasterClient(zmq::context_t& zmq, const std::string& endpoint) : socket_(zmq, zmq::socket_type::dealer) {
  socket_.set(zmq::sockopt::routing_id, fmt::format("client:{}", ::getpid()));
  socket_.set(zmq::sockopt::linger, 0);
  socket_.connect(endpoint);
}

Status MasterClient::Ask(const control::Json& request, control::Json* reply, std::chrono::milliseconds timeout) {
  control::Send(socket_, request);
  Status st = control::Receive(socket_, timeout, reply);
  if (st.IsTimeout()) return Status::Unavailable("no answer in time");
  return st;
}

Status CheckEndpoint(const std::string& endpoint) {
  // Whether ZeroMQ parses it is the one test that cannot drift from what
  // the verbs do with it; connect() resolves and sends nothing yet.
  zmq::context_t zmq(1);
  zmq::socket_t probe(zmq, zmq::socket_type::dealer);
  probe.set(zmq::sockopt::linger, 0);
  try {
    probe.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return Status::Invalid(fmt::format(
        "'{}' is not an endpoint ZeroMQ can connect to (tcp://HOST:PORT or ipc://PATH): {}", endpoint, e.what()));
  }
  return Status::OK();
}

std::string MasterEndpoint(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("DATABLOX_MASTER")) return env;
  return "tcp://127.0.0.1:7070";
}

}  // namespace datablox::cli
