// The control protocol, declared once: every operation the CLI, the master,
// the caretakers and the element hosts send each other, each message as a
// struct with its encode (ToJson) and decode (FromJson), the element plan
// they hand on, the link id's format and the restart policy. This is the
// header users include; its parts, one concern each:
//   control_op.h        the operations (Op) and their wire names
//   link_id.h           a link's name, "src.out>keep.in"
//   element_plan.h      the plan of one element, and the restart policy
//   control_messages.h  CLI <-> master <-> caretaker
//   host_messages.h     host <-> caretaker (most passed on to the master)
//   shard_protocol.h    growing and shrinking shards
//   checkpoint_protocol.h  checkpoints: barriers started, snapshots taken, commits
//
// A message is one JSON object with an "op" string (the wire names below
// are the wire format: never change one). A decode never throws: a message
// of the wrong shape is a Status naming the message and the field, which
// the receiver counts and drops. A field absent from a message takes the
// default its struct declares; a field present with the wrong type is an
// error. Fields some senders leave out are std::optional, so that what goes
// out is exactly what went out before the protocol was declared.
//
// Who talks to whom (docs/control-protocol.md tells the order of a life):
//
//   CLI -> master (ROUTER, peer "client:..."), one request, one reply
//   ({"ok": bool, ...}, declared in client_replies.h): submit, status,
//   list, nodes, events, stop, kill, handler, logs, shutdown.
//
//   caretaker -> master (peer "node:NAME#TOKEN"): join at start, heartbeat
//   every period (the caretaker's whole state: a master that restarted
//   re-adopts from it), left at the end; spawned, restarting, exited (and
//   failed when a host cannot even be started) about its elements; and,
//   forwarded from its hosts with the ForwardedBy stamp: bound, started,
//   link_done, stats, ended, stopped, failed, handler_reply; logs_reply.
//
//   master -> caretaker: heartbeat_ack, spawn, connect, rewire, drain, stop,
//   kill_element, shutdown; handler and logs (client requests relayed, with
//   a request id the reply carries back).
//
//   host -> caretaker (peer "TOPOLOGY/ELEMENT#TOKEN"): hello, bound, started,
//   link_done, stats, ended, stopped, failed, handler_reply.
//
//   caretaker -> host: configure (answer to hello), connect and rewire (the
//   master's, passed on), drain, handler, bye (its last word was read).
//
//   CLI -> caretaker (its status endpoint): status, logs.
//
// The control plane is not a hot path: readable messages beat compact ones.
// No socket here: the socket helpers are in runtime/core/control.h.
#pragma once

#include "runtime/core/checkpoint_protocol.h"
#include "runtime/core/control_messages.h"
#include "runtime/core/control_op.h"
#include "runtime/core/element_plan.h"
#include "runtime/core/host_messages.h"
#include "runtime/core/link_id.h"
#include "runtime/core/shard_protocol.h"
