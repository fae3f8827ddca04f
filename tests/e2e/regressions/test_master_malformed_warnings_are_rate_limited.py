"""Issue 8, item 14: the master wrote one warning line per garbage message
(1,000 garbage frames, 1,000+ lines) and printed peers' raw binary ids.
Warnings are rate-limited per kind of peer and ids are escaped; every
message is still counted."""

import json
import time

import zmq

from conftest import wait_until

GARBAGE = 1000


def test_master_malformed_warnings_are_rate_limited(daemons):
    context = zmq.Context()
    try:
        sockets = []
        for routing_id in (b"client:\x00\xff\x1b[31m", b"node:\x00\xfe\x07"):
            s = context.socket(zmq.DEALER)
            s.setsockopt(zmq.LINGER, 2000)
            s.setsockopt(zmq.ROUTING_ID, routing_id)
            s.connect(daemons.endpoint)
            sockets.append(s)
        client, node = sockets
        for i in range(GARBAGE):
            client.send(b"\xff garbage %d" % i)
            node.send(json.dumps({"op": "heartbeat", "elements": "not a list", "n": i}).encode())
        # One socket keeps its order: the answer to this says the client's garbage was read.
        client.send(json.dumps({"op": "list"}).encode())
        assert client.poll(20000), "the master did not answer after the garbage"
        assert json.loads(client.recv())["ok"] is True
    finally:
        context.destroy(linger=2000)

    # The node's garbage, on another connection, is read by now or soon.
    def logged():
        text = daemons.log.read_bytes()
        return text if text.count(b"malformed control message from 'node:") >= 1 else None

    log = wait_until(logged, "the node's garbage to be logged", log=daemons.log)
    time.sleep(0.5)  # whatever the master still logs about the last of it
    log = daemons.log.read_bytes()
    lines = [line for line in log.splitlines() if b"malformed" in line]
    assert 2 <= len(lines) <= 10, b"\n".join(lines[:20]).decode(errors="replace")
    assert b"\x00" not in log and b"\xff" not in log and b"\xfe" not in log and b"\x1b" not in log
    assert b"'client:\\x00\\xff\\x1b[31m'" in log
    assert b"'node:\\x00\\xfe\\x07'" in log
    assert daemons("nodes").returncode == 0
