"""A master killed and started again on the same registry file grows a
shard from the layout its last change left (members, key-group owners,
table version), with the members it re-adopts still running, and every
key's count stays exact. A real master and caretaker on loopback, the
master killed by its pid (SIGKILL), everything ended by the pids the
fixture holds."""

import json

from conftest import wait_until
from test_shard_scale import counted, expected_groups, shard, status, topology


def readopted(cli, name):
    """The elements of topology `name` the master re-adopted (its events),
    an empty set while it does not answer."""
    r = cli("events", name, "-o", "json")
    if r.returncode != 0:
        return set()
    return {e["element"] for e in json.loads(r.stdout) if e["what"].startswith("re-adopted on ")}


def test_a_restarted_master_scales_a_shard_from_its_last_layout(daemons, tmp_path):
    count = 40000  # ~20 s at 2,000 logs/s: still flowing when the master is back
    (tmp_path / "t.topo").write_text(topology(count, 2000))
    assert daemons("submit", "t.topo").returncode == 0
    wait_until(lambda: status(daemons, "t")["state"] == "running", "t to run", log=daemons.log)
    grown = daemons("scale", "t/users", "2")
    assert grown.returncode == 0, grown.stderr + grown.stdout
    before = shard(daemons, "t")
    assert before["members"] == [0, 1] and before["version"] > 1, before
    pids = {e["name"]: e["pid"] for e in status(daemons, "t")["elements"]}

    daemons.restart_master()

    # Re-adopted from the caretaker's heartbeat, not started again: the
    # same processes, the same table.
    wait_until(lambda: readopted(daemons, "t") == set(pids), "every element of t to be re-adopted", log=daemons.log)
    again = status(daemons, "t")
    assert {e["name"]: e["pid"] for e in again["elements"]} == pids
    assert all(e["state"] == "running" for e in again["elements"]), again
    adopted = shard(daemons, "t")
    assert (adopted["members"], adopted["version"], adopted["key_groups"]) == \
        (before["members"], before["version"], before["key_groups"]), adopted

    grown = daemons("scale", "t/users", "3")
    assert grown.returncode == 0, grown.stderr + grown.stdout
    assert grown.stdout.splitlines()[0] == "t/users: 2 -> 3 members"
    after = shard(daemons, "t")
    assert after["members"] == [0, 1, 2] and after["version"] > before["version"], after
    assert status(daemons, "t")["state"] == "running"  # the change happened mid-stream

    reply = counted(daemons, "t", tmp_path)
    assert reply["count"] == count
    assert reply["groups"] == expected_groups(count)
