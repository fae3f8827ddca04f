// The CLI's side of the control plane: one request, one reply, to a master.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "runtime/auth/curve_client.h"
#include "runtime/core/client_replies.h"
#include "runtime/core/control.h"

namespace datablox::cli {

class MasterClient {
 public:
  // With the keys of this process (keys_command.h) when it has some.
  MasterClient(zmq::context_t& zmq, const std::string& endpoint);
  // Unavailable when the master does not answer within `timeout`;
  // PermissionDenied, at once, when it refuses our keys (or their absence).
  Status Ask(const control::Json& request, control::Json* reply,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // Asks, and reads the answer into its struct (client_replies.h): when
  // the master said no, *refusal is set and *reply untouched (but a no to
  // who we are is PermissionDenied, for Unreachable to say). Unavailable
  // or Timeout: no answer; Internal: an answer not of the reply's shape.
  template <class Reply>
  Status Ask(const control::Json& request, Reply* reply, std::optional<control::Refusal>* refusal,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    control::Json raw;
    Status st = Ask(request, &raw, timeout);
    if (!st.ok()) return st;
    if (control::Refusal no; control::ReadRefusal(raw, &no)) {
      if (no.denied) return Status::PermissionDenied(no.error);
      *refusal = std::move(no);
      return Status::OK();
    }
    st = control::FromJson(raw, reply);
    return st.ok() ? st : Status::Internal("malformed reply: " + st.message());
  }

 private:
  zmq::socket_t socket_;
  std::unique_ptr<auth::HandshakeWatch> handshakes_;
};

// Says why the master gave no answer and returns the exit status: 69 when
// it did not answer, 77 when it refused our keys, 70 for an answer not of
// its reply's shape.
int Unreachable(const std::string& endpoint, const Status& st);
// What the master said no with, or `otherwise` when it did not say.
inline const char* Why(const control::Refusal& refusal, const char* otherwise) {
  return refusal.error.empty() ? otherwise : refusal.error.c_str();
}

// What to tell the user when the master refused us: its reason and what
// to do about it.
std::string RefusedAdvice(const std::string& endpoint, const Status& refused);

// --master, else $DATABLOX_MASTER, else the master daemon's default address.
std::string MasterEndpoint(const std::string& flag);

// OK when ZeroMQ can connect to `endpoint` ("tcp://HOST:PORT", "ipc://PATH");
// otherwise an Invalid status naming it. Nothing is sent.
Status CheckEndpoint(const std::string& endpoint);

}  // namespace datablox::cli
