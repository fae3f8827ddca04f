"""SqliteStore end to end: rows verified with Python's sqlite3, columns and
their types, reads back through Ask, and write statements refused."""

import json
import sqlite3

from conftest import check_no_crash, jsonl

LOGS = [
    {"id": 1, "i": 42, "f": 1.5, "s": "hello", "b": True, "n": None,
     "o": {"x": 1, "y": [1, 2], "z": {"deep": "er"}}, "a": [1, "two", 3.5, None, {"k": False}]},
    {"id": 2, "i": -7, "f": 2.0, "s": "h\u00e9llo \u2713 \"q\" \\ \t", "b": False, "n": None, "o": {}, "a": []},
    {"id": 3, "i": 9223372036854775807, "f": -1e-300, "s": "", "b": True},
    {"id": 4, "late": "a column added by the fourth log", "i": -9223372036854775808},
    {"id": 5},
]

COLUMNS = [("id", "INTEGER"), ("i", "INTEGER"), ("f", "REAL"), ("s", "TEXT"), ("b", "INTEGER"), ("n", "TEXT"),
           ("o", "TEXT"), ("a", "TEXT"), ("late", "TEXT")]


def stored(value):
    """What a log value becomes in the table: bools are 0/1, nested values
    JSON text (compared parsed), the rest as they are."""
    if isinstance(value, bool):
        return int(value)
    return value


def sql_type(value):
    return {type(None): "null", bool: "integer", int: "integer", float: "real", str: "text"}.get(type(value), "text")


def test_json_lines_round_trip_through_sqlite(tmp_path, run_topology):
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(log) + "\n" for log in LOGS))
    result = run_topology(tmp_path, """
src   :: JsonLinesSource(path: "in.jsonl")
store :: SqliteStore(path: "round.db")
src -> store
""", "-q", "-o", "json")
    check_no_crash(result)
    assert result.returncode == 0, result.stderr

    with sqlite3.connect(tmp_path / "round.db") as db:
        assert [(r[1], r[2]) for r in db.execute("PRAGMA table_info(logs)")] == COLUMNS
        names = [c for c, _ in COLUMNS]
        rows = db.execute(f"SELECT {', '.join(names)} FROM logs ORDER BY id").fetchall()
        types = db.execute(f"SELECT {', '.join(f'typeof({c})' for c in names)} FROM logs ORDER BY id").fetchall()
    assert len(rows) == len(LOGS)
    for log, row, typ in zip(LOGS, rows, types):
        for name, value, t in zip(names, row, typ):
            want = log.get(name)
            if isinstance(want, (dict, list)):
                assert t == "text" and json.loads(value) == want, (log["id"], name, value)
            else:
                assert value == stored(want) and t == sql_type(want), (log["id"], name, value, t)

    # Read back through the store's query port, by an Ask of a second
    # topology on the same file.
    result = run_topology(tmp_path, """
none  :: Sequence(count: 0)
store :: SqliteStore(path: "round.db")
tick  :: Sequence(count: 1)
ask   :: Ask(request: '{"sql": "SELECT count(*) AS n FROM logs"}')
out   :: JsonLinesSink(path: "reply.jsonl")
nest  :: Ask(request: '{"sql": "SELECT json_extract(o, \\'$.z.deep\\') AS deep, json_extract(a, \\'$[1]\\') AS second FROM logs WHERE id = ?", "params": [1]}')
out2  :: JsonLinesSink(path: "nested.jsonl")
none -> store
tick -> ask -> out
tick -> nest -> out2
ask.ask => store.query
nest.ask => store.query
""", "-q", name="read.topo")
    check_no_crash(result)
    assert result.returncode == 0, result.stderr
    assert jsonl(tmp_path / "reply.jsonl") == [{"rows": [{"n": len(LOGS)}], "count": 1}]
    assert jsonl(tmp_path / "nested.jsonl") == [{"rows": [{"deep": "er", "second": "two"}], "count": 1}]


def test_delete_through_ask_is_refused(tmp_path, run_topology):
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(log) + "\n" for log in LOGS))
    result = run_topology(tmp_path, """
src   :: JsonLinesSource(path: "in.jsonl")
store :: SqliteStore(path: "keep.db")
wipe  :: Ask(request: '{"sql": "DELETE FROM logs"}')
src -> store -> wipe
wipe.ask => store.query
""")
    check_no_crash(result)
    assert result.returncode == 1, result.stderr
    assert "error: element 'wipe' (Ask) failed: " in result.stderr
    assert "only read-only statements are answered" in result.stderr
    with sqlite3.connect(tmp_path / "keep.db") as db:
        assert [r[0] for r in db.execute("SELECT id FROM logs ORDER BY id")] == [log["id"] for log in LOGS]


def test_typed_columns_from_a_map(tmp_path, run_topology):
    # `nothing` is an SQL keyword: the store must quote its column names.
    result = run_topology(tmp_path, """
src   :: Sequence(count: 2000)
typed :: Map(expr: "half = seq / 2.0, name = concat('n', str(seq)), even = seq % 2 == 0, nothing = nil, neg = 0 - seq")
store :: SqliteStore(path: "typed.db", table: "typed")
src -> typed -> store
policy src { batch: 33 }
""", "-q")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "typed.db") as db:
        assert [(r[1], r[2]) for r in db.execute('PRAGMA table_info("typed")')] == \
            [("seq", "INTEGER"), ("half", "REAL"), ("name", "TEXT"), ("even", "INTEGER"), ("nothing", "TEXT"),
             ("neg", "INTEGER")]
        rows = db.execute('SELECT seq, half, typeof(half), name, even, "nothing", neg FROM typed ORDER BY seq').fetchall()
    assert rows == [(s, s / 2, "real", f"n{s}", int(s % 2 == 0), None, -s) for s in range(2000)]


def test_a_second_run_appends_and_adds_columns(tmp_path, run_topology):
    first = """
src   :: Sequence(count: 300)
store :: SqliteStore(path: "grow.db")
src -> store
"""
    second = """
src   :: Sequence(count: 200, start: 300)
extra :: Map(expr: "word = concat('w', str(seq))")
store :: SqliteStore(path: "grow.db")
src -> extra -> store
"""
    assert run_topology(tmp_path, first, "-q", name="first.topo").returncode == 0
    assert run_topology(tmp_path, second, "-q", name="second.topo").returncode == 0
    with sqlite3.connect(tmp_path / "grow.db") as db:
        assert [r[1] for r in db.execute("PRAGMA table_info(logs)")] == ["seq", "word"]
        rows = db.execute("SELECT seq, word FROM logs ORDER BY seq").fetchall()
    assert rows == [(s, None) for s in range(300)] + [(s, f"w{s}") for s in range(300, 500)]


def test_integers_above_int64_are_not_stored_as_negative(tmp_path, run_topology):
    (tmp_path / "in.jsonl").write_text('{"id": 1, "u": 18446744073709551615}\n{"id": 2, "u": 9223372036854775808}\n'
                                       '{"id": 3, "u": 5}\n')
    result = run_topology(tmp_path, """
src   :: JsonLinesSource(path: "in.jsonl")
store :: SqliteStore(path: "big.db")
src -> store
""", "-q")
    check_no_crash(result)
    with sqlite3.connect(tmp_path / "big.db") as db:
        rows = dict(db.execute("SELECT id, u FROM logs").fetchall())
    assert rows[3] == 5
    # Stored exactly (as text) or approximately (as a float): never as a
    # different, negative number. A store that refuses them must say so.
    for rid, exact in ((1, 18446744073709551615), (2, 9223372036854775808)):
        if rid in rows:
            value = rows[rid]
            assert value is not None and float(value) == float(exact), (rid, value)
        else:
            assert result.returncode != 0 or "rejected" in result.stderr
