"""Malformed input is counted and skipped, never trusted and never fatal:
bad lines of a JSON Lines file, garbage on an element's sockets."""

import json
import os
import random
import re
import struct
import time

import msgpack
import zmq

from conftest import check_no_crash, final_elements, jsonl

BAD_LINES = [
    b'{"seq": 1',                 # truncated object
    b"not json at all",
    b"[1, 2, 3]",                 # JSON, not an object
    b"42",
    b'"a string"',
    b"null",
    b"true",
    b'{"seq": 2} trailing',       # an object and then garbage
    b'{"seq": 3,}',               # trailing comma
    b"{'seq': 4}",                # single quotes are not JSON
    b'{"s": "\xff\xfe"}',         # invalid UTF-8
    b"}{",
]


def test_malformed_json_lines_are_rejected_and_counted(tmp_path, run_topology):
    rng = random.Random(7)
    lines, good, bad = [], [], 0
    for i in range(3000):
        log = {"seq": i, "tag": f"t{i % 7}", "ok": i % 2 == 0}
        good.append(log)
        lines.append(json.dumps(log).encode())
        if i % 3 == 0:
            lines.append(rng.choice(BAD_LINES))
            bad += 1
        if i % 250 == 0:
            lines.append(b"")        # blank lines are skipped, not rejected
            lines.append(b"  \t ")
    (tmp_path / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    read = sum(1 for line in lines if line.strip())

    result = run_topology(tmp_path, """
src :: JsonLinesSource(path: "in.jsonl")
out :: JsonLinesSink(path: "out.jsonl")
src -> out
""", "-o", "json")
    check_no_crash(result)
    assert result.returncode == 0, result.stderr
    got = jsonl(tmp_path / "out.jsonl")
    assert sorted(log["seq"] for log in got) == list(range(3000))
    assert got == good  # one source, one link: in file order, and unchanged

    final = final_elements(json.loads(result.stdout))
    src = final["src"]["stats"]
    assert src["rejected"] == bad
    assert src["handlers"] == {"lines": str(read), "rejected": str(bad), "files": "1"}
    assert src["logs_out"] == 3000
    assert final["out"]["stats"]["rejected"] == 0
    # The summary table shows it too, on the source's row.
    row = next(line for line in result.stderr.splitlines() if re.match(r"^src\s+JsonLinesSource\s", line))
    assert row.split()[2:5] == ["0", "3000", str(bad)], row
    # The first rejected line is reported with its file and line number.
    first_bad = next(n for n, line in enumerate(lines, 1) if line in BAD_LINES)
    assert f"in.jsonl:{first_bad}:" in result.stderr


def test_a_directory_of_json_lines_files_is_read_in_name_order(tmp_path, run_topology):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "b.jsonl").write_text("".join(json.dumps({"seq": i}) + "\n" for i in range(100, 200)))
    (tmp_path / "in" / "a.jsonl").write_text("".join(json.dumps({"seq": i}) + "\n" for i in range(0, 100)) + "oops\n")
    (tmp_path / "in" / "c.jsonl").write_text("")
    result = run_topology(tmp_path, """
src :: JsonLinesSource(path: "in")
out :: JsonLinesSink(path: "out.jsonl")
src -> out
""", "-q", "-o", "json")
    assert result.returncode == 0, result.stderr
    assert [log["seq"] for log in jsonl(tmp_path / "out.jsonl")] == list(range(200))
    src = final_elements(json.loads(result.stdout))["src"]["stats"]
    assert src["handlers"] == {"lines": "201", "rejected": "1", "files": "3"}


def test_garbage_on_sockets_is_counted_and_the_stream_is_intact(tmp_path, start_topology):
    # A paced source keeps the run going for ~3 s while we throw garbage at
    # the counter's push input (a ROUTER) and at its query port.
    run = start_topology(tmp_path, """
src :: Sequence(count: 6000, rate: 2000)
cnt :: Counter
out :: JsonLinesSink(path: "out.jsonl")
src -> cnt -> out
""", "-q", "-o", "json")
    snap = run.wait_for(lambda s: any(e["name"] == "cnt" and e["state"] == "running" and e["endpoints"].get("in")
                                      for e in s["elements"]), timeout=30, what="the counter running")
    endpoints = next(e["endpoints"] for e in snap["elements"] if e["name"] == "cnt")

    context = zmq.Context()
    try:
        # Push input: a DEALER whose routing id is no link of the plan, and
        # frames that are no valid batch either.
        push = context.socket(zmq.DEALER)
        push.setsockopt(zmq.LINGER, 2000)
        push.setsockopt(zmq.ROUTING_ID, b"intruder")
        push.connect(endpoints["in"])
        garbage = [
            os.urandom(64),
            b"\x02\x01" + bytes(8) + b"\xdd\x00\x00\x00\x05",  # a batch claiming 5 logs, holding none
            b"\x09\x01",                           # a wire version nobody speaks
            b"\x02\x03" + bytes(16),                # END from a link that does not exist
            b"\x02\x02" + bytes(17),                # credit, on an input
            b"",
            b"\x02\x01" + bytes(8) + b"\xdd\x00\x00\x00\x01\xc4\x03\x81\xa1x",  # a batch cut inside its log
        ]
        for frame in garbage:
            push.send(frame)
        # An anonymous DEALER (ZeroMQ makes up its routing id).
        anonymous = context.socket(zmq.DEALER)
        anonymous.setsockopt(zmq.LINGER, 2000)
        anonymous.connect(endpoints["in"])
        anonymous.send(b"\x02\x01" + bytes(8) + b"\xdd\x00\x00\x00\x00")
        sent_push = len(garbage) + 1

        # Query port: garbage gets no answer, a request that is no msgpack
        # map gets an error reply, and a good request still gets its answer.
        query = context.socket(zmq.DEALER)
        query.setsockopt(zmq.LINGER, 0)
        query.connect(endpoints["query"])
        query.send(b"\x09\x05" + struct.pack("<Q", 1) + msgpack.packb({}))  # wrong version
        query.send(b"\x02\x05\x00")                                            # no request id
        query.send(b"\x02\x05" + struct.pack("<Q", 2) + b"\xc1\xff")           # not msgpack
        query.send(b"\x02\x05" + struct.pack("<Q", 3) + msgpack.packb([1, 2]))  # not a map
        query.send(b"\x02\x05" + struct.pack("<Q", 4) + msgpack.packb({}))
        replies = {}
        deadline = time.monotonic() + 15
        while len(replies) < 3 and time.monotonic() < deadline:
            if query.poll(200):
                frame = query.recv()
                replies[struct.unpack("<Q", frame[2:10])[0]] = (frame[1], frame[10:])
        assert set(replies) == {2, 3, 4}, replies
        assert replies[2][0] == 7 and replies[3][0] == 7, replies
        assert replies[4][0] == 6
        assert msgpack.unpackb(replies[4][1])["count"] >= 0
        sent_query = 4  # ids 1, "no id", 2 and 3 are malformed; 4 is fine

        # Every message is accounted for before we go.
        # (Data from a link the plan does not name is counted as unannounced:
        # a growing shard's new member can send before expect_links lands.)
        run.wait_for(lambda s: any(e["name"] == "cnt" and e["stats"].get("malformed", 0) >= sent_query
                                   and e["stats"].get("unannounced_dropped", 0) >= sent_push
                                   for e in s["elements"]), timeout=15, what="the garbage counted")
    finally:
        context.destroy(linger=0)  # closes every socket, even when an assertion failed above

    result = run.wait(timeout=60)
    assert result.returncode == 0, result.stderr
    assert sorted(log["seq"] for log in jsonl(tmp_path / "out.jsonl")) == list(range(6000))
    final = final_elements(json.loads(result.stdout))
    cnt = final["cnt"]["stats"]
    assert cnt["malformed"] == sent_query, cnt
    assert cnt["unannounced_dropped"] == sent_push, cnt
    assert cnt["logs_in"] == 6000
    assert cnt["handlers"]["count"] == "6000"
    assert final["out"]["stats"]["handlers"]["count"] == "6000"
    assert final["out"]["stats"]["malformed"] == 0
