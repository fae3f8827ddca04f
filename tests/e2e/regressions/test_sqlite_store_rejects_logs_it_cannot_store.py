"""Issue 8, item 16: a log whose field name holds a NUL, or a log with 2,100
keys (SQLite allows 2,000 columns), failed the SqliteStore and with it the
topology. Such a log is rejected and counted; the rest is stored. So are
two field names that differ only in case (one column to SQLite)."""

import json
import sqlite3

from conftest import check_no_crash, final_elements

GOOD_BEFORE = [{"seq": i, "word": f"w{i}"} for i in range(50)]
GOOD_AFTER = [{"seq": i, "word": f"w{i}"} for i in range(50, 100)]
BAD = [
    {"seq": -1, "na\u0000me": "a NUL in a field name"},
    {"seq": -2, **{f"k{i}": i for i in range(2100)}},
    {"seq": -3, "word": "x", "WORD": "y"},
]


def test_sqlite_store_rejects_logs_it_cannot_store(tmp_path, run_topology):
    lines = [json.dumps(log) for log in GOOD_BEFORE + BAD + GOOD_AFTER]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n")
    result = run_topology(tmp_path, """
src   :: JsonLinesSource(path: "in.jsonl")
store :: SqliteStore(path: "s.db")
src -> store
""", "-q", "-o", "json")
    check_no_crash(result)
    assert result.returncode == 0, result.stderr

    store = final_elements(result.snapshots[-1])["store"]
    assert store["state"] == "ended", store
    assert store["stats"]["rejected"] == len(BAD), store["stats"]
    assert store["stats"]["handlers"]["count"] == str(len(GOOD_BEFORE) + len(GOOD_AFTER))
    with sqlite3.connect(tmp_path / "s.db") as db:
        rows = db.execute("SELECT seq, word FROM logs ORDER BY seq").fetchall()
        columns = [r[1] for r in db.execute("PRAGMA table_info(logs)")]
    assert rows == [(log["seq"], log["word"]) for log in GOOD_BEFORE + GOOD_AFTER]
    assert columns == ["seq", "word"]
