"""Issue 8, item 6: a log nested 100,000 deep in msgpack, sent straight to an
element's push input, crashed Map, JsonLinesSink and SqliteStore (their
recursive readers ran out of stack). The host now checks every received log
once (kMaxLogDepth, 64 levels): a too-deep or malformed log is counted as
malformed and dropped, the element lives, and the logs beside it flow.

The test speaks the wire protocol (runtime/core/wire.h) as a new sender of
the link `src.out>X.in` would: its routing id is LINK#TOKEN, and its resume
makes it the link's peer (a routing id alone is only a claim)."""

import struct
import time

import msgpack
import zmq

CONSUMERS = {  # element -> declaration
    "m": 'Map(expr: "x = 1")',
    "f": 'Filter(expr: "seq >= 0")',
    "c": "Counter",
    "sink": 'JsonLinesSink(path: "out.jsonl")',
    "store": 'SqliteStore(path: "out.db", table: "logs")',
}


def deep_log(depth):
    """{"seq": [[...[1]...]]}: `depth` levels in all, the root map included."""
    return b"\x81\xa3seq" + b"\x91" * (depth - 1) + b"\x01"


def resume_frame(stream, offset):
    return b"\x02\x08" + struct.pack("<QQ", stream, offset) + b"\x00"  # no marks


def batch_frame(offset, logs):
    return b"\x02\x01" + struct.pack("<Q", offset) + b"\xdd" + struct.pack(">I", len(logs)) + \
        b"".join(msgpack.packb(log, use_bin_type=True) for log in logs)


def by_name(snapshot):
    return {e["name"]: e for e in snapshot["elements"]}


def test_a_log_nested_100000_deep_is_counted_malformed_and_no_element_dies(tmp_path, start_topology):
    text = "src :: Sequence(count: 1000000, rate: 20)\n"
    text += "".join(f"{name} :: {decl}\n" for name, decl in CONSUMERS.items())
    text += "".join(f"src -> {name}\n" for name in CONSUMERS)
    text += "m_out :: Null\nf_out :: Null\nc_out :: Null\nm -> m_out\nf -> f_out\nc -> c_out\n"
    run = start_topology(tmp_path, text, "-q")

    def ready(s):
        elements = by_name(s)
        return all(elements.get(n, {}).get("state") == "running" and elements[n]["endpoints"].get("in")
                   and elements[n]["stats"].get("logs_in", 0) > 0 for n in CONSUMERS)

    before = by_name(run.wait_for(ready, timeout=30, what="every consumer running with logs in"))
    context = zmq.Context()
    sockets = {}
    try:
        def send_bad_logs(name, attempt):
            n = list(CONSUMERS).index(name)
            fake = context.socket(zmq.DEALER)
            fake.setsockopt(zmq.LINGER, 0)
            fake.setsockopt(zmq.ROUTING_ID, f"src.out>{name}.in#fake{n}-{attempt}".encode())
            fake.connect(before[name]["endpoints"]["in"])
            sockets[(name, attempt)] = fake
            stream = 0x5EED0000 + 16 * n + attempt
            fake.send(resume_frame(stream, 0))
            # Too deep, beyond the limit by one, not a map, cut short; and a good log among them.
            fake.send(batch_frame(0, [deep_log(100000), deep_log(65), b"\x91\x01", b"\x81\xa3seq", b"\x81\xa3seq\x07"]))

        def counted(s):
            elements = by_name(s)
            return all(elements[n]["stats"].get("malformed", 0) >= 4 for n in CONSUMERS)

        # The real src still sends (a log every 50 ms): if one of its batches
        # reaches a consumer between the fake's resume and the fake's batch,
        # the consumer asks src to resume, src takes the link back, and the
        # fake's batch is a stranger's (counted stale, not malformed). That
        # is the link working as designed (the last resume wins), so a
        # consumer that counted nothing is sent the bad logs again from a new
        # connection; each time, the whole batch counts or none of it does.
        for name in CONSUMERS:
            send_bad_logs(name, 0)
        after = None
        for attempt in range(1, 6):
            try:
                after = by_name(run.wait_for(counted, timeout=6, what="the bad logs counted as malformed"))
                break
            except AssertionError:
                latest = by_name(run.snapshots()[-1])
                for name in CONSUMERS:
                    if latest[name]["stats"].get("malformed", 0) == 0:
                        send_bad_logs(name, attempt)
        if after is None:
            after = by_name(run.wait_for(counted, timeout=6, what="the bad logs counted as malformed"))
        # Still alive and never restarted: the same host processes, still running.
        time.sleep(0.5)  # a crash after counting would show in the next snapshot
        last = by_name(run.snapshots()[-1])
        for name in CONSUMERS:
            assert last[name]["state"] == "running", (name, last[name])
            assert last[name]["pid"] == before[name]["pid"], (name, before[name]["pid"], last[name]["pid"])
            assert last[name]["restarts"] == 0, (name, last[name])
            assert after[name]["stats"]["malformed"] >= 4, (name, after[name]["stats"])
    finally:
        for s in sockets.values():
            s.close()
        context.term()
    assert run.proc.poll() is None, run.stderr()[-3000:]
    assert "killed by signal" not in run.stderr(), run.stderr()[-3000:]
