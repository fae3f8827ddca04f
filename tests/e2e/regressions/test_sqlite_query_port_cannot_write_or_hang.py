"""Issue 8, item 15: SqliteStore's "read-only" query port took BEGIN (the
next insert then failed the whole topology), ATTACH (a file created
anywhere) and a WITH RECURSIVE that never ends (no reply, ingestion
stopped, SIGTERM ignored). Each is now answered with an error, ingestion
goes on, and the topology ends by itself."""

import sqlite3

from conftest import check_no_crash, wait_until
from test_queries import QueryClient, query_endpoints

COUNT = 4000

# Slow enough that the store is still ingesting while the test asks.
TOPOLOGY = f"""
src   :: Sequence(count: {COUNT}, rate: 500)
store :: SqliteStore(path: "q.db")
src -> store
"""


def test_sqlite_query_port_cannot_write_or_hang(tmp_path, start_topology):
    run = start_topology(tmp_path, TOPOLOGY, "-q")
    client = QueryClient(query_endpoints(run, ["store"])["store"])
    try:
        def stored():
            ok, reply = client.ask({"sql": "SELECT count(*) AS n FROM logs"})
            return reply["rows"][0]["n"] if ok else 0

        wait_until(stored, "the first rows stored")

        for sql in ["BEGIN", "BEGIN IMMEDIATE", "SAVEPOINT hold"]:
            ok, error = client.ask({"sql": sql})
            assert not ok and "read-only" in error, (sql, error)
        elsewhere = tmp_path / "elsewhere.db"
        ok, error = client.ask({"sql": f"ATTACH DATABASE '{elsewhere}' AS elsewhere"})
        assert not ok and error, error
        assert not elsewhere.exists()

        ok, error = client.ask({"sql": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                       "SELECT count(*) AS n FROM c"})
        assert not ok and "interrupted" in error, error

        # Ingestion went on after all of it.
        before = stored()
        wait_until(lambda: stored() > before, "more rows stored after the hostile queries")
    finally:
        client.close()

    result = run.wait(timeout=60)
    check_no_crash(result)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "q.db") as db:
        assert db.execute("SELECT count(*), count(DISTINCT seq) FROM logs").fetchone() == (COUNT, COUNT)
    assert not elsewhere.exists()
