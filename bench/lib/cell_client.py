"""A client of the cell's supervisor that stays connected, for `bench/run
cell`: one ZeroMQ DEALER to the CellSupervisor's query port, speaking the
wire format itself (runtime/core/wire.h, as bench/query_client.cc does) with
the requests and answers of cell/supervisor/supervisor_protocol.h:

  request  [2][5][u64 id, little-endian][msgpack {"query", "view", "timeout_ms"}]
  reply    [2][6][u64 id][msgpack {"columns", "rows", "stats"} or {"refused": ...}]
           [2][7][u64 id][text]: an error

ClickHouse is timed over one kept-alive HTTP connection; this is the cell's
counterpart, so that neither side pays a process start or a lookup through
the master per query."""
import struct
import time

import msgpack
import zmq

WIRE_VERSION = 2
REQUEST, REPLY, ERROR = 5, 6, 7
# The supervisor's own budget is the query's timeout; the client waits a
# little longer so that the supervisor's error comes first (as the CLI does).
ANSWER_MARGIN_MS = 2000


class CellError(RuntimeError):
    pass


class SupervisorClient:
    """`with SupervisorClient(endpoint) as c: answer, ms = c.ask(eql, view)`."""

    def __init__(self, endpoint):
        self.context = zmq.Context()
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(endpoint)
        self.next_id = 1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.socket.close()
        self.context.term()
        return False

    def ask(self, text, view, timeout_ms=60000):
        """(answer, round-trip ms): the decoded answer of a query, timed from
        the request's send to the reply's receipt. CellError for an error
        reply, a refusal, a malformed reply or no reply in time."""
        request_id = self.next_id
        self.next_id += 1
        body = msgpack.packb({"query": text, "view": view, "timeout_ms": timeout_ms})
        frame = bytes([WIRE_VERSION, REQUEST]) + struct.pack("<Q", request_id) + body
        began = time.perf_counter()
        self.socket.send(frame)
        deadline = began + (timeout_ms + ANSWER_MARGIN_MS) / 1000
        while True:
            left_ms = int((deadline - time.perf_counter()) * 1000)
            if left_ms <= 0 or not self.socket.poll(left_ms):
                raise CellError(f"no answer within {timeout_ms + ANSWER_MARGIN_MS} ms to: {text}")
            reply = self.socket.recv()
            if len(reply) >= 10 and struct.unpack("<Q", reply[2:10])[0] == request_id:
                break  # an earlier query's late reply is not this one's
        ms = (time.perf_counter() - began) * 1000
        if reply[0] != WIRE_VERSION or reply[1] not in (REPLY, ERROR):
            raise CellError(f"malformed reply (kind {reply[1]}) to: {text}")
        if reply[1] == ERROR:
            raise CellError(f"the supervisor answered an error: {reply[10:].decode(errors='replace')}")
        answer = msgpack.unpackb(reply[10:], raw=False)
        if "refused" in answer:
            raise CellError(f"the supervisor refused: {text}: {answer['refused']}")
        if "rows" not in answer:
            raise CellError(f"an answer without rows to: {text}: {str(answer)[:300]}")
        return answer, ms
