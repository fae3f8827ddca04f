"""Checkpoints and rollback on three nodes (cluster_nodes.py: a master and
caretakers n1, n2, n3, each in a network namespace of its own when the
machine allows): the master killed and started again goes on numbering
checkpoints from its registry, and a whole node lost rolls the topology
back to its last complete checkpoint, the moved counter restoring its
counts on its new node. The sink's file ends row for row as a fault-free
run writes it, and the counter counted each log once."""

from cluster_nodes import cluster  # noqa: F401  (the fixture)
from conftest import jsonl


def elements(status):
    return {e["name"]: e for e in status["elements"]}


def complete_ids(cluster, topology):
    return [c["id"] for c in cluster.json("checkpoints", topology)["checkpoints"] if c["state"] == "complete"]


def all_running(s):
    return s["state"] == "running" and all(e["state"] == "running" and e.get("pid") for e in s["elements"])


def test_a_master_restart_and_a_node_loss_leave_the_output_as_without_faults(cluster):
    n = 8000  # ~8 s at 1000/s
    out_path = cluster.tmp_path / "rolled.jsonl"
    cluster.submit(f"""
src   :: Sequence(count: {n}, rate: 1000) @ n1
key   :: Map(expr: "k = seq % 5") @ n2
count :: Counter(key: "k") @ n3
out   :: JsonLinesSink(path: "{out_path}") @ n2
src -> key -> count -> out
policy * {{ checkpoint: 200 }}
""", "rolled")
    cluster.wait_status("rolled", lambda s: all_running(s) and complete_ids(cluster, "rolled"),
                        "a complete checkpoint")
    before_restart = max(complete_ids(cluster, "rolled"))
    cluster.kill_master()
    cluster.start_master()  # same --listen, same --registry
    cluster.wait_status("rolled", lambda s: all_running(s) and max(complete_ids(cluster, "rolled")) > before_restart,
                        "a checkpoint taken by the master started again")

    cluster.kill_node("n3")  # count's node, caretaker and hosts
    moved = cluster.wait_status("rolled", lambda s: all_running(s) and elements(s)["count"]["node"] != "n3",
                                "count to run on a live node")
    assert elements(moved)["count"]["node"] in ("n1", "n2"), elements(moved)["count"]
    final = cluster.wait_finished("rolled", timeout=90)
    assert final["state"] == "done", cluster._brief(final)
    assert jsonl(out_path) == [{"seq": i, "k": i % 5} for i in range(n)]
    assert int(elements(final)["count"]["stats"]["handlers"]["count"]) == n, elements(final)["count"]
    events = [e["what"] for e in cluster.json("events", "rolled", "-n", "100")]
    assert any(e.startswith("rolled back to checkpoint") and "node n3 lost" in e for e in events), events
