"""Issue 8, item 11: Ctrl-C in a terminal sends SIGINT to the whole
foreground process group of `datablox run`: the run, its master and its
caretaker. The master and the caretaker used to take it as their own
shutdown, so `run` then asked a master that was gone and waited out one
timeout after another: about 12 s, and a summary saying "running". Now
Ctrl-C is `run`'s alone: every process of the group and every element host
is gone soon, `run` exits 130 and its summary says "interrupted"."""

import os
import signal

from conftest import group_gone, wait_group_gone, wait_hosts_gone

LONG = """
src  :: Sequence(count: 100000000, rate: 2000)
keep :: Filter(expr: "seq >= 0")
sink :: Null
src -> keep -> sink
"""


def test_sigint_to_the_process_group_stops_everything(start_topology, tmp_path):
    run = start_topology(tmp_path, LONG)
    run.wait_for(lambda s: s["elements"] and all(e["state"] == "running" and e.get("pid") for e in s["elements"]),
                 what="every element running")
    hosts = run.pids()
    assert len(hosts) == 3, hosts

    os.killpg(run.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    result = run.wait(timeout=30)  # generous: this is not a timing test

    assert result.returncode == 130, result.stderr[-2000:]
    assert "interrupted in" in result.stderr, result.stderr[-2000:]
    assert "running in" not in result.stderr
    assert wait_group_gone(run.pid), "a process of the run's group outlived it"
    assert not wait_hosts_gone(hosts), "an element host outlived the run"
    assert group_gone(run.pid)
