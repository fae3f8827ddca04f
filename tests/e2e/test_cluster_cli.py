"""The verbs that talk to a running master: submit, list, status, call,
handler, kill -w. A real master and caretaker daemon on loopback, started
and ended by the pids this test holds."""

import json
import os
import signal
import socket
import subprocess
import time

import pytest

from conftest import jsonl, wait_hosts_gone


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(datablox, tmp_path):
    """A master and one caretaker ("n1"); yields the master's endpoint."""
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    log = open(tmp_path / "daemons.log", "w")
    master = subprocess.Popen([str(datablox), "master", "--listen", endpoint], cwd=tmp_path, stdout=log,
                              stderr=log, start_new_session=True)
    caretaker = subprocess.Popen([str(datablox), "caretaker", "--master", endpoint, "--node", "n1"], cwd=tmp_path,
                                 stdout=log, stderr=log, start_new_session=True)
    try:
        wait_for(lambda: "n1" in cli(datablox, endpoint, "nodes").stdout, "the caretaker to join")
        yield endpoint
    finally:
        for p in (caretaker, master):
            p.send_signal(signal.SIGTERM)
        for p in (caretaker, master):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        log.close()


def cli(datablox, endpoint, *args, cwd=None):
    return subprocess.run([str(datablox), *args, "--master", endpoint], cwd=cwd, capture_output=True, text=True,
                          timeout=30, stdin=subprocess.DEVNULL)


def wait_for(predicate, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def status(datablox, endpoint, topology):
    r = cli(datablox, endpoint, "status", topology, "-o", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


TOPOLOGY = """
src :: Sequence(count: 100000000, rate: 1000)
cnt :: Counter(key: "parity")
par :: Map(expr: "parity = if(seq % 2 == 0, 'even', 'odd')")
out :: JsonLinesSink(path: "out.jsonl")
src -> par -> cnt -> out
"""


def test_submit_status_call_handler_and_drain(datablox, cluster, tmp_path):
    (tmp_path / "long.topo").write_text(TOPOLOGY)
    r = cli(datablox, cluster, "submit", "long.topo", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "submitted long"

    # Running, with figures, once logs flow.
    def flowing():
        s = status(datablox, cluster, "long")
        cnt = {e["name"]: e for e in s["elements"]}["cnt"]
        return s if s["state"] == "running" and cnt["stats"].get("logs_in", 0) > 200 else None

    s = wait_for(flowing, "logs to flow")
    elements = {e["name"]: e for e in s["elements"]}
    assert set(elements) == {"src", "par", "cnt", "out"}
    for e in elements.values():
        assert e["node"] == "n1" and e["pid"] > 0 and e["state"] == "running"
        for key in ("in_rate", "out_rate", "queue", "blocked_share", "restarts", "age_s"):
            assert key in e, key
        assert e["stats"]["rss_bytes"] > 0
    assert elements["src"]["out_rate"] > 0

    table = cli(datablox, cluster, "status", "long")
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].split() == ["ELEMENT", "CLASS", "NODE", "PID", "STATE", "RESTARTS", "IN/S",
                                                    "OUT/S", "QUEUE", "BLOCKED", "CPU", "MEM", "AGE"]
    listing = cli(datablox, cluster, "list")
    assert "long" in listing.stdout and "running" in listing.stdout

    # A query straight to the counter's port, and its handler through the master.
    reply = cli(datablox, cluster, "call", "cnt.query", "{}")
    assert reply.returncode == 0, reply.stderr
    counts = json.loads(reply.stdout)
    assert counts["count"] > 0 and set(counts["groups"]) <= {"even", "odd"}
    assert sum(counts["groups"].values()) == counts["count"]
    handler = cli(datablox, cluster, "handler", "cnt.count")
    assert handler.returncode == 0 and int(handler.stdout) >= counts["count"]
    bad = cli(datablox, cluster, "handler", "cnt.nosuch")
    assert bad.returncode != 0 and "no handler 'nosuch'" in bad.stderr

    # kill -w drains: the source stops, END reaches the sink, which completes its file.
    pids = {e["pid"]: f"long/{e['name']}" for e in elements.values()}
    r = cli(datablox, cluster, "kill", "long", "-w", "10")
    assert r.returncode == 0, r.stderr
    wait_for(lambda: status(datablox, cluster, "long")["state"] == "stopped", "the drain to end")
    logs = jsonl(tmp_path / "out.jsonl")  # renamed from .partial only after END
    assert [log["seq"] for log in logs] == list(range(len(logs)))  # every log once, in order, none lost
    final = {e["name"]: e for e in status(datablox, cluster, "long")["elements"]}
    assert all(e["state"] == "ended" for e in final.values()), final
    assert final["cnt"]["stats"]["logs_in"] == len(logs)
    assert not wait_hosts_gone(pids)


def test_unreachable_master_exits_69(datablox, tmp_path):
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    for args in (["list"], ["call", "a.query", "{}"]):  # each waits out the client's timeout
        r = cli(datablox, endpoint, *args)
        assert r.returncode == 69, (args, r.stderr)
        assert "cannot reach the master" in r.stderr


def test_submit_reports_checker_errors_and_kill_of_unknown_topology(datablox, cluster, tmp_path):
    (tmp_path / "bad.topo").write_text("src :: Sequence(count: 1)\nsrc -> nowhere\n")
    r = cli(datablox, cluster, "submit", "bad.topo", cwd=tmp_path)
    assert r.returncode == 65
    assert "bad.topo:2:8: error:" in r.stderr
    r = cli(datablox, cluster, "kill", "nosuch")
    assert r.returncode == 64 and "no topology 'nosuch'" in r.stderr
