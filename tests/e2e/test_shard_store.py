"""A hash-routed SqliteStore shard grown and shrunk mid-stream by
`datablox scale` (issue 10, item 7): every input row is in exactly one
member's SQLite file, each key's rows all in one member, the member that
owns its key group (a keyed query, which goes to the owner alone, counts
them all), and the union-merged answer holds every row once. A real master
and caretaker on loopback, real SQLite files read here with sqlite3
(shard_store.py)."""

import pytest

from conftest import wait_until
from shard_daemons import members, scale, status, submit, wait_done
from shard_store import check_rows, rows_stored, store_topology

COUNT = 12000


@pytest.mark.parametrize("final", [1, 2])
def test_a_sqlite_store_shard_keeps_every_row_once_through_grow_and_shrink(daemons, tmp_path, final):
    submit(daemons, tmp_path, store_topology(COUNT, 1500))
    wait_until(lambda: rows_stored(status(daemons, "t")) > 1000, "rows in store/0", log=daemons.log)
    grown = scale(daemons, "t", "store", 3)
    assert grown.stdout.splitlines()[0] == "t/store: 1 -> 3 members"
    assert members(daemons, "t", "store") == [0, 1, 2]
    assert status(daemons, "t")["state"] == "running", "the grow must be mid-stream"
    shrunk = scale(daemons, "t", "store", final)
    assert shrunk.stdout.splitlines()[0] == f"t/store: 3 -> {final} members"
    left = members(daemons, "t", "store")
    assert len(left) == final
    wait_done(daemons, "t")
    assert members(daemons, "t", "store") == left
    check_rows(tmp_path, COUNT, left)
