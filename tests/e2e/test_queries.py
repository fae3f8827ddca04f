"""Query ports: Counter and SqliteStore answer requests, through the Ask
element and straight from a ZeroMQ DEALER speaking the wire format
(runtime/core/wire.h: request [1][5][u64 id LE][msgpack map], reply
[1][6][id][msgpack map], error [1][7][id][utf-8 text])."""

import signal
import sqlite3
import struct

import msgpack
import zmq

from conftest import check_no_crash, jsonl, wait_until


class QueryClient:
    """A DEALER on an element's query port."""

    def __init__(self, endpoint):
        self.context = zmq.Context()
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(endpoint)
        self.next_id = 1

    def ask(self, request, timeout_ms=10000):
        """(True, reply map) or (False, error text)."""
        rid = self.next_id
        self.next_id += 1
        self.socket.send(b"\x02\x05" + struct.pack("<Q", rid) + msgpack.packb(request))
        assert self.socket.poll(timeout_ms), f"no reply to {request} within {timeout_ms} ms"
        frame = self.socket.recv()
        assert frame[0] == 2 and frame[1] in (6, 7), frame[:2]
        assert struct.unpack("<Q", frame[2:10])[0] == rid
        if frame[1] == 6:
            return True, msgpack.unpackb(frame[10:], raw=False)
        return False, frame[10:].decode()

    def close(self):
        self.socket.close()
        self.context.term()


def query_endpoints(run, names):
    snap = run.wait_for(lambda s: all(any(e["name"] == n and e["state"] == "running" and e["endpoints"].get("query")
                                          for e in s["elements"]) for n in names),
                        timeout=30, what=f"{names} running with their query ports bound")
    return {e["name"]: e["endpoints"]["query"] for e in snap["elements"] if e["name"] in names}


# ---------------------------------------------------------------- through Ask


def test_counters_queried_at_the_end_through_ask(tmp_path, run_topology):
    text = """
src    :: Sequence(count: 3001)
par    :: Map(expr: "parity = if(seq % 2 == 0, 'even', 'odd')")
cnt    :: Counter(key: "parity")
all    :: Counter
askg   :: Ask
askone :: Ask(request: '{"group": "odd"}')
askall :: Ask(request: "{}", timeout_ms: 10000)
r1     :: JsonLinesSink(path: "groups.jsonl")
r2     :: JsonLinesSink(path: "odd.jsonl")
r3     :: JsonLinesSink(path: "total.jsonl")
src -> par -> cnt
cnt -> askg -> r1
cnt -> askone -> r2
cnt -> all -> askall -> r3
askg.ask => cnt.query
askone.ask => cnt.query
askall.ask => all.query
"""
    result = run_topology(tmp_path, text, "-q")
    check_no_crash(result)
    assert result.returncode == 0, result.stderr
    assert jsonl(tmp_path / "groups.jsonl") == [{"count": 3001, "groups": {"even": 1501, "odd": 1500}}]
    assert jsonl(tmp_path / "odd.jsonl") == [{"group": "odd", "count": 1500}]
    assert jsonl(tmp_path / "total.jsonl") == [{"count": 3001}]


def fill_store(tmp_path, run_topology, count):
    result = run_topology(tmp_path, f"""
src   :: Sequence(count: {count})
store :: SqliteStore(path: "q.db")
src -> store
""", "-q", name="fill.topo")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "q.db") as db:
        assert [r[0] for r in db.execute("SELECT seq FROM logs ORDER BY seq")] == list(range(count))


ASK_STORE = """
none  :: Sequence(count: 0)
store :: SqliteStore(path: "q.db")
tick  :: Sequence(count: 1)
ask   :: Ask(request: '{REQUEST}')
out   :: JsonLinesSink(path: "reply.jsonl")
none -> store
tick -> ask -> out
ask.ask => store.query
"""


def test_ask_reads_a_sqlite_store(tmp_path, run_topology):
    fill_store(tmp_path, run_topology, 2500)
    text = ASK_STORE.replace("{REQUEST}", '{"sql": "SELECT count(*) AS n, sum(seq) AS total FROM logs"}')
    result = run_topology(tmp_path, text, "-q", name="read.topo")
    check_no_crash(result)
    assert result.returncode == 0, result.stderr
    assert jsonl(tmp_path / "reply.jsonl") == [{"rows": [{"n": 2500, "total": sum(range(2500))}], "count": 1}]

    (tmp_path / "reply.jsonl").unlink()
    text = ASK_STORE.replace("{REQUEST}", '{"sql": "SELECT seq FROM logs WHERE seq < ? ORDER BY seq", "params": [3]}')
    result = run_topology(tmp_path, text, "-q", name="read.topo")
    check_no_crash(result)
    assert result.returncode == 0, result.stderr
    assert jsonl(tmp_path / "reply.jsonl") == [{"rows": [{"seq": 0}, {"seq": 1}, {"seq": 2}], "count": 3}]


def test_ask_with_a_write_statement_is_refused(tmp_path, run_topology):
    fill_store(tmp_path, run_topology, 100)
    text = ASK_STORE.replace("{REQUEST}", '{"sql": "DELETE FROM logs"}')
    result = run_topology(tmp_path, text, name="delete.topo")
    check_no_crash(result)
    assert result.returncode == 1, result.stderr
    assert "error: element 'ask' (Ask) failed: " in result.stderr
    assert "only read-only statements are answered" in result.stderr
    assert not (tmp_path / "reply.jsonl").exists()
    with sqlite3.connect(tmp_path / "q.db") as db:
        assert db.execute("SELECT count(*) FROM logs").fetchone()[0] == 100


def test_a_query_that_times_out_fails_the_asker(tmp_path, run_topology):
    # The store is busy with an endless query: the Ask times out (300 ms)
    # and fails the run before the store interrupts the query (2 s).
    text = ASK_STORE.replace("{REQUEST}", '{"sql": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) '
                                          'SELECT count(*) AS n FROM c"}')
    text = text.replace("ask   :: Ask(request: '", "ask   :: Ask(timeout_ms: 300, request: '")
    assert "timeout_ms: 300" in text
    result = run_topology(tmp_path, text, "-q", timeout=60)
    check_no_crash(result)
    assert result.returncode == 1, result.stderr
    assert "error: element 'ask' (Ask) failed: " in result.stderr
    assert "in time" in result.stderr
    assert not (tmp_path / "reply.jsonl").exists()


# ---------------------------------------------------------------- straight from a socket

# A bounded source (`a`) and an endless trickle (`b`, seq >= 1000000) that
# keeps the responder alive while the test asks; the run is interrupted at
# the end.


def test_counter_query_port_over_a_socket(tmp_path, start_topology):
    text = """
a     :: Sequence(count: 1000)
b     :: Sequence(count: 100000000, start: 1000000, rate: 2)
tag   :: Map(expr: "parity = if(seq >= 1000000, 'late', if(seq % 2 == 0, 'even', 'odd'))")
cnt   :: Counter(key: "parity")
total :: Counter
a -> tag
b -> tag
tag -> cnt -> total
"""
    run = start_topology(tmp_path, text, "-q")
    endpoints = query_endpoints(run, ["cnt", "total"])
    cnt, total = QueryClient(endpoints["cnt"]), QueryClient(endpoints["total"])
    try:
        # Wait until every log of `a` has been counted...
        def a_counted():
            ok, reply = cnt.ask({})
            assert ok, reply
            g = reply["groups"]
            return g if g.get("even", 0) + g.get("odd", 0) >= 1000 else None

        wait_until(a_counted, "the 1000 logs of a counted")
        # ...then every answer is exact, and stays so.
        for _ in range(3):
            ok, t = total.ask({})
            assert ok, t
            ok, reply = cnt.ask({})
            assert ok, reply
            groups = reply["groups"]
            assert groups["even"] == 500 and groups["odd"] == 500, groups
            assert set(groups) <= {"even", "odd", "late"}
            assert reply["count"] == 1000 + groups.get("late", 0)
            assert "groups" not in t and set(t) == {"count"}
            assert 1000 <= t["count"] <= reply["count"]
            assert cnt.ask({"group": "odd"}) == (True, {"group": "odd", "count": 500})
            assert cnt.ask({"group": "none such"}) == (True, {"group": "none such", "count": 0})
    finally:
        cnt.close()
        total.close()
    run.signal(signal.SIGINT)
    assert run.wait(timeout=30).returncode == 130


def test_sqlite_query_port_over_a_socket(tmp_path, start_topology):
    text = """
a     :: Sequence(count: 500)
b     :: Sequence(count: 100000000, start: 1000000, rate: 2)
store :: SqliteStore(path: "q.db", table: "events")
a -> store
b -> store
"""
    run = start_topology(tmp_path, text, "-q")
    client = QueryClient(query_endpoints(run, ["store"])["store"])
    try:
        def a_stored():
            ok, reply = client.ask({"sql": "SELECT count(*) AS n FROM events WHERE seq < 1000000"})
            return ok and reply["rows"][0]["n"] == 500

        wait_until(a_stored, "the 500 logs of a stored")
        ok, reply = client.ask({"sql": "SELECT seq FROM events WHERE seq < 1000000 ORDER BY seq"})
        assert ok, reply
        assert reply == {"rows": [{"seq": s} for s in range(500)], "count": 500}

        ok, reply = client.ask({"sql": "SELECT seq, seq * 2 AS twice, 'x' || seq AS label, seq / 2.0 AS half, "
                                       "NULL AS nada FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq",
                                "params": [10, 12]})
        assert ok, reply
        assert reply == {"rows": [{"seq": s, "twice": 2 * s, "label": f"x{s}", "half": s / 2, "nada": None}
                                  for s in (10, 11, 12)], "count": 3}

        # Statements that write are refused, whatever their form.
        for sql in ["DELETE FROM events", "INSERT INTO events (seq) VALUES (-1)", "DROP TABLE events",
                    "UPDATE events SET seq = -1", "CREATE TABLE other (x)"]:
            ok, error = client.ask({"sql": sql})
            assert not ok and "read-only" in error, (sql, error)
        # A second statement after a read is never run.
        client.ask({"sql": "SELECT 1; DELETE FROM events"})
        # Bad requests get an error reply, not silence.
        for bad in [{}, {"sql": ""}, {"sql": 42}, {"sql": "SELEKT nothing"}, {"sql": "SELECT * FROM nowhere"}]:
            ok, error = client.ask(bad)
            assert not ok and error, (bad, error)

        ok, reply = client.ask({"sql": "SELECT count(*) AS n FROM events WHERE seq < 1000000"})
        assert ok and reply["rows"] == [{"n": 500}], reply
    finally:
        client.close()
    run.signal(signal.SIGINT)
    assert run.wait(timeout=30).returncode == 130
    with sqlite3.connect(tmp_path / "q.db") as db:
        assert [r[0] for r in db.execute("SELECT seq FROM events WHERE seq < 1000000 ORDER BY seq")] == list(range(500))
        assert db.execute("SELECT count(*) FROM events WHERE seq < 0").fetchone()[0] == 0
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        assert tables == ["datablox_positions", "events"]
