#include "tools/master_client.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "tools/commands.h"
#include "tools/keys_command.h"

namespace datablox::cli {

MasterClient::MasterClient(zmq::context_t& zmq, const std::string& endpoint) : socket_(zmq, zmq::socket_type::dealer) {
  socket_.set(zmq::sockopt::routing_id, fmt::format("client:{}", ::getpid()));
  socket_.set(zmq::sockopt::linger, 0);
  const auth::ClientKeys& keys = ClientKeysInUse();
  auth::MakeCurveClient(socket_, keys);
  handshakes_ = std::make_unique<auth::HandshakeWatch>(zmq, socket_, keys.enabled());
  socket_.connect(endpoint);
}

Status MasterClient::Ask(const control::Json& request, control::Json* reply, std::chrono::milliseconds timeout) {
  control::Send(socket_, request);
  zmq::pollitem_t items[2] = {{socket_.handle(), 0, ZMQ_POLLIN, 0}, handshakes_->item()};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!control::Poll(items, 2, control::TimeoutUntil(deadline, timeout))) return Status::Unavailable("interrupted");
    if (items[0].revents & ZMQ_POLLIN) return control::TryReceive(socket_, reply);
    if (Status refused = handshakes_->Check(); !refused.ok()) return refused;
  }
  return Status::Unavailable("no answer in time");
}

// No answer (69), or an answer not of its reply's shape (70).
int Unreachable(const std::string& endpoint, const Status& st) {
  if (st.code() == Status::Code::kPermissionDenied) {
    std::fprintf(stderr, "error: %s\n", RefusedAdvice(endpoint, st).c_str());
    return exit_code::kPrivileges;
  }
  if (st.code() == Status::Code::kInternal) {
    std::fprintf(stderr, "error: the master at %s: %s\n", endpoint.c_str(), st.message().c_str());
    return kExitSoftware;
  }
  std::fprintf(stderr, "error: cannot reach the master at %s: %s\n", endpoint.c_str(), st.message().c_str());
  return kExitUnavailable;
}

std::string RefusedAdvice(const std::string& endpoint, const Status& refused) {
  std::string advice;
  if (refused.message().find("given none") != std::string::npos)
    advice =
        "; give your operator key and the master's: --key NAME.key_secret --master-key master.key (or "
        "$DATABLOX_KEY and $DATABLOX_MASTER_KEY)";
  else if (refused.message().find("allow-list") != std::string::npos)
    advice =
        "; ask its operator to put your public NAME.key into its allow-list (`datablox keygen DIR --operator "
        "NAME` makes one there)";
  return fmt::format("the master at {} refused this client: {}{}", endpoint, refused.message(), advice);
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
