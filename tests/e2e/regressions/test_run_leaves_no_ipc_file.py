"""Issue 8, item 21: every `datablox run` left its caretaker's status socket,
/tmp/datablox-UID/run-PID.ipc, behind. `run` removes it on every way out:
a topology that ends, one that fails, and Ctrl-C."""

import os
import signal
from pathlib import Path


def ipc_file(run):
    return Path(f"/tmp/datablox-{os.getuid()}/run-{run.pid}.ipc")


def test_run_that_ends_removes_its_ipc_file(start_topology, tmp_path):
    run = start_topology(tmp_path, "src :: Sequence(count: 10)\nout :: Null\nsrc -> out\n")
    assert run.wait(timeout=60).returncode == 0
    assert not ipc_file(run).exists()


def test_run_that_fails_removes_its_ipc_file(start_topology, tmp_path):
    run = start_topology(tmp_path, 'src :: Sequence(count: 10)\nout :: JsonLinesSink(path: "no/such/dir/x.jsonl")\n'
                                   "src -> out\npolicy out { restart: \"never\" }\n")
    assert run.wait(timeout=60).returncode == 1
    assert not ipc_file(run).exists()


def test_interrupted_run_removes_its_ipc_file(start_topology, tmp_path):
    run = start_topology(tmp_path, "src :: Sequence(count: 100000000, rate: 1000)\nout :: Null\nsrc -> out\n")
    run.wait_for(lambda s: s["elements"] and all(e["state"] == "running" for e in s["elements"]),
                 what="the topology to run")
    assert ipc_file(run).exists()  # the caretaker's, while it runs
    run.signal(signal.SIGINT)
    assert run.wait(timeout=60).returncode == 130
    assert not ipc_file(run).exists()
