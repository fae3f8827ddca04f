"""The cluster runtime on three nodes (issue 3): placement by `@ node`, an
element killed mid-stream, a node lost, the master killed and restarted, and
the load figures of `status`. A master and caretakers n1, n2, n3, each in a
network namespace of its own (see cluster_nodes.py); every test reads its
sink's file back and wants every value 0..N-1 exactly once."""

import json
import os
import re
import signal
from collections import Counter

from cluster_nodes import cluster  # noqa: F401  (the fixture)
from conftest import host_alive, jsonl


def elements(status):
    return {e["name"]: e for e in status["elements"]}


def logs_in(e):
    """Logs an element took in (top level, else from its stats): only to
    decide when to act, never asserted on."""
    return e.get("logs_in", e.get("stats", {}).get("logs_in", 0))


def assert_exact_output(path, n, check=None):
    """The sink's file holds seq 0..n-1, each exactly once (and check(log)
    holds for every log)."""
    logs = jsonl(path)
    counts = Counter(log["seq"] for log in logs)
    missing = sorted(set(range(n)) - set(counts))
    duplicated = sorted(s for s, c in counts.items() if c > 1)
    extra = sorted(s for s in counts if not 0 <= s < n)
    assert (len(logs), missing[:10], duplicated[:10], extra[:10]) == (n, [], [], []), \
        f"{len(logs)} logs, {len(missing)} missing, {len(duplicated)} duplicated, {len(extra)} out of range"
    if check:
        bad = [log for log in logs if not check(log)]
        assert not bad, bad[:5]


def in_namespace(pid, netns):
    """True when process `pid` is in network namespace `netns`."""
    return os.stat(f"/proc/{pid}/ns/net").st_ino == os.stat(f"/run/netns/{netns}").st_ino


def wait_flowing(cluster, topology, element, at_least):
    """Waits until every element runs and `element` took `at_least` logs."""
    return cluster.wait_status(
        topology, lambda s: all(e["state"] == "running" and e.get("pid") for e in s["elements"])
        and logs_in(elements(s)[element]) >= at_least, f"{element} of '{topology}' to take {at_least} logs")


def test_placement_honours_at_node(cluster):
    out_path = cluster.tmp_path / "placed.jsonl"
    n = 2000
    cluster.submit(f"""
src :: Sequence(count: {n}, rate: 1000) @ n1
mid :: Map(expr: "double = seq * 2") @ n2
out :: JsonLinesSink(path: "{out_path}") @ n3
src -> mid -> out
""", "placed")
    s = wait_flowing(cluster, "placed", "out", 1)
    placed = elements(s)
    assert {name: e["node"] for name, e in placed.items()} == {"src": "n1", "mid": "n2", "out": "n3"}
    for name in ("mid", "out"):  # each element's input binds its node's address
        e = placed[name]
        assert e["endpoints"]["in"].startswith(f"tcp://{cluster.nodes[e['node']].address}:"), (name, e["endpoints"])
    if cluster.mode == "netns":  # and its host runs in that node's namespace
        for name, e in placed.items():
            assert in_namespace(e["pid"], cluster.nodes[e["node"]].netns), (name, e["pid"], e["node"])
    final = cluster.wait_finished("placed")
    assert final["state"] == "done", final
    assert_exact_output(out_path, n, lambda log: log["double"] == 2 * log["seq"])


def test_nodes_report_address_state_and_load(cluster):
    listed = {node["name"]: node for node in cluster.node_list()}
    assert set(listed) == {"n1", "n2", "n3"}
    for name, node in listed.items():
        assert node["address"] == cluster.nodes[name].address, node
        assert node["state"] == "alive", node
        assert node["cores"] > 0 and node["memory_mb"] > 0, node
        assert node["cpu_percent"] >= 0 and 0 < node["memory_used_mb"] <= node["memory_mb"], node
        assert 0 <= node["last_seen_s"] < 30, node


def test_element_killed_mid_stream_restarts_and_loses_nothing(cluster):
    out_path = cluster.tmp_path / "crash.jsonl"
    n = 3000  # ~6 s at 500/s
    cluster.submit(f"""
src :: Sequence(count: {n}, rate: 500) @ n1
mid :: Map(expr: "double = seq * 2") @ n2
out :: JsonLinesSink(path: "{out_path}") @ n1
src -> mid -> out
policy mid {{ restart: "on-failure", restart_limit: 5, backoff_ms: 100 }}
""", "crash")
    before = elements(wait_flowing(cluster, "crash", "mid", 300))["mid"]
    assert host_alive(before["pid"], "crash/mid"), before
    os.kill(before["pid"], signal.SIGKILL)

    final = cluster.wait_finished("crash")
    assert final["state"] == "done", cluster._brief(final)
    assert_exact_output(out_path, n, lambda log: log["double"] == 2 * log["seq"])
    mid = elements(final)["mid"]
    assert mid["restarts"] == 1, mid
    assert mid["pid"] != before["pid"] and mid["node"] == "n2", mid
    assert re.search(r"signal\D{0,3}9\b|SIGKILL", json.dumps(mid["last_exit"])), mid["last_exit"]
    assert all(e["restarts"] == 0 for name, e in elements(final).items() if name != "mid"), elements(final)
    logs = cluster.cli("logs", "crash/mid", "-n", "50")
    assert logs.returncode == 0, logs.stderr


def test_node_lost_its_elements_move_to_live_nodes(cluster):
    out_path = cluster.tmp_path / "lost.jsonl"
    n = 3000
    cluster.submit(f"""
src :: Sequence(count: {n}, rate: 500) @ n1
a   :: Map(expr: "double = seq * 2") @ n3
b   :: Filter(expr: "seq >= 0") @ n2
out :: JsonLinesSink(path: "{out_path}") @ n2
src -> a -> b -> out
""", "lost")
    # a dies with its node and starts again on a live one: src replays what
    # a never acked, and a continues its output stream where src last heard
    # of it, so b drops what it saw already: every log exactly once. (Two
    # neighbours dying together is at least once: see README, "Failures".)
    before = elements(wait_flowing(cluster, "lost", "b", 300))
    killed = cluster.kill_node("n3")
    assert before["a"]["pid"] in killed, (killed, before)

    def moved(s):
        e = elements(s)
        return (e["a"]["node"] in ("n1", "n2") and e["a"].get("pid") not in (None, 0, before["a"]["pid"])
                and e["a"]["endpoints"].get("in"))  # bound on its new node, not just spawned

    placed = elements(cluster.wait_status("lost", moved, "a to be placed on a live node"))
    # its input now binds its new node's address
    assert placed["a"]["endpoints"]["in"].startswith(f"tcp://{cluster.nodes[placed['a']['node']].address}:"), placed["a"]
    final = cluster.wait_finished("lost")
    assert final["state"] == "done", cluster._brief(final)
    assert_exact_output(out_path, n, lambda log: log["double"] == 2 * log["seq"])
    assert elements(final)["a"]["node"] != "n3" and elements(final)["a"]["moves"] == 1, elements(final)["a"]
    states = {node["name"]: node["state"] for node in cluster.node_list()}
    assert states == {"n1": "alive", "n2": "alive", "n3": "dead"}, states


def test_master_killed_and_restarted_elements_keep_running(cluster):
    out_path = cluster.tmp_path / "survive.jsonl"
    n = 4000  # ~10 s at 400/s: still running when the master is back
    cluster.submit(f"""
src :: Sequence(count: {n}, rate: 400) @ n1
mid :: Map(expr: "double = seq * 2") @ n2
out :: JsonLinesSink(path: "{out_path}") @ n3
src -> mid -> out
""", "survive")
    before = {name: e["pid"] for name, e in elements(wait_flowing(cluster, "survive", "mid", 200)).items()}
    cluster.kill_master()

    # The caretaker answers for itself while the master is down.
    r = cluster.node_cli("n1", "caretaker", "status", "--node", "n1", "-o", "json")
    assert r.returncode == 0, r.stderr
    local = json.loads(r.stdout)
    assert local["node"] == "n1"
    assert {e["element"]: e["pid"] for e in local["elements"]}.get("survive/src") == before["src"], local

    cluster.start_master()  # same --listen, same --registry
    s = cluster.wait_status("survive", lambda s: all(e["state"] == "running" for e in s["elements"]),
                            "every element to be running again")
    assert {name: e["pid"] for name, e in elements(s).items()} == before
    assert all(e["restarts"] == 0 for e in s["elements"]), elements(s)
    final = cluster.wait_finished("survive")
    assert final["state"] == "done", cluster._brief(final)
    assert_exact_output(out_path, n, lambda log: log["double"] == 2 * log["seq"])
    assert {name: (e["pid"], e["restarts"]) for name, e in elements(final).items()} == \
        {name: (pid, 0) for name, pid in before.items()}


def test_status_reports_load_figures_while_running(cluster):
    out_path = cluster.tmp_path / "load.jsonl"
    cluster.submit(f"""
src :: Sequence(count: 100000000, rate: 2000) @ n1
mid :: Map(expr: "double = seq * 2") @ n2
out :: JsonLinesSink(path: "{out_path}") @ n3
src -> mid -> out
""", "load")
    first = elements(wait_flowing(cluster, "load", "out", 500))
    second = elements(cluster.wait_status(
        "load", lambda s: logs_in(elements(s)["out"]) > logs_in(first["out"]) + 500, "more logs to flow"))
    for name, e in second.items():
        assert e["state"] == "running", e
        assert isinstance(e["cpu_percent"], (int, float)) and e["cpu_percent"] >= 0, (name, e["cpu_percent"])
        assert e["rss_bytes"] > 0, (name, e["rss_bytes"])
        assert isinstance(e["queue"], int) and e["queue"] >= 0, (name, e["queue"])
        assert 0 <= e["blocked_share"] <= 1 and 0 <= e["busy_share"] <= 1, (name, e["blocked_share"], e["busy_share"])
        assert e["age_s"] > 0, (name, e["age_s"])
    for name in ("mid", "out"):
        assert second[name]["logs_in"] > first[name]["logs_in"], (name, first[name]["logs_in"], second[name]["logs_in"])
        assert second[name]["in_rate"] > 0, (name, second[name]["in_rate"])
    for name in ("src", "mid"):
        assert second[name]["logs_out"] > first[name]["logs_out"], (name, first[name]["logs_out"], second[name]["logs_out"])
        assert second[name]["out_rate"] > 0, (name, second[name]["out_rate"])

    # Drained: every log the source emitted reached the file once.
    r = cluster.cli("kill", "load", "-w", "10")
    assert r.returncode == 0, r.stderr
    final = cluster.wait_finished("load")
    assert final["state"] == "stopped", cluster._brief(final)
    emitted = elements(final)["src"]["logs_out"]
    assert emitted > second["src"]["logs_out"]
    assert_exact_output(out_path, emitted, lambda log: log["double"] == 2 * log["seq"])
