"""An element that fails, and a run that is interrupted: the right exit
status, the failing element named, and no process left behind."""

import json
import signal

import pytest

from conftest import element_pids, group_gone, host_alive, wait_group_gone, wait_hosts_gone


def assert_no_process_left(result):
    pids = element_pids(result.snapshots)
    assert pids, "the stats file listed no element host"
    for pid, element_id in pids.items():
        assert not host_alive(pid, element_id), f"{element_id} (pid {pid}) is still running"


@pytest.mark.parametrize("broken, class_name, complaint", [
    ('store :: SqliteStore(path: "no/such/dir/x.db")', "SqliteStore", "no/such/dir/x.db"),
    ('store :: JsonLinesSink(path: "no/such/dir/x.jsonl")', "JsonLinesSink", "no/such/dir/x.jsonl"),
])
def test_failing_sink_fails_the_run_and_names_the_element(tmp_path, run_topology, broken, class_name, complaint):
    text = f"""
src :: Sequence(count: 1000)
{broken}
src -> store
"""
    result = run_topology(tmp_path, text, "-o", "json")
    assert result.returncode == 1, result.stderr
    assert f"error: element 'store' ({class_name}) failed: " in result.stderr
    failure_lines = [line for line in result.stderr.splitlines() if "element 'store'" in line]
    assert any(complaint in line for line in failure_lines), result.stderr
    status = json.loads(result.stdout)
    assert status["state"] == "failed"
    assert "element 'store'" in status["failure"]
    assert not (tmp_path / "no").exists()
    assert_no_process_left(result)


def test_missing_source_file_fails_the_run(tmp_path, run_topology):
    text = """
src :: JsonLinesSource(path: "missing.jsonl")
out :: JsonLinesSink(path: "out.jsonl")
src -> out
"""
    result = run_topology(tmp_path, text)
    assert result.returncode == 1, result.stderr
    assert "error: element 'src' (JsonLinesSource) failed: " in result.stderr
    assert "missing.jsonl" in result.stderr
    # The sink never completed: its file was never published.
    assert not (tmp_path / "out.jsonl").exists()
    assert_no_process_left(result)


def test_failure_mid_stream_stops_the_others(tmp_path, run_topology):
    # The store fails on its first batch (a column name SQLite refuses is
    # hard to produce, so: a table name that cannot be created because a
    # view of that name exists). Upstream is endless: only the failure can
    # end the run.
    import sqlite3
    db = sqlite3.connect(tmp_path / "x.db")
    db.execute("CREATE VIEW logs AS SELECT 1 AS seq")
    db.commit()
    db.close()
    text = """
src   :: Sequence(count: 100000000, rate: 5000)
store :: SqliteStore(path: "x.db")
src -> store
"""
    result = run_topology(tmp_path, text)
    assert result.returncode == 1, result.stderr
    assert "error: element 'store' (SqliteStore) failed: " in result.stderr
    assert_no_process_left(result)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_to_run_stops_everything(tmp_path, start_topology, sig):
    text = """
src  :: Sequence(count: 100000000)
thr  :: Throttle(rate: 1000)
sink :: Null
file :: JsonLinesSink(path: "never.jsonl")
src -> thr
thr -> sink
thr -> file
"""
    run = start_topology(tmp_path, text, "-q")
    names = {"src", "thr", "sink", "file"}
    run.wait_for(lambda s: s["state"] == "running"
                 and {e["name"] for e in s["elements"] if e["state"] == "running" and e["pid"] > 0} == names
                 and all(e["stats"].get("logs_in", 0) > 0 for e in s["elements"] if e["name"] in ("sink", "file")),
                 timeout=30, what="every element running and logs flowing")
    pids = run.pids()
    assert len(pids) == 4
    run.signal(sig)
    result = run.wait(timeout=30)
    assert result.returncode == 130, result.stderr
    assert "interrupted" in result.stderr
    left = wait_hosts_gone(pids, timeout=10)
    assert not left, f"element hosts left behind: {left}"
    assert wait_group_gone(run.pid, timeout=10), "a process of the run's group is left behind"
    assert group_gone(run.pid)
    # Stopping is not ending: the sink never published a partial file as done.
    assert not (tmp_path / "never.jsonl").exists()


def test_stop_during_start_up_is_orderly(tmp_path, run_topology):
    # The store cannot take its database's lock (the test holds it), so its
    # configure fails after SQLite's 5 s busy timeout; by then every other
    # host is bound and waiting for its wiring, and is stopped there.
    import sqlite3
    db = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    try:
        db.execute("CREATE TABLE held (x)")
        db.execute("BEGIN EXCLUSIVE")
        result = run_topology(tmp_path, """
a     :: Sequence(count: 100)
b     :: Map(expr: "x = 1")
c     :: Counter
d     :: Null
store :: SqliteStore(path: "locked.db")
a -> b -> c -> d
a -> store
""", "-q")
    finally:
        db.close()
    assert result.returncode == 1, result.stderr
    assert "error: element 'store' (SqliteStore) failed: " in result.stderr
    assert "locked" in result.stderr
    assert_no_process_left(result)
    # Only the failing element is an error; the others were stopped.
    assert "internal error" not in result.stderr, result.stderr
    assert "Interrupted system call" not in result.stderr, result.stderr


def test_json_status_after_a_timeout_is_final(tmp_path, run_topology):
    result = run_topology(tmp_path, """
src :: Sequence(count: 100000000, rate: 1000)
out :: Null
src -> out
""", "-q", "-o", "json", "--timeout", "1")
    assert result.returncode == 1
    assert "did not end within 1 s" in result.stderr
    status = json.loads(result.stdout)
    assert status["state"] in ("stopped", "failed"), status["state"]
    assert all(e["state"] != "running" for e in status["elements"]), [e["state"] for e in status["elements"]]
