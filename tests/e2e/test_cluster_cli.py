"""The verbs that talk to a running master: submit, list, status, call,
handler, kill -w. A real master and caretaker daemon on loopback, started
and ended by the pids this test holds."""

import json
import subprocess

from conftest import free_port, jsonl, wait_hosts_gone, wait_until


def status(cli, topology):
    r = cli("status", topology, "-o", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


TOPOLOGY = """
src :: Sequence(count: 100000000, rate: 1000)
cnt :: Counter(key: "parity")
par :: Map(expr: "parity = if(seq % 2 == 0, 'even', 'odd')")
out :: JsonLinesSink(path: "out.jsonl")
src -> par -> cnt -> out
"""


def test_submit_status_call_handler_and_drain(daemons, tmp_path):
    (tmp_path / "long.topo").write_text(TOPOLOGY)
    r = daemons("submit", "long.topo")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "submitted long"

    # Running, with figures, once logs flow. A rate is the difference of two
    # reports: src's shows once two of its reports have reached the master,
    # which may be after cnt has taken 200 logs.
    def flowing():
        s = status(daemons, "long")
        by_name = {e["name"]: e for e in s["elements"]}
        return s if s["state"] == "running" and by_name["cnt"]["stats"].get("logs_in", 0) > 200 \
            and by_name["src"]["out_rate"] > 0 else None

    s = wait_until(flowing, "logs to flow")
    elements = {e["name"]: e for e in s["elements"]}
    assert set(elements) == {"src", "par", "cnt", "out"}
    for e in elements.values():
        assert e["node"] == "n1" and e["pid"] > 0 and e["state"] == "running"
        for key in ("in_rate", "out_rate", "queue", "blocked_share", "restarts", "age_s"):
            assert key in e, key
        assert e["stats"]["rss_bytes"] > 0
    assert elements["src"]["out_rate"] > 0

    table = daemons("status", "long")
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].split() == ["ELEMENT", "CLASS", "NODE", "PID", "STATE", "RESTARTS", "IN/S",
                                                    "OUT/S", "QUEUE", "BLOCKED", "CPU", "MEM", "AGE"]
    listing = daemons("list")
    assert "long" in listing.stdout and "running" in listing.stdout

    # A query straight to the counter's port, and its handler through the master.
    reply = daemons("call", "cnt.query", "{}")
    assert reply.returncode == 0, reply.stderr
    counts = json.loads(reply.stdout)
    assert counts["count"] > 0 and set(counts["groups"]) <= {"even", "odd"}
    assert sum(counts["groups"].values()) == counts["count"]
    handler = daemons("handler", "cnt.count")
    assert handler.returncode == 0 and int(handler.stdout) >= counts["count"]
    bad = daemons("handler", "cnt.nosuch")
    assert bad.returncode != 0 and "no handler 'nosuch'" in bad.stderr

    # kill -w drains: the source stops, END reaches the sink, which completes its file.
    pids = {e["pid"]: f"long/{e['name']}" for e in elements.values()}
    r = daemons("kill", "long", "-w", "10")
    assert r.returncode == 0, r.stderr
    wait_until(lambda: status(daemons, "long")["state"] == "stopped", "the drain to end")
    logs = jsonl(tmp_path / "out.jsonl")  # renamed from .partial only after END
    assert [log["seq"] for log in logs] == list(range(len(logs)))  # every log once, in order, none lost
    final = {e["name"]: e for e in status(daemons, "long")["elements"]}
    assert all(e["state"] == "ended" for e in final.values()), final
    assert final["cnt"]["stats"]["logs_in"] == len(logs)
    assert not wait_hosts_gone(pids)


def test_unreachable_master_exits_69(datablox, tmp_path):
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    for args in (["list"], ["call", "a.query", "{}"]):  # each waits out the client's timeout
        r = subprocess.run([str(datablox), *args, "--master", endpoint], capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 69, (args, r.stderr)
        assert "cannot reach the master" in r.stderr


def test_submit_reports_checker_errors_and_kill_of_unknown_topology(daemons, tmp_path):
    (tmp_path / "bad.topo").write_text("src :: Sequence(count: 1)\nsrc -> nowhere\n")
    r = daemons("submit", "bad.topo")
    assert r.returncode == 65
    assert "bad.topo:2:8: error:" in r.stderr
    r = daemons("kill", "nosuch")
    assert r.returncode == 64 and "no topology 'nosuch'" in r.stderr
