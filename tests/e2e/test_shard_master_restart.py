"""A master killed and started again on the same registry file grows a
shard from the layout its last change left (members, key-group owners,
table version, the next member id), with the members it re-adopts still
running, and every key's count stays exact. A change the master was in the
middle of when it was killed, at any of its steps, is resumed from its
record in the registry (or, while its new member was starting, undone), and
every key's count stays exact. A real master and caretaker on loopback, the
master killed by its pid (SIGKILL), everything ended by the pids the
fixture and the tests hold."""

import json
import subprocess

import pytest

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


# The test hook of runtime/master/shard_scaling.cc: the master stops for good
# right after it carried out this step of a shard's change ("grow:export").
PAUSE = "DATABLOX_TEST_MASTER_PAUSE"


def paused_daemons(step, monkeypatch, request):
    """The daemons fixture whose first master pauses after `step`; the one
    started again does not (the variable is gone by then)."""
    monkeypatch.setenv(PAUSE, step)
    cli = request.getfixturevalue("daemons")
    monkeypatch.delenv(PAUSE)
    return cli


def settled_shard(cli, name):
    """The shard once no change is under way; None while one is, or while
    the master does not answer."""
    r = cli("status", name, "-o", "json")
    if r.returncode != 0:
        return None
    users = {s["name"]: s for s in json.loads(r.stdout).get("shards", [])}.get("users")
    return users if users and users["changing"] is None and not users["target"] else None


def cut_short(datablox, cli, tmp_path, step, members):
    """`scale t/users MEMBERS` until the master pauses after `step`, then the
    master SIGKILLed and started again. The scale runs in the background: a
    master that pauses while it answers it never does."""
    scale = subprocess.Popen([str(datablox), "scale", "t/users", str(members), "--no-wait", "--master", cli.endpoint],
                             cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: f"paused after the step '{step.split(':')[1]}'" in cli.log.read_text(),
                   f"the master to pause after {step}", log=cli.log)
        cli.restart_master()
    finally:
        if scale.poll() is None:
            scale.kill()
        scale.wait()
    return wait_until(lambda: settled_shard(cli, "t"), "the change to be resumed", timeout=60, log=cli.log)


# step -> the members the change ends with: finished, or undone while its
# new member was starting (nobody had been told of it).
GROW_STEPS = {"grow:can_add": [0, 1], "grow:spawn": [0], "grow:hold": [0, 1], "grow:export": [0, 1],
              "grow:import": [0, 1], "grow:release": [0, 1]}


@pytest.mark.parametrize("step", GROW_STEPS)
def test_a_grow_cut_short_by_the_masters_death_is_resumed_with_exact_counts(step, datablox, monkeypatch, request,
                                                                              tmp_path):
    daemons = paused_daemons(step, monkeypatch, request)
    count = 20000  # ~10 s at 2,000 logs/s: still flowing when the change is resumed
    (tmp_path / "t.topo").write_text(topology(count, 2000))
    assert daemons("submit", "t.topo").returncode == 0
    wait_until(lambda: status(daemons, "t")["state"] == "running", "t to run", log=daemons.log)

    final = cut_short(datablox, daemons, tmp_path, step, 2)

    assert final["members"] == GROW_STEPS[step], final
    assert final["last_change_failed"] == (step == "grow:spawn"), final
    said = since_the_restart(daemons, "t")
    assert any(what.startswith("resuming the change the master's restart cut short") for what in said), said
    if step == "grow:spawn":
        # Undone, and the shard is not stuck: it grows again, with a new id.
        assert "users/1" not in {e["name"] for e in status(daemons, "t")["elements"]}
        r = daemons("scale", "t/users", "2")
        assert r.returncode == 0, r.stderr + r.stdout
        assert shard(daemons, "t")["members"] == [0, 2]
    reply = counted(daemons, "t", tmp_path)
    assert reply["count"] == count
    assert reply["groups"] == expected_groups(count)  # no key's state lost with the master, none imported twice


@pytest.mark.parametrize("step", ["shrink:hold", "shrink:export", "shrink:import", "shrink:release"])
def test_a_shrink_cut_short_by_the_masters_death_is_resumed_with_exact_counts(step, datablox, monkeypatch, request,
                                                                                tmp_path):
    daemons = paused_daemons(step, monkeypatch, request)
    count = 20000
    (tmp_path / "t.topo").write_text(topology(count, 2000))
    assert daemons("submit", "t.topo").returncode == 0
    wait_until(lambda: status(daemons, "t")["state"] == "running", "t to run", log=daemons.log)
    r = daemons("scale", "t/users", "2")  # a grow: the hook waits for the shrink
    assert r.returncode == 0, r.stderr + r.stdout

    final = cut_short(datablox, daemons, tmp_path, step, 1)

    assert final["members"] == [0] and not final["last_change_failed"], final
    reply = counted(daemons, "t", tmp_path)
    assert reply["count"] == count
    assert reply["groups"] == expected_groups(count)
