"""A master killed and started again on the same registry file grows a
shard from the layout its last change left (members, key-group owners,
table version, the next member id), with the members it re-adopts still
running, and every key's count stays exact. A real master and caretaker on loopback, the
master killed by its pid (SIGKILL), everything ended by the pids the
fixture holds."""

import json

from conftest import jsonl, wait_until
from test_shard_scale import counted, expected_groups, overloaded, shard, status, topology, wait_done


def events(cli, name):
    """The events of topology `name`, oldest first; none while the master does not answer."""
    r = cli("events", name, "-o", "json")
    return json.loads(r.stdout) if r.returncode == 0 else []


def readopted(cli, name):
    """The elements of topology `name` the master re-adopted."""
    return {e["element"] for e in events(cli, name) if e["what"].startswith("re-adopted on ")}


def since_the_restart(cli, name):
    """What the master started again said of topology `name`: its events
    from its first re-adoption on (only a master started again re-adopts)."""
    said = [e["what"] for e in events(cli, name)]
    first = next((i for i, what in enumerate(said) if what.startswith("re-adopted on ")), len(said))
    return said[first:]


def test_a_restarted_master_scales_a_shard_from_its_last_layout(daemons, tmp_path):
    # Grown to 3 and shrunk to 2 before the restart, grown to 3 after it.
    count = 40000  # ~20 s at 2,000 logs/s: still flowing when the master is back
    (tmp_path / "t.topo").write_text(topology(count, 2000))
    assert daemons("submit", "t.topo").returncode == 0
    wait_until(lambda: status(daemons, "t")["state"] == "running", "t to run", log=daemons.log)
    for members in (3, 2):  # users/2 comes and goes: its id is never given again
        r = daemons("scale", "t/users", members)
        assert r.returncode == 0, r.stderr + r.stdout
    before = shard(daemons, "t")
    assert before["members"] == [0, 1] and before["version"] > 1, before
    pids = {e["name"]: e["pid"] for e in status(daemons, "t")["elements"] if e["state"] == "running"}
    assert "users/2" not in pids  # it left, and ended

    daemons.restart_master()

    # Re-adopted from the caretaker's heartbeat, not started again: the
    # same processes, the same table.
    wait_until(lambda: readopted(daemons, "t") == set(pids), "every element of t to be re-adopted", log=daemons.log)
    again = {e["name"]: e for e in status(daemons, "t")["elements"] if e["name"] in pids}
    assert {name: (e["pid"], e["state"]) for name, e in again.items()} == \
        {name: (pid, "running") for name, pid in pids.items()}
    adopted = shard(daemons, "t")
    assert (adopted["members"], adopted["version"], adopted["key_groups"]) == \
        (before["members"], before["version"], before["key_groups"]), adopted

    grown = daemons("scale", "t/users", "3")
    assert grown.returncode == 0, grown.stderr + grown.stdout
    assert grown.stdout.splitlines()[0] == "t/users: 2 -> 3 members"
    after = shard(daemons, "t")
    assert after["members"] == [0, 1, 3] and after["version"] > before["version"], after
    assert not after["last_change_failed"], after
    assert status(daemons, "t")["state"] == "running"  # the change happened mid-stream

    reply = counted(daemons, "t", tmp_path)
    assert reply["count"] == count
    assert reply["groups"] == expected_groups(count)


def test_a_restarted_master_grows_an_overloaded_shard_by_itself(daemons, tmp_path):
    # The master started again sees the one member overloaded and grows the shard itself.
    count = 60000
    (tmp_path / "t.topo").write_text(overloaded(count))
    assert daemons("submit", "t.topo").returncode == 0
    wait_until(lambda: status(daemons, "t")["state"] == "running", "t to run", log=daemons.log)
    daemons.restart_master()  # well before the 3 s of overload the autoscaler waits for

    wait_until(lambda: any(what.startswith("growing to ") and "(the load)" in what
                           for what in since_the_restart(daemons, "t")),
               "the master started again to grow work", timeout=60, log=daemons.log)
    final = wait_done(daemons, "t")
    assert final["state"] == "done", final.get("failure")
    assert len(shard(daemons, "t", "work")["members"]) > 1
    seqs = [row["seq"] for row in jsonl(tmp_path / "out.jsonl")]
    assert sorted(seqs) == list(range(count))  # every log once, through the restart and the change
