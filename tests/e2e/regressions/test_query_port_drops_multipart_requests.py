"""Issue 8, item 13: a request on a query port is exactly [peer][frame]. A
message with more parts used to have its next part read as the routing id
of a following "message", so the reply to one peer's request went to
another peer, and nothing was counted as malformed. Now the whole message
is dropped and counted as one malformed message; nobody gets a reply."""

import json

import zmq

from query_wire import COUNTER_TOPOLOGY, counter_query_endpoint, replies, request

from conftest import final_elements


def test_query_port_drops_multipart_requests(tmp_path, start_topology):
    run = start_topology(tmp_path, COUNTER_TOPOLOGY, "-q", "-o", "json")
    endpoint = counter_query_endpoint(run)

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
