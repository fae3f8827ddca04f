"""JsonLinesSink's two phases in a running checkpointed topology: a reader
of PATH.partial sees only what complete checkpoints committed, and never
sees it go, across a SIGKILL of the sink; numbered segments end as the
fault-free run's output across a SIGKILL of the counter before them."""
import json
import os
import signal
import time

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from cluster_runtime import brief, elements
from conftest import wait_until

CHAIN = """
src   :: Sequence(count: {count}, rate: {rate})
key   :: Map(expr: "k = seq % 7")
count :: Counter(key: "k")
out   :: JsonLinesSink(path: "{path}"{extra})
src -> key -> count -> out
policy * {{ checkpoint: {every} }}
"""


def complete(cluster, topology):
    return [c["id"] for c in cluster.json("checkpoints", topology)["checkpoints"] if c["state"] == "complete"]


def whole_lines(data):
    """The whole lines of what a tail reader sees (a commit may be halfway)."""
    return [json.loads(line) for line in data[:data.rfind(b"\n") + 1].splitlines()]


def kill_after_a_checkpoint(cluster, topology, victim):
    before = max(complete(cluster, topology), default=0)
    wait_until(lambda: max(complete(cluster, topology), default=0) > before, f"a checkpoint of {topology}",
               log=cluster.cli.log)
    now = cluster.wait_status(topology, lambda s: all(e["state"] == "running" and e.get("pid") for e in s["elements"]),
                              f"{topology} running")
    os.kill(elements(now)[victim]["pid"], signal.SIGKILL)


def test_a_reader_of_the_partial_file_sees_only_committed_lines_across_a_kill_of_the_sink(cluster):
    count = 12000
    cluster.submit("commits", CHAIN.format(count=count, rate=3000, path="c.jsonl", extra="", every=300))
    expected = [{"seq": i, "k": i % 7} for i in range(count)]
    partial = cluster.tmp_path / "c.jsonl.partial"
    seen, open_seen, killed = [], False, False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        names = os.listdir(cluster.tmp_path)
        open_seen = open_seen or "c.jsonl.open" in names  # the tmp segment, written aside
        if "c.jsonl" in names:
            break  # ended: renamed into place
        try:
            lines = whole_lines(partial.read_bytes())
        except FileNotFoundError:
            lines = []  # not started yet, or renamed just now
        # Committed lines only: a prefix of the output, never taken back.
        assert lines == expected[:len(lines)], (len(lines), lines[-3:])
        assert len(lines) >= (seen[-1] if seen else 0), (len(lines), seen[-5:])
        seen.append(len(lines))
        if not killed and len(lines) > count // 4:
            kill_after_a_checkpoint(cluster, "commits", "out")
            killed = True
        time.sleep(0.02)
    final = cluster.wait_finished("commits", timeout=60)
    assert final["state"] == "done", brief(final)
    assert killed and open_seen, (killed, open_seen)
    assert len(set(seen)) >= 3, f"the committed part grew only at the end: {sorted(set(seen))[:10]}"
    assert [r for r in cluster.events("commits") if r.startswith("rolled back to")], cluster.events("commits")
    lines = (cluster.tmp_path / "c.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == expected
    leftovers = [n for n in os.listdir(cluster.tmp_path) if n.startswith("c.jsonl.")]
    assert leftovers == [], leftovers


def test_numbered_segments_end_as_the_fault_free_output_across_a_kill_of_the_counter(cluster):
    count = 9000
    cluster.submit("numbered", CHAIN.format(count=count, rate=3000, path="s.jsonl", extra=", segments: true",
                                            every=250))
    wait_until(lambda: elements(cluster.status("numbered"))["out"]["logs_in"] > count // 4, "logs to reach the sink",
               log=cluster.cli.log)
    kill_after_a_checkpoint(cluster, "numbered", "count")
    final = cluster.wait_finished("numbered", timeout=60)
    assert final["state"] == "done", brief(final)
    segments = sorted(n for n in os.listdir(cluster.tmp_path) if n.startswith("s.jsonl"))
    assert len(segments) >= 3 and all(n[len("s.jsonl."):].isdigit() for n in segments), segments
    assert "s.jsonl" not in segments  # kept as numbered files, not concatenated
    lines = []
    for name in segments:
        lines += (cluster.tmp_path / name).read_text().splitlines()
    assert [json.loads(line) for line in lines] == [{"seq": i, "k": i % 7} for i in range(count)]
    # The counter's output carries no count, so check it counted once.
    assert int(elements(final)["count"]["stats"]["handlers"]["count"]) == count, brief(final)


def test_numbered_segments_without_checkpoints_fail_with_the_reason(cluster):
    cluster.submit("plain", """
src :: Sequence(count: 10)
out :: JsonLinesSink(path: "p.jsonl", segments: true)
src -> out
""")
    final = cluster.wait_finished("plain", timeout=30)
    assert final["state"] == "failed", brief(final)
    assert "segments: true needs a checkpointed topology" in final["failure"], final["failure"]
