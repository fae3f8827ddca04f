"""A hash-routed SqliteStore shard for the shard tests, and the checks of
its SQLite files: the topology (keyed Asks that name a key, so that the
owner alone answers, and a union-merged Ask of every row), and
check_rows(), which reads every member's file with sqlite3."""

import sqlite3

from conftest import jsonl
from shard_daemons import key_counts

KEYS = 61
ASKED = ("u0", "u7", "u33", "u60")  # keys whose owner a keyed query names


def store_topology(count, rate, members="1..3"):
    keyed = "\n".join(
        f"""ask{i} :: Ask(request: '{{"sql": "SELECT count(*) AS n FROM t WHERE user = ?", "params": ["{k}"], "user": "{k}"}}', timeout_ms: 10000)
out{i} :: JsonLinesSink(path: "ask-{k}.jsonl")
store -> ask{i} -> out{i}
ask{i}.ask => store.query""" for i, k in enumerate(ASKED))
    return f"""
src   :: Sequence(count: {count}, rate: {rate})
key   :: Map(expr: "user = concat('u', str(seq % {KEYS}))")
store :: shard SqliteStore(path: "rows-{{member}}.db", table: "t") {{ members: {members}, route: hash(user), merge: union }}
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


def rows_stored(status):
    """Rows the store's members have stored so far (their logs_out)."""
    return sum(e.get("stats", {}).get("logs_out", 0) for e in status["elements"] if e.get("shard") == "store")


def check_rows(tmp_path, count, left, ids=range(3)):
    """After the topology ended with members `left`: every input row is in
    exactly one file, each key's rows in one member of `left` (no file of
    another has a row), each keyed query found all its key's rows at its
    owner alone, and the union merge holds every row once."""
    where = {}  # seq -> the member whose file holds it
    for m in ids:
        for seq, user in member_rows(tmp_path / f"rows-{m}.db"):
            assert user == expected_user(seq)
            assert seq not in where, f"row {seq} is in rows-{where[seq]}.db and rows-{m}.db"
            where[seq] = m
    assert sorted(where) == list(range(count))
    key_member = {}
    for seq, m in where.items():
        assert key_member.setdefault(expected_user(seq), m) == m, f"key {expected_user(seq)} is split"
    assert set(key_member.values()) <= set(left), (key_member, left)
    expected = key_counts(expected_user(seq) for seq in range(count))
    for k in ASKED:
        assert jsonl(tmp_path / f"ask-{k}.jsonl") == [{"rows": [{"n": expected[k]}], "count": 1}], k
    union = jsonl(tmp_path / "union.jsonl")
    assert len(union) == 1
    assert sorted(row["seq"] for row in union[0]["rows"]) == list(range(count))
    assert all(row["user"] == expected_user(row["seq"]) for row in union[0]["rows"])
