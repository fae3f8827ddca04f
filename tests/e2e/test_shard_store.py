"""A hash-routed SqliteStore shard grown and shrunk mid-stream by
`datablox scale` (issue 10, item 7): every input row is in exactly one
member's SQLite file, each key's rows all in one member, the member that
owns its key group (a keyed query, which goes to the owner alone, counts
them all), and the union-merged answer holds every row once. A real master
and caretaker on loopback, real SQLite files read here with sqlite3."""

import sqlite3

import pytest

from conftest import jsonl, wait_until
from shard_daemons import key_counts, members, scale, status, submit, wait_done

COUNT = 12000
KEYS = 61
ASKED = ("u0", "u7", "u33", "u60")  # keys whose owner a keyed query names


def topology():
    keyed = "\n".join(
        f"""ask{i} :: Ask(request: '{{"sql": "SELECT count(*) AS n FROM t WHERE user = ?", "params": ["{k}"], "user": "{k}"}}', timeout_ms: 10000)
out{i} :: JsonLinesSink(path: "ask-{k}.jsonl")
store -> ask{i} -> out{i}
ask{i}.ask => store.query""" for i, k in enumerate(ASKED))
    return f"""
src   :: Sequence(count: {COUNT}, rate: 1500)
key   :: Map(expr: "user = concat('u', str(seq % {KEYS}))")
store :: shard SqliteStore(path: "rows-{{member}}.db", table: "t") {{ members: 1..3, route: hash(user), merge: union }}
all   :: Ask(request: '{{"sql": "SELECT seq, user FROM t"}}', timeout_ms: 10000)
rows  :: JsonLinesSink(path: "union.jsonl")
src -> key -> store -> all -> rows
all.ask => store.query
{keyed}
"""


def expected_user(seq):
    return f"u{seq % KEYS}"


def member_rows(path):
    """[(seq, user)] of one member's file ([] when it never was made)."""
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 't'").fetchone():
            return []
        return db.execute("SELECT seq, user FROM t").fetchall()


def rows_logged(cli, name):
    """Rows the members have stored so far (their logs_out)."""
    return sum(e.get("stats", {}).get("logs_out", 0) for e in status(cli, name)["elements"]
               if e.get("shard") == "store")


@pytest.mark.parametrize("final", [1, 2])
def test_a_sqlite_store_shard_keeps_every_row_once_through_grow_and_shrink(daemons, tmp_path, final):
    submit(daemons, tmp_path, topology())
    wait_until(lambda: rows_logged(daemons, "t") > 1000, "rows in store/0", log=daemons.log)
    grown = scale(daemons, "t", "store", 3)
    assert grown.stdout.splitlines()[0] == "t/store: 1 -> 3 members"
    assert members(daemons, "t", "store") == [0, 1, 2]
    assert status(daemons, "t")["state"] == "running", "the grow must be mid-stream"
    shrunk = scale(daemons, "t", "store", final)
    assert shrunk.stdout.splitlines()[0] == f"t/store: 3 -> {final} members"
    assert len(members(daemons, "t", "store")) == final
    wait_done(daemons, "t")
    left = members(daemons, "t", "store")

    # Every input row is in exactly one member's file ...
    where = {}  # seq -> member
    per_member = {}
    for m in range(3):
        rows = member_rows(tmp_path / f"rows-{m}.db")
        per_member[m] = rows
        for seq, user in rows:
            assert user == expected_user(seq)
            assert seq not in where, f"row {seq} is in rows-{where[seq]}.db and rows-{m}.db"
            where[seq] = m
    assert sorted(where) == list(range(COUNT))
    # ... each key's rows in one member, a member still in the shard ...
    key_member = {}
    for seq, m in where.items():
        assert key_member.setdefault(expected_user(seq), m) == m, f"key {expected_user(seq)} is split"
    assert set(key_member.values()) <= set(left), (key_member, left)
    if final == 1:
        assert [len(per_member[m]) for m in range(3) if m not in left] == [0, 0]
    # ... and that member owns its key group: a keyed query goes to the
    # owner alone, and counts every row of the key.
    expected = key_counts(expected_user(seq) for seq in range(COUNT))
    for k in ASKED:
        assert jsonl(tmp_path / f"ask-{k}.jsonl") == [{"rows": [{"n": expected[k]}], "count": 1}], k

    # The union merge: every row once, from whichever member holds it.
    union = jsonl(tmp_path / "union.jsonl")
    assert len(union) == 1
    assert sorted(row["seq"] for row in union[0]["rows"]) == list(range(COUNT))
    assert all(row["user"] == expected_user(row["seq"]) for row in union[0]["rows"])
