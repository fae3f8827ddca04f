"""A Python element in a topology submitted to a running master: its query
port answered through `datablox call`, its handlers read and written
through `datablox handler` (the only way to reach a write handler). A real
master and caretaker on loopback, ended by the pids this test holds."""

import json

from .py_support import e2e


LONG = """
src :: Sequence(count: 100000000, rate: 200)
sq  :: py:pyt_query.Squares
h   :: py:pyt_life.Handlers
src -> sq -> h
"""


def test_call_and_handlers_of_a_python_element_on_a_running_master(daemons, tmp_path):
    master = daemons
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

    e2e.wait_until(running, "the three elements to run", log=tmp_path / "daemons.log")

    def counted():
        r = master("handler", "h.seen")
        assert r.returncode == 0, r.stderr
        return r.stdout.strip().isdigit() and int(r.stdout) > 5

    e2e.wait_until(counted, "logs to reach h", log=tmp_path / "daemons.log")

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
