"""Issue 8, item 13: a request on a query port is exactly [peer][frame]. A
message with more parts used to have its next part read as the routing id
of a following "message", so the reply to one peer's request went to
another peer, and nothing was counted as malformed. Now the whole message
is dropped and counted as one malformed message; nobody gets a reply."""

import json
import struct
import time

import msgpack
import zmq

from conftest import final_elements


def request(request_id):
    return b"\x02\x05" + struct.pack("<Q", request_id) + msgpack.packb({})


def replies(socket, until=None, seconds=10.0):
    """The request ids of the replies `socket` gets, until the reply to
    request `until` (or for `seconds`)."""
    got = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and until not in got:
        if socket.poll(100):
            frame = socket.recv()
            got.append(struct.unpack("<Q", frame[2:10])[0])
    return got


def test_query_port_drops_multipart_requests(tmp_path, start_topology):
    run = start_topology(tmp_path, """
src :: Sequence(count: 10000, rate: 2000)
cnt :: Counter
src -> cnt
""", "-q", "-o", "json")
    snap = run.wait_for(lambda s: any(e["name"] == "cnt" and e["state"] == "running" and e["endpoints"].get("query")
                                      for e in s["elements"]), timeout=30, what="the counter running")
    endpoint = next(e["endpoints"]["query"] for e in snap["elements"] if e["name"] == "cnt")

    context = zmq.Context()
    try:
        victim = context.socket(zmq.DEALER)
        victim.setsockopt(zmq.LINGER, 0)
        victim.setsockopt(zmq.ROUTING_ID, b"victim")
        victim.connect(endpoint)
        attacker = context.socket(zmq.DEALER)
        attacker.setsockopt(zmq.LINGER, 0)
        attacker.connect(endpoint)
        # The victim is connected once it has its own answer.
        victim.send(request(1))
        assert replies(victim, until=1) == [1]

        attacker.send_multipart([request(2), b"victim", request(3)])  # 3 parts: the middle one a peer's id
        attacker.send_multipart([b"victim", request(4)])              # 2 parts
        attacker.send(request(5))  # a good one after them: its reply says the rest was read

        assert replies(attacker, until=5) == [5]
        assert replies(victim, seconds=0.5) == []
        run.wait_for(lambda s: any(e["name"] == "cnt" and e["stats"].get("malformed", 0) >= 2 for e in s["elements"]),
                     timeout=15, what="the multipart messages counted")
    finally:
        context.destroy(linger=0)

    result = run.wait(timeout=60)
    assert result.returncode == 0, result.stderr
    cnt = final_elements(json.loads(result.stdout))["cnt"]["stats"]
    assert cnt["malformed"] == 2, cnt
    assert cnt["logs_in"] == 10000
