"""Helpers of the shard tests that run on the `daemons` fixture (a master
and one caretaker, conftest.py): status and shard lookups, waiting for a
topology's end, the events' text, and the expected count of each key."""

import json

import pytest

from conftest import wait_until

# The test hook of runtime/host/shard_control.cc: each member waits this long
# before it answers an export or an import, so that a move's window is real.
HOLD_MS = 1500


@pytest.fixture
def held_daemons(monkeypatch, request):
    """The daemons fixture (conftest.py), its members holding each export
    and import HOLD_MS (DATABLOX_TEST_STATE_HOLD_MS)."""
    monkeypatch.setenv("DATABLOX_TEST_STATE_HOLD_MS", str(HOLD_MS))
    return request.getfixturevalue("daemons")


def status(cli, name):
    """`status NAME -o json`."""
    r = cli("status", name, "-o", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def shard(cli, name, shard_name):
    """The status of shard `shard_name` of topology `name`."""
    return {s["name"]: s for s in status(cli, name).get("shards", [])}[shard_name]


def members(cli, name, shard_name):
    return shard(cli, name, shard_name)["members"]


def member_elements(cli, name, shard_name):
    """{"users/0": element status, ...}: the members status lists."""
    return {e["name"]: e for e in status(cli, name)["elements"] if e.get("shard") == shard_name}


def submit(cli, tmp_path, text, name="t"):
    """Writes NAME.topo, submits it and waits until it runs."""
    (tmp_path / f"{name}.topo").write_text(text)
    r = cli("submit", f"{name}.topo")
    assert r.returncode == 0, r.stderr
    wait_until(lambda: status(cli, name)["state"] == "running", f"{name} to run", log=cli.log)


def wait_done(cli, name, timeout=90):
    """Waits for the topology to end; fails unless it is done."""
    final = wait_until(lambda: (lambda s: s if s["state"] in ("done", "failed") else None)(status(cli, name)),
                       f"{name} to end", timeout=timeout, log=cli.log)
    assert final["state"] == "done", final.get("failure")
    return final


def scale(cli, name, shard_name, n):
    """`datablox scale NAME/SHARD N`, which must succeed."""
    r = cli("scale", f"{name}/{shard_name}", str(n))
    assert r.returncode == 0, r.stderr + r.stdout
    assert members(cli, name, shard_name) == sorted(members(cli, name, shard_name))
    return r


def events_text(cli, name):
    r = cli("events", name, "-n", "500", "-o", "json")
    assert r.returncode == 0, r.stderr
    return r.stdout


def key_counts(keys):
    """{key: how many times it occurs} of an iterable of keys."""
    counts = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return counts
