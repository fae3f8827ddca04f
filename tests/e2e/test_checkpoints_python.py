"""Checkpoints of Python elements: a class's snapshot() bytes reach the
master's registry beside the built-in Sequence's, as one consistent cut
(the tally counted exactly the logs the source had emitted), and
on_checkpoint_complete(id) gets a complete checkpoint's id. A snapshot()
that raises abandons the checkpoints, naming the class and the method,
while the element keeps running; an on_checkpoint_complete that raises
fails the element, as any hook's exception does. A real master and caretaker on loopback,
ended by the pids the fixture holds (conftest.py's daemons)."""

import json
import os
import shutil
import signal
import sqlite3
from pathlib import Path

import msgpack

from conftest import wait_until
from shard_daemons import status

HERE = Path(__file__).resolve().parent

TOPOLOGY = """
src   :: Sequence(count: {count}, rate: {rate})
tally :: py:tally.{cls}
src -> tally
policy * {{ checkpoint: 200 }}
"""


def submit(daemons, tmp_path, name, cls, wait_running=True, count=100000000, rate=2000):
    shutil.copy(HERE / "checkpoint_classes" / "tally.py", tmp_path)
    (tmp_path / f"{name}.topo").write_text(TOPOLOGY.format(cls=cls, count=count, rate=rate))
    r = daemons("submit", f"{name}.topo")
    assert r.returncode == 0, r.stderr
    if wait_running:
        wait_until(lambda: status(daemons, name)["state"] == "running", f"{name} to run", log=daemons.log)


def checkpoints(daemons, name):
    r = daemons("checkpoints", name, "-o", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["checkpoints"]


def complete(daemons, name):
    return [c for c in checkpoints(daemons, name) if c["state"] == "complete"]


def element(daemons, name, element_name):
    return next(e for e in status(daemons, name)["elements"] if e["name"] == element_name)


def snapshots(registry, name, checkpoint):
    """{element: state} of one checkpoint, read as the master stored it."""
    with sqlite3.connect(f"file:{registry}?mode=ro", uri=True, timeout=10) as db:
        rows = db.execute("SELECT element, state FROM snapshots WHERE topology = ? AND checkpoint = ?",
                          (name, checkpoint)).fetchall()
    return {element: bytes(state) for element, state in rows}


def test_a_python_snapshot_is_stored_as_a_consistent_cut_and_completion_is_told(daemons, tmp_path):
    submit(daemons, tmp_path, "ck", "Tally")
    try:
        done = wait_until(lambda: (lambda c: c if len(c) >= 3 else None)(complete(daemons, "ck")),
                          "3 complete checkpoints", log=daemons.log)
        assert all(c["taken"] == c["elements"] == 2 for c in done), done
        # The registry keeps the newest complete ones: check every one still there.
        cuts = {c["id"]: snapshots(daemons.registry, "ck", c["id"]) for c in done}
        cuts = {i: s for i, s in cuts.items() if s}
        assert cuts, f"no snapshots stored for {[c['id'] for c in done]}"
        for checkpoint, states in cuts.items():
            assert set(states) == {"src", "tally"}, (checkpoint, set(states))
            emitted = msgpack.unpackb(states["src"])["emitted"]
            assert int(states["tally"].decode()) == emitted, (checkpoint, states)
        assert max(msgpack.unpackb(s["src"])["emitted"] for s in cuts.values()) > 0

        def told():
            ids = {c["id"] for c in complete(daemons, "ck")}
            told = int(element(daemons, "ck", "tally")["stats"]["handlers"]["completed"])
            return told if told in ids else None

        wait_until(told, "on_checkpoint_complete to get a complete checkpoint's id", log=daemons.log)
    finally:
        daemons("kill", "ck")


def test_a_snapshot_that_raises_abandons_the_checkpoint_and_the_element_runs_on(daemons, tmp_path):
    submit(daemons, tmp_path, "broken", "BrokenTally")
    try:
        def abandoned():
            found = [c for c in checkpoints(daemons, "broken") if c["state"] == "abandoned"]
            return found if len(found) >= 2 else None

        found = wait_until(abandoned, "2 abandoned checkpoints", log=daemons.log)
        for c in found:
            assert "BrokenTally.snapshot raised ValueError: no state today" in c["why"], c
        assert not complete(daemons, "broken")
        # Its stats come about once a second: the first may predate its first log.
        tally = wait_until(lambda: (lambda e: e if int(e.get("stats", {}).get("handlers", {}).get("count", 0)) > 0
                                    else None)(element(daemons, "broken", "tally")),
                           "the tally to count logs", log=daemons.log)
        assert tally["state"] == "running" and tally["restarts"] == 0, tally
    finally:
        daemons("kill", "broken")


def test_an_on_checkpoint_complete_that_raises_fails_the_element_naming_it(daemons, tmp_path):
    # Not waited for running: the first checkpoint may fail it before a poll sees it run.
    submit(daemons, tmp_path, "untold", "UntoldTally", wait_running=False)
    try:
        failed = wait_until(lambda: (lambda s: s if s["state"] == "failed" else None)(status(daemons, "untold")),
                            "untold to fail", log=daemons.log)
        assert "UntoldTally.on_checkpoint_complete raised RuntimeError: cannot publish" in failed.get("failure", ""), \
            failed
    finally:
        daemons("kill", "untold")


def test_a_killed_python_tally_restores_its_count_in_the_rollback(daemons, tmp_path):
    submit(daemons, tmp_path, "pyrb", "Tally", count=40000, rate=10000)
    wait_until(lambda: complete(daemons, "pyrb") and int(element(daemons, "pyrb", "tally")["logs_in"]) >= 10000,
               "a complete checkpoint and 10000 logs tallied", log=daemons.log)
    os.kill(element(daemons, "pyrb", "tally")["pid"], signal.SIGKILL)
    final = wait_until(lambda: (lambda s: s if s["state"] in ("done", "failed") else None)(status(daemons, "pyrb")),
                       "the topology to end", timeout=60, log=daemons.log)
    assert final["state"] == "done", final
    tally = next(e for e in final["elements"] if e["name"] == "tally")
    assert tally["stats"]["handlers"]["count"] == "40000", tally["stats"]["handlers"]  # restored, then the rest
