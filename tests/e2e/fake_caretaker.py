"""A caretaker played by the test: it starts real element hosts
(`datablox host --caretaker ENDPOINT --element NAME`), hands each its plan
(configure, then connect once every host has bound its inputs), and lets a
test send any control message and read what the hosts answer, in the types
of runtime/core/control_protocol.h as JSON. And a shard member played by the
test: a ROUTER on a query port that answers each request as told.

For the host's side of shards before a master plans them: a requester's
query output to several members, and a member's answers to the master's
questions (can_add, export_state, import_state)."""

import json
import os
import signal
import struct
import subprocess
import time

import msgpack
import zmq

WIRE = 2  # runtime/core/wire.h kVersion
REQUEST, REPLY, ERROR, END, END_ACK = 5, 6, 7, 3, 4


def link(link_id, window=64, batch=16, **extra):
    return {"id": link_id, "endpoint": "", "window": window, "batch": batch, **extra}


def port(name, links, window=64, shards=None):
    plan = {"port": name, "window": window, "links": links}
    if shards:
        plan["shards"] = shards
    return plan


def param(value):
    kind = {bool: "bool", int: "int", float: "float", str: "string"}[type(value)]
    return {kind: value}


class FakeCaretaker:
    def __init__(self, datablox, tmp_path):
        self.datablox = str(datablox)
        self.tmp_path = tmp_path
        self.context = zmq.Context()
        self.router = self.context.socket(zmq.ROUTER)
        self.router.setsockopt(zmq.LINGER, 0)
        self.router.bind("tcp://127.0.0.1:*")
        self.endpoint = self.router.getsockopt(zmq.LAST_ENDPOINT).decode()
        self.hosts = {}  # element -> Popen
        self.plans = {}  # element -> plan
        self.endpoints = {}  # element -> {port: address}
        self.inbox = []  # (element, message) not yet taken

    def spawn(self, name, class_name, params=None, topology="t", **plan):
        element = f"{topology}/{name}"
        self.plans[element] = {"topology": topology, "name": name, "class": class_name,
                               "params": {k: param(v) for k, v in (params or {}).items()}, **plan}
        log = open(self.tmp_path / f"{name.replace('/', '-')}.log", "wb")
        self.hosts[element] = subprocess.Popen([self.datablox, "host", "--caretaker", self.endpoint,
                                                "--element", element],
                                               stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        return element

    def send(self, element, message):
        self.router.send_multipart([element.encode(), json.dumps(message).encode()])

    def _read(self, timeout_ms):
        if not self.router.poll(timeout_ms):
            return False
        peer, body = self.router.recv_multipart()[:2]
        element, message = peer.decode(), json.loads(body)
        if message.get("op") == "hello":
            self.send(element, {"op": "configure", "plan": self.plans[element]})
        elif message.get("op") == "bound":
            self.endpoints[element] = message["endpoints"]
        elif message.get("op") in ("ended", "failed", "stopped"):
            self.send(element, {"op": "bye"})
        if message.get("op") not in ("hello", "stats"):
            self.inbox.append((element, message))
        return True

    def expect(self, op, element=None, timeout=20.0):
        """The next message `op` (from `element`), read in order."""
        deadline = time.monotonic() + timeout
        while True:
            for i, (who, message) in enumerate(self.inbox):
                if message.get("op") == op and (element is None or who == element):
                    del self.inbox[i]
                    return message
            left = deadline - time.monotonic()
            assert left > 0, f"no '{op}' from {element or 'any host'} in {timeout} s; had {self.inbox}" + self.logs()
            self._read(int(left * 1000))

    def connect_all(self, receivers):
        """Once every host has bound: connect each, its links' endpoints
        filled from `receivers` {link id: (element, port)} or a fixed address."""
        for element in self.hosts:
            self.expect("bound", element)
        for element, plan in self.plans.items():
            wired = json.loads(json.dumps(plan))
            for kind in ("push_out", "query_out"):
                for p in wired.get(kind, []):
                    for each in p["links"]:
                        to = receivers[each["id"]]
                        each["endpoint"] = to if isinstance(to, str) else self.endpoints[to[0]][to[1]]
            self.send(element, {"op": "connect", "element": element, "plan": wired})
        for element in self.hosts:
            self.expect("started", element)

    def handler(self, element, name):
        """A handler's value, read through the control channel: also proof
        that the host has handled every control message sent before."""
        self.send(element, {"op": "handler", "element": element, "name": name, "request": 1})
        return self.expect("handler_reply", element).get("value")

    def wait_exit(self, element, timeout=20.0):
        try:
            return self.hosts[element].wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{element} did not exit in {timeout} s" + self.logs())

    def logs(self):
        return "".join(f"\n--- {p.name}\n{p.read_text(errors='replace')[-2000:]}"
                       for p in sorted(self.tmp_path.glob("*.log")))

    def close(self):
        for process in self.hosts.values():
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
        self.router.close()
        self.context.destroy(linger=0)


class FakeMember:
    """A shard member's query port, played by the test."""

    def __init__(self, context):
        self.socket = context.socket(zmq.ROUTER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.bind("tcp://127.0.0.1:*")
        self.endpoint = self.socket.getsockopt(zmq.LAST_ENDPOINT).decode()
        self.requests = []  # the requests it got, decoded
        self.ended = False
        self.unanswered = None  # (peer, request id) of the last request served without an answer

    def serve(self, answer, timeout_ms=20000):
        """Reads one frame: answers a request with answer(request), a map
        (a reply), a str (an error) or None (no answer); acks an END."""
        assert self.socket.poll(timeout_ms), f"{self.endpoint}: nothing came in {timeout_ms} ms"
        peer, frame = self.socket.recv_multipart()
        if frame[1] == END:
            self.ended = True
            self.socket.send_multipart([peer, bytes([WIRE, END_ACK])])
            return None
        assert frame[1] == REQUEST, frame[:2]
        request_id = frame[2:10]
        request = msgpack.unpackb(frame[10:], raw=False)
        self.requests.append(request)
        reply = answer(request)
        if reply is None:
            self.unanswered = (peer, request_id)
        if isinstance(reply, dict):
            self.socket.send_multipart([peer, bytes([WIRE, REPLY]) + request_id + msgpack.packb(reply)])
        elif isinstance(reply, str):
            self.socket.send_multipart([peer, bytes([WIRE, ERROR]) + request_id + reply.encode()])
        return request

    def answer_late(self, reply):
        """Answers, now, the last request `serve` left unanswered."""
        peer, request_id = self.unanswered
        self.socket.send_multipart([peer, bytes([WIRE, REPLY]) + request_id + msgpack.packb(reply)])
        self.unanswered = None

    def idle(self, timeout_ms=300):
        return self.socket.poll(timeout_ms) == 0

    def close(self):
        self.socket.close()
