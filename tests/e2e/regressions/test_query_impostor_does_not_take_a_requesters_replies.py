"""Issue 8, item 12 (query ports): a query input used ZMQ_ROUTER_HANDOVER,
so a peer connecting with a requester's routing id took that requester's
pipe, and the replies to the requester's next requests went to the
impostor. Now no id is handed over (a requester's id is LINK#TOKEN, new in
each of its lives, so a restarted requester needs no handover): replies go
to the connection that asked."""

import struct
import time

import msgpack
import zmq


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


def test_query_impostor_does_not_take_a_requesters_replies(tmp_path, start_topology):
    run = start_topology(tmp_path, """
src :: Sequence(count: 10000, rate: 2000)
cnt :: Counter
src -> cnt
""", "-q")
    snap = run.wait_for(lambda s: any(e["name"] == "cnt" and e["state"] == "running" and e["endpoints"].get("query")
                                      for e in s["elements"]), timeout=30, what="the counter running")
    endpoint = next(e["endpoints"]["query"] for e in snap["elements"] if e["name"] == "cnt")

    context = zmq.Context()
    try:
        requester = context.socket(zmq.DEALER)
        requester.setsockopt(zmq.LINGER, 0)
        requester.setsockopt(zmq.ROUTING_ID, b"ask.ask>cnt.query#0000000000000001")
        requester.connect(endpoint)
        requester.send(request(1))
        assert replies(requester, until=1) == [1]  # connected

        impostor = context.socket(zmq.DEALER)
        impostor.setsockopt(zmq.LINGER, 0)
        impostor.setsockopt(zmq.ROUTING_ID, b"ask.ask>cnt.query#0000000000000001")
        impostor.connect(endpoint)
        time.sleep(0.5)  # connected (or refused), silent

        requester.send(request(2))
        assert replies(requester, until=2) == [2]
        assert replies(impostor, seconds=0.5) == []
    finally:
        context.destroy(linger=0)
    assert run.proc.poll() is None, run.stderr()[-3000:]
    run.kill()
