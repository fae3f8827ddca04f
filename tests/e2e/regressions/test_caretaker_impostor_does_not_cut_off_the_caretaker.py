"""Issue 8, item 12 (the master's side): a peer that connected to the
master's control port with a caretaker's routing id ("node:n1") for half a
second, sending nothing, took that id over (ROUTER_HANDOVER): the real
caretaker was cut off for good, declared dead, and its elements moved while
the old ones ran on as orphans. Now the master hands no id over, a
caretaker's id carries a token of its life, and a node is sent to on the
connection it last heartbeat on."""

import json
import time

import zmq

from conftest import wait_until


def test_caretaker_impostor_does_not_cut_off_the_caretaker(daemons, tmp_path):
    (tmp_path / "paced.topo").write_text("src :: Sequence(count: 1000000, rate: 1000)\nout :: Null\nsrc -> out\n")
    assert daemons("submit", "paced.topo").returncode == 0

    def status():
        r = daemons("status", "paced", "-o", "json")
        return json.loads(r.stdout) if r.returncode == 0 else None

    before = wait_until(lambda: (s := status()) and s["state"] == "running"
                        and all(e["state"] == "running" and e["pid"] for e in s["elements"]) and s,
                        "the topology running", log=daemons.log)
    context = zmq.Context()
    try:
        for claimed in (b"node:n1", b"node:n1#0000000000000000"):
            impostor = context.socket(zmq.DEALER)
            impostor.setsockopt(zmq.LINGER, 0)
            impostor.setsockopt(zmq.ROUTING_ID, claimed)
            impostor.connect(daemons.endpoint)
            time.sleep(0.5)  # connected, silent
            impostor.close()
    finally:
        context.destroy(linger=0)

    time.sleep(3.0)  # past the master's node timeout (2 s): a node cut off would be dead by now
    nodes = {n["name"]: n for n in json.loads(daemons("nodes", "-o", "json").stdout)}
    assert nodes["n1"]["state"] == "alive", nodes
    assert nodes["n1"]["last_seen_s"] < 2.0, nodes
    after = status()
    assert after["state"] == "running", after
    assert {e["name"]: e["pid"] for e in after["elements"]} == {e["name"]: e["pid"] for e in before["elements"]}
    assert all(e["moves"] == 0 for e in after["elements"]), after
    events = json.loads(daemons("events", "-o", "json").stdout)
    assert not any("dead" in e["what"] for e in events), events
    assert daemons("kill", "paced").returncode == 0
