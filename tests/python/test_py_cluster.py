"""A Python element in a topology submitted to a running master: its query
port answered through `datablox call`, its handlers read and written
through `datablox handler` (the only way to reach a write handler). A real
master and caretaker on loopback, ended by the pids this test holds."""

import json
import os
import signal
import socket
import subprocess
import time

import pytest

from .py_support import e2e


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what, timeout=30.0, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f":\n{log.read_text()[-3000:]}" if log else ""))


@pytest.fixture
def master(datablox, tmp_path):
    """A master and one caretaker; yields a function running CLI verbs against them."""
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    log = open(tmp_path / "daemons.log", "w")
    daemons = [subprocess.Popen([str(datablox), "master", "--listen", endpoint], cwd=tmp_path, stdout=log,
                                stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)]
    daemons.append(subprocess.Popen([str(datablox), "caretaker", "--master", endpoint, "--node", "n1"],
                                    cwd=tmp_path, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                    start_new_session=True))

    def cli(*args):
        return subprocess.run([str(datablox), *args, "--master", endpoint], cwd=tmp_path, capture_output=True,
                              text=True, timeout=30, stdin=subprocess.DEVNULL)

    try:
        wait_for(lambda: "n1" in cli("nodes").stdout, "the caretaker to join", log=tmp_path / "daemons.log")
        yield cli
    finally:
        for p in reversed(daemons):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(daemons):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        log.close()


LONG = """
src :: Sequence(count: 100000000, rate: 200)
sq  :: py:pyt_query.Squares
h   :: py:pyt_life.Handlers
src -> sq -> h
"""


def test_call_and_handlers_of_a_python_element_on_a_running_master(master, tmp_path):
    (tmp_path / "long.topo").write_text(LONG)
    r = master("submit", "long.topo")
    assert r.returncode == 0, r.stderr

    # Wait for every element to run before touching its handlers: a handler
    # request that reaches a host before its plan fails it (see the report
    # of this suite: "expected a plan, got {...handler...}").
    def running():
        r = master("status", "long", "-o", "json")
        if r.returncode != 0:
            return None
        s = json.loads(r.stdout)
        return s if all(e.get("state") == "running" for e in s["elements"]) and len(s["elements"]) == 3 else None

    wait_for(running, "the three elements to run", log=tmp_path / "daemons.log")

    def counted():
        r = master("handler", "h.seen")
        assert r.returncode == 0, r.stderr
        return r.stdout.strip().isdigit() and int(r.stdout) > 5

    wait_for(counted, "logs to reach h", log=tmp_path / "daemons.log")

    reply = master("call", "sq.query", '{"seq": 3}')
    assert reply.returncode == 0, reply.stderr
    answer = json.loads(reply.stdout)
    assert {k: answer[k] for k in ("seq", "square", "port")} == {"seq": 3, "square": 9, "port": "query"}
    assert answer["seen"] >= 4
    refused = master("call", "sq.query", '{"seq": -3}')
    assert refused.returncode != 0 and "seq -3 not seen" in refused.stderr

    # The write handler sets the Python attribute the read handler shows.
    w = master("handler", "h.seen", "1000000")
    assert w.returncode == 0, w.stderr
    r = master("handler", "h.seen")
    assert r.returncode == 0 and 1000000 <= int(r.stdout) < 1000000 + 100000, r.stdout
    # A write handler that raises refuses the value, with the exception's text.
    bad = master("handler", "h.seen", "many")
    assert bad.returncode != 0
    assert "ValueError: invalid literal for int() with base 10: 'many'" in bad.stderr
    assert int(master("handler", "h.seen").stdout) >= 1000000
    # A read-only handler cannot be written.
    ro = master("handler", "h.last", "5")
    assert ro.returncode != 0 and "read-only" in ro.stderr

    s = json.loads(master("status", "long", "-o", "json").stdout)
    pids = {e["pid"]: f"long/{e['name']}" for e in s["elements"] if e.get("pid")}
    assert len(pids) == 3
    k = master("kill", "long", "-w", "5")
    assert k.returncode == 0, k.stderr
    assert not e2e.wait_hosts_gone(pids), "an element host outlived kill"
