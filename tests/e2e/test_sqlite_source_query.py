"""Exactly once through SQLite (issue 13): SqliteSource reading a query's
result in key order, across a rollback; and SqliteStore's two-phase commit,
view TABLE_committed, which shows only rows no rollback deletes and, once
the input ended, every row (fixtures: cluster_runtime.py, conftest.py)."""

import json
import os
import signal
import sqlite3

import msgpack

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from cluster_runtime import brief, elements
from conftest import check_no_crash, jsonl, wait_until

# Every third event, with a column the table does not have.
QUERY = "SELECT id, user, n * 2 AS twice FROM events WHERE n % 3 = 0"


def make_events(path, rows):
    db = sqlite3.connect(path)
    try:
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, user TEXT, n INTEGER)")
        # Inserted out of key order: the source must read by key, not by rowid.
        db.executemany("INSERT INTO events VALUES (?, ?, ?)",
                       [(i, f"u{i % 5}", i) for i in reversed(range(1, rows + 1))])
        db.commit()
    finally:
        db.close()


def expected_query_rows(rows):
    return [{"id": i, "user": f"u{i % 5}", "twice": 2 * i} for i in range(1, rows + 1) if i % 3 == 0]


def read_db(path, sql):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def complete_ids(cluster, topology):
    return [c["id"] for c in cluster.json("checkpoints", topology)["checkpoints"] if c["state"] == "complete"]


def test_a_query_with_a_filter_and_a_computed_column_emits_exactly_its_rows_in_key_order(tmp_path, run_topology):
    make_events(tmp_path / "in.db", 100)
    result = run_topology(tmp_path, f"""
src :: SqliteSource(path: "in.db", query: "{QUERY};", key: "id", batch: 7)
out :: JsonLinesSink(path: "out.jsonl")
src -> out
""")
    check_no_crash(result)
    assert result.returncode == 0, result.stderr
    # batch 7 of 33 rows: the key carries the position from one query to the next.
    assert jsonl(tmp_path / "out.jsonl") == expected_query_rows(100)


BAD = [
    ('table: "events", query: "SELECT id FROM events", key: "id"', "give table or query, not both"),
    ('key: "id"', "give table (the table to read) or query (a SELECT to read)"),
    ('query: "SELECT id, n FROM events"', "with query, key must be given: a column of the query's result "
                                          "(a query has no rowid); its columns are 'id', 'n'"),
    ('query: "SELECT id FROM events", key: "n"', "key 'n' is not a column of the query's result ('id')"),
    ('query: "SELECT id FROM nowhere", key: "id"', "query: no such table: nowhere"),
    ('query: "SELEC id FROM events", key: "id"', 'query: near "FROM": syntax error'),
    ('query: "SELECT id FROM events); SELECT (1", key: "id"', "query: must be one SELECT statement, not several"),
]


def test_a_bad_config_fails_with_a_clear_message_and_a_non_zero_exit(tmp_path, run_topology):
    make_events(tmp_path / "in.db", 10)
    for i, (params, message) in enumerate(BAD):
        result = run_topology(tmp_path, f'src :: SqliteSource(path: "in.db", {params})\nout :: Null\nsrc -> out\n',
                              name=f"bad{i}.topo")
        assert result.returncode != 0, (params, result.stderr)
        assert f"[src] Invalid: " in result.stderr and message in result.stderr, (params, result.stderr[-2000:])


def test_a_query_source_emits_each_row_once_across_a_kill_of_its_downstream(cluster):
    rows = 30000  # 10000 rows of the query's result, at 4000 a second: a rollback or two mid-run
    make_events(cluster.tmp_path / "in.db", rows)
    cluster.submit("query", f"""
src  :: SqliteSource(path: "in.db", query: "{QUERY}", key: "id", batch: 300)
slow :: Throttle(rate: 4000)
out  :: JsonLinesSink(path: "query.jsonl")
src -> slow -> out
policy slow {{ queue: 200 }}
policy * {{ checkpoint: 100 }}
""")
    for victim in ("out", "slow"):
        last = max(complete_ids(cluster, "query") or [0])
        now = cluster.wait_status("query", lambda s: s["state"] == "running" and all(
            e["state"] == "running" and e.get("pid") for e in s["elements"])
            and max(complete_ids(cluster, "query") or [0]) > last, f"a checkpoint before killing {victim}")
        os.kill(elements(now)[victim]["pid"], signal.SIGKILL)
    final = cluster.wait_finished("query", timeout=60)
    assert final["state"] == "done", brief(final)
    rollbacks = [e for e in cluster.events("query") if e.startswith("rolled back to checkpoint")]
    assert len(rollbacks) == 2, cluster.events("query")
    lines = (cluster.tmp_path / "query.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == expected_query_rows(rows)  # each once, in key order


def committed_seqs(path):
    """The view's rows now; None while the store has made neither table nor view."""
    if not path.exists():
        return None
    try:
        # (A view has no rowid: in seq order, which is the table's rowid order.)
        return [seq for (seq,) in read_db(path, "SELECT seq FROM rows_committed ORDER BY seq")]
    except sqlite3.OperationalError as e:
        if "no such table" in str(e):
            return None
        raise


def test_the_committed_view_only_grows_and_ends_equal_to_the_fault_free_table(cluster):
    count = 12000
    db = cluster.tmp_path / "store.db"
    cluster.submit("commits", f"""
src   :: Sequence(count: {count}, rate: 3000)
store :: SqliteStore(path: "store.db", table: "rows")
src -> store
policy * {{ checkpoint: 100 }}
""")
    seen = []  # every read of the view while the topology ran

    def store_rowid_of_last_complete():
        """The rowid of the store's snapshot in the newest complete checkpoint:
        a rollback goes back to that one (or a newer), and keeps the rows up to it."""
        ids = complete_ids(cluster, "commits")
        if not ids:
            return 0
        (state,), = read_db(cluster.cli.registry, "SELECT state FROM snapshots WHERE topology = 'commits' "
                                                  f"AND element = 'store' AND checkpoint = {max(ids)}")
        return msgpack.unpackb(state, raw=False)["rowid"]

    def watch_until(predicate, what):
        def poll():
            seqs = committed_seqs(db)  # first: what is complete now is at least what was then
            safe = store_rowid_of_last_complete()
            s = cluster.status("commits")
            if seqs is not None and elements(s)["store"]["state"] == "running":
                # (Once the store ended its view shows every row: final, not checkpointed.)
                assert len(seqs) <= safe, f"the view shows {len(seqs)} rows, a rollback keeps {safe}"
                seen.append(seqs)
            return s if predicate(s) else None
        return wait_until(poll, what, timeout=60, log=cluster.cli.log)

    now = watch_until(lambda s: s["state"] == "running" and all(e.get("pid") and e["state"] == "running"
                                                                 for e in s["elements"])
                      and int(elements(s)["store"]["stats"]["handlers"]["committed"]) > 1000,
                      "the store to commit 1000 rows by checkpoints")
    os.kill(elements(now)["store"]["pid"], signal.SIGKILL)
    final = watch_until(lambda s: s["state"] in ("done", "failed", "stopped"), "the topology to finish")
    assert final["state"] == "done", brief(final)
    assert any(e.startswith("rolled back to checkpoint") for e in cluster.events("commits")), cluster.events("commits")

    rows = [seq for (seq,) in read_db(db, "SELECT seq FROM rows ORDER BY rowid")]
    assert rows == list(range(count))  # as a run without the kill writes it
    # Each read of the view was a prefix of the final rows, at least as long
    # as the one before (no rollback took a row from it).
    assert all(s == rows[:len(s)] for s in seen), [len(s) for s in seen]
    assert [len(s) for s in seen] == sorted(len(s) for s in seen), [len(s) for s in seen]
    assert any(0 < len(s) < count for s in seen), [len(s) for s in seen]  # it lagged behind the table while running
    # After the end: every row (an ended store's rows are final), and the
    # checkpoints table says so with its end row.
    assert committed_seqs(db) == rows
    marks = read_db(db, "SELECT checkpoint, rowid, complete FROM datablox_checkpoints WHERE tbl = 'rows' "
                        "ORDER BY checkpoint")
    assert marks[-1] == (2**63 - 1, count, 1), marks
    assert len([m for m in marks if m[2] == 1]) <= 4, marks  # pruned: the newest few complete, and the end


def test_without_checkpoints_the_store_keeps_no_checkpoints_table_and_no_view(tmp_path, run_topology):
    result = run_topology(tmp_path, """
src   :: Sequence(count: 50)
store :: SqliteStore(path: "plain.db", table: "rows")
src -> store
""")
    assert result.returncode == 0, result.stderr
    names = {name for (name,) in read_db(tmp_path / "plain.db", "SELECT name FROM sqlite_master")}
    assert "rows" in names and "datablox_checkpoints" not in names and "rows_committed" not in names, names
    assert read_db(tmp_path / "plain.db", "SELECT count(*) FROM rows") == [(50,)]
