"""tools/gen_events.py, the dataset generator of the sample store and its
bench: flat event rows, deterministic from a seed, one user's rows spread over
files and out of order, gzip optional, a summary on stderr."""

import gzip
import json
import subprocess
import sys
from collections import defaultdict

import pytest

from conftest import REPO

GEN = REPO / "tools" / "gen_events.py"
PYTHON = "/usr/bin/python3"
FIELDS = ["user", "session", "session_start", "ts", "type", "value", "country", "os"]


def gen(out, *args):
    result = subprocess.run([PYTHON, str(GEN), str(out), *map(str, args)], capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stderr)


def read_rows(summary):
    rows = []
    for path in summary["files"]:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt") as f:
            rows.append([json.loads(line) for line in f])
    return rows


def test_rows_are_users_sessions_events_within_their_ranges(tmp_path):
    summary = gen(tmp_path / "d", "--users", 300, "--files", 3, "--seed", 7)
    per_file = read_rows(summary)
    rows = [r for f in per_file for r in f]
    assert len(rows) == summary["rows"]
    assert all(list(r) == FIELDS for r in rows)
    assert summary["bytes"] == summary["file_bytes"] == sum(p.stat().st_size for p in (tmp_path / "d").iterdir())
    users = defaultdict(lambda: defaultdict(list))
    for r in rows:
        users[r["user"]][r["session"]].append(r)
    assert len(users) == summary["users"] == 300
    assert sum(len(s) for s in users.values()) == summary["sessions"]
    for sessions in users.values():
        assert 1 <= len(sessions) <= 20
        user_rows = [r for events in sessions.values() for r in events]
        assert len({(r["country"], r["os"]) for r in user_rows}) == 1  # a user's attributes are its own
        for events in sessions.values():
            assert 1 <= len(events) <= 50
            assert len({r["session_start"] for r in events}) == 1
            assert all(r["ts"] >= r["session_start"] for r in events)
            assert all(isinstance(r["value"], float) and isinstance(r["ts"], int) for r in events)
    # The ranges are used, not a corner of them.
    assert max(len(s) for s in users.values()) >= 18
    assert min(len(s) for s in users.values()) <= 3


def test_a_users_rows_are_spread_over_files_and_out_of_order(tmp_path):
    summary = gen(tmp_path / "d", "--users", 200, "--files", 4)
    per_file = read_rows(summary)
    files_of = defaultdict(set)
    for k, rows in enumerate(per_file):
        for r in rows:
            files_of[r["user"]].add(k)
        assert len(rows) > summary["rows"] // 8  # every file has a fair share
    assert sum(len(f) == 4 for f in files_of.values()) > 150
    first = per_file[0]
    in_order = sorted(first, key=lambda r: (r["user"], r["ts"]))
    assert first != in_order
    # Within one user's rows in one file, time goes back somewhere.
    by_user = defaultdict(list)
    for r in first:
        by_user[r["user"]].append(r["ts"])
    assert any(ts != sorted(ts) for ts in by_user.values())


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    a = gen(tmp_path / "a", "--users", 50, "--files", 2, "--seed", 3)
    b = gen(tmp_path / "b", "--users", 50, "--files", 2, "--seed", 3)
    c = gen(tmp_path / "c", "--users", 50, "--files", 2, "--seed", 4)
    read = lambda s: [open(p, "rb").read() for p in s["files"]]
    assert read(a) == read(b)
    assert read(a) != read(c)
    assert (a["rows"], a["bytes"]) == (b["rows"], b["bytes"])


def test_gzip_holds_the_same_rows(tmp_path):
    plain = gen(tmp_path / "p", "--users", 40, "--files", 2)
    zipped = gen(tmp_path / "z", "--users", 40, "--files", 2, "--gzip")
    assert all(p.endswith(".jsonl.gz") for p in zipped["files"])
    assert read_rows(zipped) == read_rows(plain)
    assert zipped["bytes"] == plain["bytes"]
    assert zipped["file_bytes"] < plain["bytes"] / 2


def test_target_mb_stops_after_the_user_that_reaches_it(tmp_path):
    summary = gen(tmp_path / "d", "--target-mb", 2)
    assert 2_000_000 <= summary["bytes"] < 2_000_000 + 20 * 50 * 200  # at most one user more
    assert summary["bytes"] == summary["file_bytes"]
    assert len(summary["files"]) == 1


@pytest.mark.parametrize("args", [["--users", 5, "--target-mb", 1], [], ["--users", 5, "--files", 0],
                                  ["--users", -1]])
def test_bad_arguments_exit_2(tmp_path, args):
    result = subprocess.run([PYTHON, str(GEN), str(tmp_path / "d"), *map(str, args)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "error:" in result.stderr
    assert not (tmp_path / "d").exists()


def test_it_is_importable_by_the_bench(tmp_path):
    sys.path.insert(0, str(GEN.parent))
    try:
        import gen_events
    finally:
        sys.path.pop(0)
    summary = gen_events.generate(str(tmp_path / "d"), users=10, files=2, seed=5)
    assert summary["users"] == 10
    assert summary == {**gen(tmp_path / "e", "--users", 10, "--files", 2, "--seed", 5),
                       "files": summary["files"], "seconds": summary["seconds"]}
