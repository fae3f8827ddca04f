"""Checkpoints on a real master and caretaker: `policy * { checkpoint: MS }`
makes the master cue the sources, barriers flow with the logs, an element
with several inputs aligns them, every snapshot lands in the master's
registry, and `datablox checkpoints` lists them. The snapshots of one
checkpoint are a consistent cut: what the sources had emitted before their
barrier is exactly what the counter had counted (fixtures: cluster_runtime.py)."""

import json
import os
import signal
import sqlite3

import msgpack

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from cluster_runtime import brief, elements
from conftest import wait_until

JOIN = """
a :: Sequence(count: {count}{rate_a})
b :: Sequence(count: {count}, start: 1000000000{rate_b})
m :: Map(expr: "k = seq % 7")
count :: Counter(key: "k")
out :: Null
a -> m
b -> m
m -> count -> out
policy * {{ checkpoint: {every} }}
"""


def snapshots(registry, topology):
    """{checkpoint: {element: decoded snapshot or None}} of what the registry keeps."""
    db = sqlite3.connect(f"file:{registry}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT checkpoint, element, state FROM snapshots WHERE topology = ? ORDER BY checkpoint",
                          (topology,)).fetchall()
    finally:
        db.close()
    kept = {}
    for checkpoint, element, state in rows:
        kept.setdefault(checkpoint, {})[element] = msgpack.unpackb(state, raw=False) if state else None
    return kept


def complete(cluster, topology):
    return [c for c in cluster.json("checkpoints", topology)["checkpoints"] if c["state"] == "complete"]


def assert_consistent_cut(cut):
    """Every log a or b emitted before its barrier, and none after, was counted."""
    counted = cut["count"]["count"]
    assert cut["a"]["emitted"] + cut["b"]["emitted"] == counted, cut
    assert sum(cut["count"]["groups"].values()) == counted, cut
    assert cut["m"] is None and cut["out"] is None, cut  # stateless: an empty snapshot


def test_checkpoints_of_a_join_are_consistent_cuts(cluster):
    cluster.submit("join", JOIN.format(count=100000000, rate_a=", rate: 3000", rate_b=", rate: 2000", every=200))
    done = wait_until(lambda: (lambda c: c if len(c) >= 4 else None)(complete(cluster, "join")),
                      "four complete checkpoints", log=cluster.cli.log)
    assert all(c["taken"] == c["elements"] == 5 for c in done), done
    assert all(c["bytes"] > 0 and c["duration_ms"] >= 0 for c in done), done
    ids = [c["id"] for c in done]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), ids

    kept = snapshots(cluster.cli.registry, "join")
    assert 1 <= len(kept) <= 3, sorted(kept)  # only the newest complete ones keep their snapshots
    for checkpoint, cut in kept.items():
        assert checkpoint in ids or checkpoint > ids[-1], (checkpoint, ids)
        assert_consistent_cut(cut)
    newest = kept[max(kept)]
    assert newest["a"]["emitted"] > 0 and newest["b"]["emitted"] > 0, newest

    text = cluster.cli("checkpoints", "join")
    assert text.returncode == 0, text.stderr
    assert "join: a checkpoint every 200 ms" in text.stdout, text.stdout
    assert "complete" in text.stdout and "5/5" in text.stdout, text.stdout
    assert cluster.cli("kill", "join").returncode == 0


def test_a_join_at_full_speed_stays_consistent_under_backpressure(cluster):
    cluster.submit("fast", JOIN.format(count=1000000, rate_a="", rate_b="", every=100))
    final = cluster.wait_finished("fast", timeout=120)
    assert final["state"] == "done", brief(final)
    assert elements(final)["count"]["logs_in"] == 2000000, brief(final)
    listed = cluster.json("checkpoints", "fast")
    assert listed["every_ms"] == 100, listed
    assert listed["checkpoints"] and all(c["state"] == "complete" for c in listed["checkpoints"]), listed
    kept = snapshots(cluster.cli.registry, "fast")
    # A checkpoint after an element ended does not wait for it: it is no
    # part of that one (nothing of it is to restore).
    whole = [cut for cut in kept.values() if {"a", "b", "m", "count", "out"} <= set(cut)]
    assert whole, f"no whole cut kept: {sorted(kept)}"
    for cut in whole:
        assert_consistent_cut(cut)


def test_a_crash_abandons_the_checkpoint_in_progress_and_releases_held_inputs(cluster):
    # b's barrier waits behind up to 1000 logs queued for a Throttle of 100/s,
    # so m aligns for seconds, holding a's link: a checkpoint is in progress
    # when `slow` is killed.
    cluster.submit("crash", """
a :: Sequence(count: 100000000, rate: 2000)
b :: Sequence(count: 100000000, rate: 2000)
slow :: Throttle(rate: 100)
m :: Map(expr: "x = 1")
out :: Null
a -> m
b -> slow -> m
m -> out
policy slow { queue: 1000 }
policy * { checkpoint: 500 }
""")
    cluster.wait_flowing("crash", "out", 100)
    wait_until(lambda: any(c["state"] == "in progress" for c in cluster.json("checkpoints", "crash")["checkpoints"]),
               "a checkpoint in progress", log=cluster.cli.log)
    before = elements(cluster.status("crash"))
    os.kill(before["slow"]["pid"], signal.SIGKILL)

    def abandoned():
        gone = [c for c in cluster.json("checkpoints", "crash")["checkpoints"] if c["state"] == "abandoned"]
        return gone or None

    gone = wait_until(abandoned, "the checkpoint in progress to be abandoned", log=cluster.cli.log)
    assert "slow" in gone[0]["why"] and "signal 9" in gone[0]["why"], gone
    assert gone[0]["taken"] < gone[0]["elements"], gone
    # m let a's held link go: out takes a's 2000 logs a second again.
    at_abandon = elements(cluster.status("crash"))["out"]["logs_in"]
    cluster.wait_status("crash", lambda s: elements(s)["out"]["logs_in"] >= at_abandon + 4000,
                        "out to take 4000 more logs after the abandon", timeout=30)
    assert any("checkpoint" in e and "abandoned" in e for e in cluster.events("crash")), cluster.events("crash")
    assert cluster.cli("kill", "crash").returncode == 0


def test_checkpoints_of_a_topology_without_the_policy_or_an_unknown_one(cluster):
    cluster.submit("plain", "src :: Sequence(count: 100000000, rate: 100)\nout :: Null\nsrc -> out\n")
    r = cluster.cli("checkpoints", "plain")
    assert r.returncode == 0, r.stderr
    assert "plain takes no checkpoints" in r.stderr and "policy * { checkpoint: MS }" in r.stderr, r.stderr
    assert cluster.json("checkpoints", "plain") == {"topology": "plain", "every_ms": 0, "checkpoints": []}
    r = cluster.cli("checkpoints", "ghost")
    assert r.returncode != 0 and "no topology 'ghost'" in r.stderr, (r.returncode, r.stderr)
    assert cluster.cli("kill", "plain").returncode == 0


def test_a_restarted_master_keeps_the_history_and_goes_on_numbering(cluster):
    cluster.submit("kept", "src :: Sequence(count: 100000000, rate: 500)\nout :: Null\nsrc -> out\n"
                   "policy * { checkpoint: 100 }\n")
    first = wait_until(lambda: (lambda c: c if len(c) >= 3 else None)(complete(cluster, "kept")),
                       "three complete checkpoints", log=cluster.cli.log)
    cluster.cli.restart_master()
    newest_before = max(c["id"] for c in first)

    def later():
        now = complete(cluster, "kept")
        return now if any(c["id"] > newest_before + 2 for c in now) else None

    after = wait_until(later, "checkpoints after the restart", log=cluster.cli.log)
    ids = [c["id"] for c in after]
    assert set(c["id"] for c in first) <= set(ids), (first, ids)  # the history survived
    assert len(set(ids)) == len(ids), ids  # no id reused
    assert cluster.cli("kill", "kept").returncode == 0


# ------------------------------------------------------------ rollback

ROLLBACK = """
src :: Sequence(count: 60000, rate: 15000)
key :: Map(expr: "k = seq % 7")
count :: Counter(key: "k")
out :: Null
src -> key -> count -> out
policy * { checkpoint: 200 }
"""


def kill_when_counted(cluster, topology, victim, at_least):
    """SIGKILL `victim` once count took `at_least` logs in its current life."""
    now = cluster.wait_status(topology, lambda s: s["state"] == "running" and all(
        e["state"] == "running" and e.get("pid") for e in s["elements"]) and elements(s)["count"]["logs_in"] >= at_least
        and complete(cluster, topology), f"count to take {at_least} logs after a checkpoint")
    os.kill(elements(now)[victim]["pid"], signal.SIGKILL)


def final_count(final):
    return int(elements(final)["count"]["stats"]["handlers"]["count"])


def test_a_killed_counter_is_rolled_back_and_counts_every_log_once(cluster):
    cluster.submit("rb", ROLLBACK)
    kill_when_counted(cluster, "rb", "count", 15000)
    kill_when_counted(cluster, "rb", "count", 40000)  # a second crash, in the second epoch
    final = cluster.wait_finished("rb", timeout=60)
    assert final["state"] == "done", brief(final)
    # Without the rollback the counter would start again from 0 and miss
    # what it had counted; with a plain restart, replays would count twice.
    assert final_count(final) == 60000, brief(final)
    rollbacks = [e for e in cluster.events("rb") if e.startswith("rolled back to")]
    assert len(rollbacks) == 2, cluster.events("rb")
    assert "(epoch 1): count restarted: killed by signal 9" in rollbacks[0], rollbacks
    assert "(epoch 2)" in rollbacks[1], rollbacks


def test_a_killed_source_rewinds_to_its_position_and_nothing_is_counted_twice(cluster):
    cluster.submit("rewind", ROLLBACK)
    kill_when_counted(cluster, "rewind", "src", 20000)
    final = cluster.wait_finished("rewind", timeout=60)
    assert final["state"] == "done", brief(final)
    assert final_count(final) == 60000, brief(final)  # from its start again, it would count 60000 + 20000 and more
    assert any(e.startswith("rolled back to checkpoint") and "src restarted" in e for e in cluster.events("rewind")), \
        cluster.events("rewind")


def test_sinks_end_identical_to_a_fault_free_run_across_kills_of_every_element(cluster):
    """A bounded chaos run: every element killed once with SIGKILL, each
    after a checkpoint completed; the JSON Lines file and the SQLite table
    end row for row as a run without faults writes them (computed: the
    chain is deterministic), and the counter counted each log once."""
    count = 30000
    cluster.submit("chaos", f"""
src   :: Sequence(count: {count}, rate: 5000)
key   :: Map(expr: "k = seq % 7")
count :: Counter(key: "k")
out   :: JsonLinesSink(path: "chaos.jsonl")
store :: SqliteStore(path: "chaos.db", table: "rows")
src -> key -> count
count -> out
count -> store
policy * {{ checkpoint: 200 }}
""")
    seen = 0
    for victim in ("count", "out", "store", "key", "src"):
        def ready(s):
            return s["state"] == "running" and all(e["state"] == "running" and e.get("pid") for e in s["elements"]) \
                and elements(s)["count"]["logs_in"] > 0
        now = cluster.wait_status("chaos", ready, f"all running before killing {victim}")
        ids = [c["id"] for c in complete(cluster, "chaos")]
        wait_until(lambda: any(i > max(ids, default=0) for i in (c["id"] for c in complete(cluster, "chaos"))),
                   f"a checkpoint after the last kill, before killing {victim}", log=cluster.cli.log)
        now = cluster.status("chaos")
        if now["state"] != "running":
            break  # it ended before every element could be killed: the kills so far count
        os.kill(elements(now)[victim]["pid"], signal.SIGKILL)
        seen += 1
    final = cluster.wait_finished("chaos", timeout=90)
    assert final["state"] == "done", brief(final)
    assert seen >= 3, f"only {seen} kills before the end"
    rollbacks = [e for e in cluster.events("chaos") if e.startswith("rolled back to")]
    assert len(rollbacks) == seen, cluster.events("chaos")

    expected = [{"seq": i, "k": i % 7} for i in range(count)]
    lines = (cluster.tmp_path / "chaos.jsonl").read_text().splitlines()
    assert len(lines) == count, (len(lines), lines[:3])
    assert [json.loads(line) for line in lines] == expected
    db = sqlite3.connect(f"file:{cluster.tmp_path / 'chaos.db'}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT seq, k FROM rows ORDER BY rowid").fetchall()
    finally:
        db.close()
    assert rows == [(i, i % 7) for i in range(count)]
    assert final_count(final) == count, brief(final)


def test_stop_takes_a_checkpoint_and_resume_goes_on_from_it(cluster):
    cluster.submit("paused", ROLLBACK.replace("out :: Null", 'out :: JsonLinesSink(path: "paused.jsonl")'))
    cluster.wait_status("paused", lambda s: s["state"] == "running" and elements(s)["count"]["logs_in"] >= 10000,
                        "count to take 10000 logs")
    r = cluster.cli("stop", "paused")
    assert r.returncode == 0, r.stderr
    assert "paused stopped after checkpoint" in r.stdout and "datablox resume paused" in r.stdout, r.stdout
    stopped = cluster.status("paused")
    assert stopped["state"] == "stopped", brief(stopped)
    assert any(e.startswith("stopped after checkpoint") for e in cluster.events("paused")), cluster.events("paused")

    dump = cluster.json("registry", "dump")
    paused = next(t for t in dump["topologies"] if t["name"] == "paused")
    assert paused["state"] == "stopped" and paused["every_ms"] == 200 and paused["last_complete"] > 0, paused
    emitted = paused["positions"]["src"]["emitted"]
    assert 10000 <= emitted < 60000, paused["positions"]  # where src resumes
    assert {e["name"] for e in paused["elements"]} == {"src", "key", "count", "out"}, paused["elements"]
    assert [c["id"] for c in paused["checkpoints"] if c["state"] == "complete"][-1] == paused["last_complete"]
    text = cluster.cli("registry", "dump")
    assert text.returncode == 0 and "position of src: {\"emitted\":" in text.stdout, text.stdout

    r = cluster.cli("resume", "paused")
    assert r.returncode == 0, r.stderr
    assert f"paused resumes from checkpoint {paused['last_complete']}" in r.stdout, r.stdout
    final = cluster.wait_finished("paused", timeout=60)
    assert final["state"] == "done", brief(final)
    assert final_count(final) == 60000, brief(final)
    lines = (cluster.tmp_path / "paused.jsonl").read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == list(range(60000))


def test_stop_and_resume_refuse_what_they_cannot_do(cluster):
    cluster.submit("plainer", "src :: Sequence(count: 100000000, rate: 100)\nout :: Null\nsrc -> out\n")
    r = cluster.cli("stop", "plainer")
    assert r.returncode != 0 and "plainer takes no checkpoints" in r.stderr, (r.returncode, r.stderr)
    r = cluster.cli("resume", "ghost")
    assert r.returncode != 0 and "no topology 'ghost'" in r.stderr, (r.returncode, r.stderr)
    cluster.submit("live", ROLLBACK)
    r = cluster.cli("resume", "live")
    assert r.returncode != 0 and "only a stopped topology resumes" in r.stderr, (r.returncode, r.stderr)
    for name in ("plainer", "live"):
        assert cluster.cli("kill", name).returncode == 0


def test_a_sqlite_source_resumes_after_its_last_row_across_kills(cluster):
    rows = 20000
    db = sqlite3.connect(cluster.tmp_path / "input.db")
    db.execute("CREATE TABLE events (user TEXT, n INTEGER, weight REAL, note BLOB)")
    db.executemany("INSERT INTO events VALUES (?, ?, ?, ?)",
                   [(f"u{i % 11}", i, i / 2, None if i % 3 else b"\x00\x01") for i in range(rows)])
    db.commit()
    db.close()
    cluster.submit("table", f"""
src   :: SqliteSource(path: "input.db", table: "events", batch: 500)
slow  :: Throttle(rate: 5000)
count :: Counter(key: "user")
out   :: JsonLinesSink(path: "table.jsonl")
src -> slow -> count -> out
policy slow {{ queue: 200 }}
policy * {{ checkpoint: 200 }}
""")
    for victim in ("src", "count"):
        last = max([c["id"] for c in complete(cluster, "table")] or [0])
        now = cluster.wait_status("table", lambda s: s["state"] == "running" and all(
            e["state"] == "running" and e.get("pid") for e in s["elements"])
            and max([c["id"] for c in complete(cluster, "table")] or [0]) > last, f"a checkpoint before killing {victim}")
        os.kill(elements(now)[victim]["pid"], signal.SIGKILL)
    final = cluster.wait_finished("table", timeout=60)
    assert final["state"] == "done", brief(final)
    logs = [json.loads(line) for line in (cluster.tmp_path / "table.jsonl").read_text().splitlines()]
    assert [log["n"] for log in logs] == list(range(rows))  # every row once, in key order
    assert logs[3] == {"user": "u3", "n": 3, "weight": 1.5, "note": "\x00\x01"}, logs[3]
    assert logs[1]["note"] is None, logs[1]
    assert final_count(final) == rows, brief(final)
    assert len([e for e in cluster.events("table") if e.startswith("rolled back to checkpoint")]) == 2


def test_a_sqlite_source_refuses_a_missing_table_or_key(cluster, tmp_path):
    sqlite3.connect(tmp_path / "empty.db").close()
    cluster.submit("notable", 'src :: SqliteSource(path: "empty.db", table: "nothing")\nout :: Null\nsrc -> out\n')
    final = cluster.wait_finished("notable", timeout=30)
    assert final["state"] == "failed" and "no such table: nothing" in final["failure"], brief(final)
