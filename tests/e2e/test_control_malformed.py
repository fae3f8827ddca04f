"""A master and a caretaker survive malformed control messages: on the
master's socket, relayed by the master, and on the caretaker's status
endpoint (fixtures: cluster_runtime.py)."""

import json
import os
import time

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from cluster_runtime import ask_raw, brief, dealer, elements

# ------------------------------------------------------------ malformed control messages


def test_master_survives_malformed_control_messages(cluster):
    import zmq
    ctx = zmq.Context()
    try:
        client = dealer(ctx, cluster.cli.endpoint, f"client:malformed-{os.getpid()}")
        for frame in (b"\xff\xfe garbage", b"", b"[1, 2, 3]", b'"a string"', b"{", b"null",
                      json.dumps({"op": "status", "topology": 5}).encode(),
                      json.dumps({"op": "kill", "topology": "x", "wait_s": "soon"}).encode(),
                      json.dumps({"op": 7}).encode(),
                      json.dumps({"op": "events", "topology": "x", "limit": "all"}).encode(),
                      json.dumps({"op": "submit", "name": "m", "text": 5}).encode(),
                      json.dumps({"op": "submit", "name": "m", "text": "", "search_path": 3}).encode()):
            client.send(frame)
        client.send_multipart([b"not json", b"a second frame"])
        # One socket keeps its order: the answer to this says the rest was read.
        assert ask_raw(client, {"op": "list"}) == {"ok": True, "topologies": []}
        assert ask_raw(client, {"op": "frobnicate"}) == {"ok": False, "error": "unknown request 'frobnicate'"}

        evil = dealer(ctx, cluster.cli.endpoint, "node:evil")
        for message in ({"op": "heartbeat", "elements": "nope"},
                        {"op": "heartbeat", "cores": "many", "elements": [5, {"element": 7}]},
                        {"op": "exited", "element": ["x"]},
                        {"op": "logs_reply", "request": "x"},
                        {"op": "heartbeat", "elements": []}):
            evil.send(json.dumps(message).encode())
        # Only the last, well-formed heartbeat is acked: a malformed one is
        # dropped before its node counts as alive.
        acks = []
        deadline = time.monotonic() + 20
        while not acks and time.monotonic() < deadline:
            if evil.poll(500):
                acks.append(json.loads(evil.recv()))
        while evil.poll(1000):  # anything more would be an ack of a malformed heartbeat
            acks.append(json.loads(evil.recv()))
        assert acks == [{"op": "heartbeat_ack"}], acks
    finally:
        ctx.destroy(linger=0)

    r = cluster.cli("list")
    assert r.returncode == 0 and r.stdout.split() == ["NAME", "STATE", "ELEMENTS", "FILE"], (r.stdout, r.stderr)
    nodes = {n["name"]: n for n in cluster.json("nodes")}
    assert nodes["n1"]["state"] == "alive", nodes
    table = cluster.cli("nodes")
    assert table.returncode == 0 and "n1" in table.stdout, table.stderr
    log = cluster.cli.log.read_text(errors="replace")
    assert "malformed control message from 'client:malformed-" in log
    assert "malformed control message from 'node:evil'" in log
    # ...and it still runs a topology to its end.
    # (Pinned: "evil" joined by its first heartbeat, and must not be given elements.)
    cluster.submit("after", "src :: Sequence(count: 100) @ n1\nout :: Null @ n1\nsrc -> out\n")
    assert cluster.wait_finished("after")["state"] == "done"


def test_caretaker_survives_a_malformed_logs_request_relayed_by_the_master(cluster):
    import zmq
    cluster.submit("relay", """
src :: Sequence(count: 100000000, rate: 1000)
mid :: Map(expr: "double = seq * 2")
out :: Null
src -> mid -> out
""")
    before = {name: e["pid"] for name, e in elements(cluster.wait_flowing("relay", "out", 50)).items()}
    ctx = zmq.Context()
    try:
        client = dealer(ctx, cluster.cli.endpoint, f"client:relay-{os.getpid()}")
        client.send(json.dumps({"op": "logs", "element": "relay/mid", "lines": "many"}).encode())
        client.poll(500)  # an error reply, or none: either will do
    finally:
        ctx.destroy(linger=0)
    # The master relays on one connection to the caretaker, in order: this
    # answer comes after the caretaker read the malformed request.
    r = cluster.logs("relay/mid", 1)
    assert r.returncode == 0, (r.returncode, r.stderr, cluster.log())
    r = cluster.local("caretaker", "status", "--control", cluster.cli.control, "-o", "json")
    assert r.returncode == 0, (r.stderr, cluster.log())
    s = cluster.status("relay")
    assert s["state"] == "running" and {name: e["pid"] for name, e in elements(s).items()} == before, brief(s)
    assert cluster.cli("kill", "relay").returncode == 0
    cluster.wait_finished("relay")


def test_caretaker_survives_malformed_requests_on_its_status_endpoint(cluster):
    import zmq
    ctx = zmq.Context()
    try:
        client = dealer(ctx, cluster.cli.control, f"client:malformed-{os.getpid()}")
        for frame in (b"\xff garbage", b"[1]", json.dumps({"op": "logs", "element": 5}).encode(),
                      json.dumps({"op": "status", "x": [1]}).encode()):
            client.send(frame)
        replies = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (replies and replies[-1].get("node") == "n1"):
            if client.poll(500):
                replies.append(json.loads(client.recv()))
        assert replies and replies[-1]["node"] == "n1", (replies, cluster.log())
    finally:
        ctx.destroy(linger=0)
    r = cluster.local("caretaker", "status", "--control", cluster.cli.control, "-o", "json")
    assert r.returncode == 0, (r.stderr, cluster.log())
