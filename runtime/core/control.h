// The control plane's sockets: JSON messages over their own ZeroMQ sockets
// (never a data socket), between the CLI, the master, the caretakers and the
// element hosts. The messages themselves, and the element plan they hand each
// other, are declared in runtime/core/control_protocol.h.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "datablox/spec.h"
#include "datablox/status.h"
#include "runtime/core/control_protocol.h"

namespace datablox::control {

// A message as its one frame of JSON. Bytes that are not UTF-8 (an
// element's stderr in a `logs` reply) become U+FFFD instead of throwing.
std::string Serialize(const Json& message);

// One frame of JSON on a DEALER socket, never waiting: false when the peer
// is away and its queue is full (a master restarting): the control plane
// repeats what matters (heartbeats carry the whole state).
bool Send(zmq::socket_t& socket, const Json& message);
// [peer][frame] on a ROUTER socket, never waiting. False when the peer is
// gone (ROUTER_MANDATORY) or its queue is full.
bool SendFrameTo(zmq::socket_t& router, std::string_view peer, std::string_view frame);
// [peer][JSON] on a ROUTER socket. False when the peer is gone.
bool SendTo(zmq::socket_t& router, const std::string& peer, const Json& message);
// The deepest control message read. A plan's parameter lists nest up to
// kMaxParamListNesting, each two JSON levels ({"list": [...]}), a few
// levels down a message: twice that fits any message sent, and keeps a
// hostile one off the stack.
inline constexpr int kMaxControlMessageDepth = 4 * kMaxParamListNesting;

// Reads one received frame as a message: Invalid unless it is a JSON object
// nested at most kMaxControlMessageDepth levels. (What TryReceive does with
// a frame; fuzz/control_fuzz feeds it bytes.)
Status ParseFrame(std::string_view frame, Json* message);

// Receives one message without waiting. Returns NotFound when nothing is
// there, Invalid for a frame that is not a JSON object (counted by callers).
Status TryReceive(zmq::socket_t& socket, Json* message);
Status TryReceiveFrom(zmq::socket_t& router, std::string* peer, Json* message);
// And the sender's identity, as a ZAP handler named it ("" without one).
Status TryReceiveFrom(zmq::socket_t& router, std::string* peer, Json* message, std::string* user_id);

// Waits up to `timeout` for a message on a DEALER socket. A signal that
// interrupts the wait ends it with Unavailable("interrupted"): the caller
// looks at its own stop flag.
Status Receive(zmq::socket_t& socket, std::chrono::milliseconds timeout, Json* message);

// A poll timeout that wakes no earlier than `deadline` and no later than
// `cap` from now: rounded up (a truncated 0.6 ms would spin) and never
// negative (a negative timeout means "wait forever" to zmq_poll).
std::chrono::milliseconds TimeoutUntil(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds cap);

// zmq::poll that returns false instead of throwing when a signal interrupts it.
bool Poll(zmq::pollitem_t* items, size_t count, std::chrono::milliseconds timeout);

// A peer-chosen id (or any bytes from the wire), quoted for a log line:
// control bytes, quotes and non-ASCII shown as \xNN, and long ids cut, so
// garbage cannot garble the terminal.
std::string PrintableId(std::string_view id);

// The environment variable a caretaker hands each host it spawns a token in:
// the host's control id is "ELEMENT#TOKEN", and the caretaker takes messages
// from, and sends to, that exact id only (no routing id is handed over).
inline constexpr std::string_view kHostTokenVariable = "DATABLOX_HOST_TOKEN";

// The actual address a socket bound to `tcp://HOST:*` got.
std::string LastEndpoint(zmq::socket_t& socket);

}  // namespace datablox::control
