"""Issue 8, item 12 (the caretaker's side): the caretaker's socket for its
element hosts handed routing ids over, and a host's id was its element's
name ("paced/out"): a local peer that connected with that name, sending
nothing, took the host's control pipe, so handler reads, drains and stops
meant for the element went to the impostor. Now each spawn's id carries a
token the host gets in its environment, and the caretaker takes messages
from, and sends to, that exact id only."""

import json
import time
from pathlib import Path

import zmq

from conftest import wait_until


def test_host_impostor_does_not_take_an_elements_control(daemons, tmp_path):
    (tmp_path / "paced.topo").write_text("src :: Sequence(count: 1000000, rate: 1000)\nout :: Null\nsrc -> out\n")
    assert daemons("submit", "paced.topo").returncode == 0

    def status():
        r = daemons("status", "paced", "-o", "json")
        return json.loads(r.stdout) if r.returncode == 0 else None

    s = wait_until(lambda: (st := status()) and st["state"] == "running"
                   and all(e["state"] == "running" and e["pid"] for e in st["elements"]) and st,
                   "the topology running", log=daemons.log)
    out_pid = next(e["pid"] for e in s["elements"] if e["name"] == "out")
    argv = Path(f"/proc/{out_pid}/cmdline").read_bytes().split(b"\0")
    hosts_endpoint = argv[argv.index(b"--caretaker") + 1].decode()
    assert daemons("handler", "paced/out.count").returncode == 0  # answers before

    context = zmq.Context()
    impostor = context.socket(zmq.DEALER)
    impostor.setsockopt(zmq.LINGER, 0)
    impostor.setsockopt(zmq.ROUTING_ID, b"paced/out")
    impostor.connect(hosts_endpoint)
    try:
        time.sleep(0.5)  # connected and silent: with handover it now holds the host's pipe
        r = daemons("handler", "paced/out.count")
        assert r.returncode == 0, f"the element's handler went to the impostor: {r.stderr}"
        assert int(r.stdout.strip()) > 0
        assert impostor.poll(200) == 0, "the caretaker sent the impostor a message meant for the host"
    finally:
        impostor.close()
        context.destroy(linger=0)

    r = daemons("kill", "paced", "-w", "5")
    assert r.returncode == 0, r.stderr
