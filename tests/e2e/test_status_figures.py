"""The load figures of `status` and `nodes`, and `caretaker status`, on a
real cluster (fixtures: cluster_runtime.py)."""

import json
import os

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from cluster_runtime import elements, run_short

# ------------------------------------------------------------ status figures, caretaker status


def test_status_nodes_and_caretaker_status_report_the_running_elements(cluster):
    cluster.submit("fig", """
src :: Sequence(count: 100000000, rate: 2000)
mid :: Map(expr: "double = seq * 2")
out :: Null
src -> mid -> out
""")
    first = elements(cluster.wait_flowing("fig", "out", 200))
    s = cluster.wait_status("fig", lambda s: elements(s)["out"]["logs_in"] > first["out"]["logs_in"] + 200
                            and elements(s)["mid"]["in_rate"] > 0, "more logs to flow")
    figures = elements(s)
    for name, e in figures.items():
        assert e["state"] == "running" and e["node"] == "n1" and e["pid"] > 0, e
        assert e["restarts"] == 0 and e["last_exit"] == "", (name, e["restarts"], e["last_exit"])
        for key in ("cpu_percent", "busy_share", "blocked_share", "in_rate", "out_rate"):
            assert isinstance(e[key], (int, float)) and e[key] >= 0, (name, key, e[key])
        for key in ("rss_bytes", "logs_in", "logs_out", "queue"):
            assert isinstance(e[key], int) and e[key] >= 0, (name, key, e[key])
        assert e["rss_bytes"] > 0, (name, e["rss_bytes"])
        assert e["busy_share"] <= 1 and e["blocked_share"] <= 1, (name, e["busy_share"], e["blocked_share"])
    assert figures["src"]["logs_out"] > 0 and figures["src"]["out_rate"] > 0, figures["src"]
    assert figures["mid"]["logs_in"] > 0 and figures["mid"]["logs_out"] > 0, figures["mid"]
    assert figures["out"]["logs_in"] > 0 and figures["out"]["logs_out"] == 0, figures["out"]

    nodes = {n["name"]: n for n in cluster.json("nodes")}
    n1 = nodes["n1"]
    assert n1["address"] == "127.0.0.1" and n1["state"] == "alive", n1
    assert isinstance(n1["cpu_percent"], (int, float)) and n1["cpu_percent"] >= 0, n1
    assert isinstance(n1["memory_used_mb"], int) and 0 < n1["memory_used_mb"] <= n1["memory_mb"], n1
    assert isinstance(n1["last_seen_s"], (int, float)) and 0 <= n1["last_seen_s"] < 30, n1

    # The caretaker, asked directly: the same pids, states and restarts.
    r = cluster.local("caretaker", "status", "--node", "n1", "--control", cluster.cli.control, "-o", "json")
    assert r.returncode == 0, r.stderr
    local = json.loads(r.stdout)
    assert local["node"] == "n1" and local["master"]["connected"] is True, local
    listed = {e["element"]: e for e in local["elements"]}
    running = {f"fig/{name}": e["pid"] for name, e in figures.items()}
    assert {k: (e["pid"], e["state"], e["restarts"]) for k, e in listed.items() if k in running} == \
        {k: (pid, "running", 0) for k, pid in running.items()}, listed
    table = cluster.local("caretaker", "status", "--control", cluster.cli.control)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].startswith("node n1 (127.0.0.1), pid "), lines[0]
    assert lines[1].split() == ["ELEMENT", "PID", "STATE", "RESTARTS", "CPU", "MEM", "AGE", "LAST", "EXIT"], lines[1]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    for element_id, pid in running.items():
        assert rows[element_id][1:4] == [str(pid), "running", "0"], (element_id, rows.get(element_id))

    assert cluster.cli("kill", "fig").returncode == 0
    cluster.wait_finished("fig")
    assert cluster.cli.registry.is_file()  # the master keeps its registry in tmp_path, not in ~/.local/state


def test_caretaker_status_of_an_unknown_node_exits_69(datablox, tmp_path):
    node = f"nosuch{os.getpid()}"  # no caretaker of this name runs here
    r = run_short(datablox, "caretaker", "status", "--node", node, "-o", "json", cwd=tmp_path)
    assert r.returncode == 69, (r.returncode, r.stderr)
    assert r.stdout == ""
    assert "no caretaker answers at" in r.stderr and f"caretaker-{node}.ipc" in r.stderr, r.stderr
    # It asked a caretaker: the reason given must not blame a master.
    assert "master" not in r.stderr, r.stderr
