"""What the query-port regression tests share: a Counter to ask, and the
wire format of a request and its reply, spoken with pyzmq."""

import struct
import time

import msgpack

COUNTER_TOPOLOGY = """
src :: Sequence(count: 10000, rate: 2000)
cnt :: Counter
src -> cnt
"""


def counter_query_endpoint(run):
    """The query endpoint of the running topology's Counter `cnt`."""
    snap = run.wait_for(lambda s: any(e["name"] == "cnt" and e["state"] == "running" and e["endpoints"].get("query")
                                      for e in s["elements"]), timeout=30, what="the counter running")
    return next(e["endpoints"]["query"] for e in snap["elements"] if e["name"] == "cnt")


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
