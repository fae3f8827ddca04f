"""A stand-in caretaker for the shard routing tests: it runs real element
hosts (`datablox host`, each its own process), gives them plans written
here (a shard's members and the senders' tables, as the planner writes
them), and says what the master would say mid-stream (expect_links,
reroute), so that routing, reroutes and fences are tested on real
processes and sockets without the master's part of growing a shard.
Every host is ended by the pid held here."""

import json
import os
import secrets
import subprocess
import time

import zmq

TOPOLOGY = "t"
WINDOW = 1000
BATCH = 50


def param(value):
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": value}
    if isinstance(value, float):
        return {"float": value}
    return {"string": value}


def link(sender, sender_port, receiver, receiver_port="in", shard=None, member=None):
    plan = {"id": f"{sender}.{sender_port}>{receiver}.{receiver_port}", "endpoint": "", "window": WINDOW,
            "batch": BATCH, "check_schema": False, "receiver": receiver, "receiver_port": receiver_port}
    if shard is not None:
        plan["shard"], plan["member"] = shard, member
    return plan


def route(shard, kind, version=1, key="", key_groups=0, owners=(), held=()):
    return {"shard": shard, "route": kind, "key": key, "merge": "first", "key_groups": key_groups,
            "owners": list(owners), "held": list(held), "version": version}


def key_group(text, groups):
    """KeyGroupOf (runtime/core/shard.cc): FNV-1a, then a splitmix64 finaliser."""
    mask = (1 << 64) - 1
    h = 1469598103934665603
    for byte in text.encode():
        h = ((h ^ byte) * 1099511628211) & mask
    h ^= h >> 30
    h = (h * 0xBF58476D1CE4E5B9) & mask
    h ^= h >> 27
    h = (h * 0x94D049BB133111EB) & mask
    h ^= h >> 31
    return h % groups


def _wire_link(plan_link, endpoints=None):
    wire = {k: v for k, v in plan_link.items() if k not in ("receiver", "receiver_port")}
    if endpoints is not None:
        wire["endpoint"] = endpoints[plan_link["receiver"]][plan_link["receiver_port"]]
    return wire


class Hosts:
    def __init__(self, binary, tmp_path):
        self.binary, self.tmp_path = str(binary), tmp_path
        self.context = zmq.Context()
        self.router = self.context.socket(zmq.ROUTER)
        self.router.setsockopt(zmq.LINGER, 0)
        self.router.bind("tcp://127.0.0.1:*")
        self.endpoint = self.router.getsockopt_string(zmq.LAST_ENDPOINT)
        self.procs, self.plans, self.ids, self.endpoints = {}, {}, {}, {}
        self.ended, self.messages = {}, []

    def spawn(self, name, cls, params, push_in=(), push_out=(), member=None):
        """push_in: [(port, [link...])]; push_out: [(port, [link...], [route...])]."""
        plan = {"topology": TOPOLOGY, "name": name, "class": cls, "node": "local",
                "params": {k: param(v) for k, v in params.items()},
                "push_in": [{"port": p, "window": WINDOW, "links": [_wire_link(l) for l in links]}
                            for p, links in push_in],
                "push_out": [{"port": p, "window": 0, "links": links, "shards": routes}
                             for p, links, routes in push_out],
                "query_in": [], "query_out": [], "query_timeout_ms": 5000, "search_path": [],
                "restart": "never", "restart_limit": 0, "backoff_ms": 100}
        if member is not None:
            plan["member"] = {"shard": member[0], "id": member[1], "key": "", "key_groups": 0}
        token = secrets.token_hex(8)
        element = f"{TOPOLOGY}/{name}"
        self.plans[name], self.ids[name] = plan, f"{element}#{token}".encode()
        env = dict(os.environ, DATABLOX_HOST_TOKEN=token)
        stderr = open(self.tmp_path / f"{name.replace('/', '_')}.stderr", "wb")
        self.procs[name] = subprocess.Popen(
            [self.binary, "host", "--caretaker", self.endpoint, "--element", element, "--bind", "127.0.0.1"],
            env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        stderr.close()

    def send(self, name, message):
        self.router.send_multipart([self.ids[name], json.dumps(message).encode()])

    def pump(self, seconds=0.05):
        """Answers the hosts as a caretaker does; keeps what else they say."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if not self.router.poll(int(left * 1000) + 1):
                continue
            peer, body = self.router.recv_multipart()
            name = next((n for n, i in self.ids.items() if i == peer), None)
            message = json.loads(body)
            op = message.get("op")
            if name is None:
                continue
            if op == "hello":
                self.send(name, {"op": "configure", "plan": self.plans[name], "ended_links": []})
            elif op == "bound":
                self.endpoints[name] = message["endpoints"]
            elif op in ("ended", "failed", "stopped"):
                self.ended[name] = message
                self.send(name, {"op": "bye"})
            else:
                self.messages.append((name, message))

    def wait(self, predicate, what, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if value := predicate():
                return value
            failed = [n for n, m in self.ended.items() if m["op"] != "ended"]
            assert not failed, f"{failed} failed: {[self.ended[n] for n in failed]}"
        raise AssertionError(f"timed out waiting for {what}: ended {sorted(self.ended)}, "
                             f"stderr {[(p.name, p.read_text()[-500:]) for p in self.tmp_path.glob('*.stderr')]}")

    def connect(self, names):
        self.wait(lambda: all(n in self.endpoints for n in names), "every host bound")
        for name in names:
            plan = dict(self.plans[name])
            plan["push_out"] = [dict(p, links=[_wire_link(l, self.endpoints) for l in p["links"]])
                                for p in plan["push_out"]]
            self.send(name, {"op": "connect", "element": f"{TOPOLOGY}/{name}", "plan": plan})

    def wire_link(self, plan_link):
        return _wire_link(plan_link, self.endpoints)

    def wait_ended(self, names, timeout=60.0):
        self.wait(lambda: all(n in self.ended for n in names), "every host ended", timeout)
        return {n: self.ended[n]["stats"] for n in names}

    def close(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
        self.router.close()
        self.context.destroy(linger=0)
