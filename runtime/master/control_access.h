// Which control messages the master acts on, given who sent them: with
// keys, each message carries its sender's identity (auth::PeerIdentity,
// stamped by the ZAP guard), and
//   - a caretaker's key speaks only as its own node: its routing id must
//     be "node:NAME#..." with NAME the name its key is bound to, so no peer
//     can claim another node's name;
//   - an operator's key never speaks as a node, and one with role read
//     may only look: list, nodes, status, events, checkpoints, logs, handler reads.
// Without keys (an open master) everything is allowed, as before.
// Socket-free; the tests beside it cover every rule.
#pragma once

#include <string>
#include <string_view>

#include "runtime/auth/allow_list.h"
#include "runtime/core/control_op.h"

namespace datablox::master {

// Requests that change nothing: what a read-only operator may send. A
// handler request is one only when it reads (has no value).
bool ReadsOnly(control::Op op, bool handler_write);

// "" when `who` may send `message` under `routing_id`, else why not (said
// to the sender and in the log).
std::string RefusalFor(const auth::PeerIdentity& who, std::string_view routing_id, const control::Json& message);

}  // namespace datablox::master
