"""Issue 8, item 12 (push links): a ZeroMQ peer that connected to an
element's push input with the routing id of a real link and sent nothing
wedged that link for good. The receiving ROUTER used ZMQ_ROUTER_HANDOVER, so
the claimed id took the genuine sender's pipe: credit went to the impostor,
the sender waited at a full window, and the run never ended.

Now a sender's routing id is LINK#TOKEN (a token of its life), no id is
handed over, and a link's peer is the connection that last proved itself by
a resume. Impostors claiming the bare link id, or the link id with some
token, stay silent for a second and leave: the run ends, every log written
exactly once."""

import json
import time

import zmq

COUNT = 60000

TOPOLOGY = f"""
src :: Sequence(count: {COUNT}, rate: 20000)
out :: JsonLinesSink(path: "out.jsonl")
src -> out
"""


def element(snapshot, name):
    return next(e for e in snapshot["elements"] if e["name"] == name)


def test_silent_impostor_does_not_wedge_a_push_link(tmp_path, start_topology):
    run = start_topology(tmp_path, TOPOLOGY, "-q")

    def flowing(s):
        out = next((e for e in s.get("elements", []) if e["name"] == "out"), {})
        return out.get("state") == "running" and out.get("endpoints", {}).get("in") \
            and out.get("stats", {}).get("logs_in", 0) > 0

    endpoint = element(run.wait_for(flowing, timeout=30, what="logs reaching the sink"), "out")["endpoints"]["in"]
    context = zmq.Context()
    impostors = []
    try:
        for claimed in (b"src.out>out.in", b"src.out>out.in#0000000000000001"):
            impostor = context.socket(zmq.DEALER)
            impostor.setsockopt(zmq.LINGER, 0)
            impostor.setsockopt(zmq.ROUTING_ID, claimed)
            impostor.connect(endpoint)
            impostors.append(impostor)
        time.sleep(1.0)  # silent
    finally:
        for impostor in impostors:
            impostor.close()
        context.term()
    assert run.proc.poll() is None, "the run ended before the impostors left: the test proves nothing"

    result = run.wait(timeout=60)  # the old code hangs here: RunHung
    assert result.returncode == 0, result.stderr[-3000:]
    seqs = [json.loads(line)["seq"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(seqs) == COUNT, f"{len(seqs)} lines for {COUNT} logs"
    assert sorted(seqs) == list(range(COUNT)), f"{len(seqs) - len(set(seqs))} duplicates"
