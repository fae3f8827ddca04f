"""A migration interrupted by a member's crash (issue 10, item 7): a
SqliteStore shard (its rows survive a restart) grown 1 -> 2 mid-stream, and
SIGKILL, by the pid status lists, to the old owner while it is asked to
export (it restarts, is asked again, and the grow completes) or to the new
member while it is asked to import (the grow is aborted, the state goes
back to the old owner). Either way no row is lost and each key's rows live
in exactly one member. The window is real: the test hook
DATABLOX_TEST_STATE_HOLD_MS makes each member wait before it answers an
export or an import (runtime/host/shard_control.cc)."""

import os
import signal
import subprocess

import pytest

from conftest import wait_until
from shard_daemons import events_text, held_daemons, member_elements, members, status, submit, wait_done  # noqa: F401
from shard_store import check_rows, rows_stored, store_topology

COUNT = 12000


def start_scale(cli, datablox, n):
    """`datablox scale t/store N` in the background: its Popen."""
    return subprocess.Popen([str(datablox), "scale", "t/store", str(n), "--master", cli.endpoint],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


def kill_member_when(cli, element, event_text):
    """SIGKILL to `element`'s host once `event_text` is among the events;
    returns the pid killed."""
    pid = member_elements(cli, "t", "store")[element]["pid"]
    wait_until(lambda: event_text in events_text(cli, "t"), f"'{event_text}'", timeout=20, log=cli.log)
    os.kill(pid, signal.SIGKILL)
    return pid


def wait_restarted(cli, element, old_pid):
    wait_until(lambda: (lambda e: e.get("pid") not in (None, 0, old_pid) and e.get("state") == "running")(
        member_elements(cli, "t", "store").get(element, {})), f"{element} to restart", timeout=20, log=cli.log)


@pytest.mark.parametrize("victim", ["old owner", "new member"])
def test_a_member_crash_mid_migration_loses_no_row(held_daemons, datablox, tmp_path, victim):
    held = held_daemons
    submit(held, tmp_path, store_topology(COUNT, 1000, members="1..2"))
    wait_until(lambda: rows_stored(status(held, "t")) > 500, "rows in store/0", log=held.log)
    scaling = start_scale(held, datablox, 2)
    try:
        if victim == "old owner":
            wait_until(lambda: "store/1" in member_elements(held, "t", "store"), "store/1 to start", log=held.log)
            killed = kill_member_when(held, "store/0", "exporting ")
        else:
            wait_until(lambda: "store/1" in member_elements(held, "t", "store"), "store/1 to start", log=held.log)
            killed = kill_member_when(held, "store/1", "importing ")
        out, err = scaling.communicate(timeout=60)
    finally:
        if scaling.poll() is None:
            scaling.kill()
            scaling.wait()
    text = events_text(held, "t")
    if victim == "old owner":
        assert scaling.returncode == 0, err + out
        assert "t/store: 2 members, in" in out
        assert members(held, "t", "store") == [0, 1]
        wait_restarted(held, "store/0", killed)
    else:
        assert scaling.returncode != 0, out
        assert "error: t/store: " in err and "the new member store/1 crashed" in err, err
        assert "returning " in text and " to store/0" in text
        assert members(held, "t", "store") == [0]
    assert status(held, "t")["state"] == "running", "the change must end mid-stream"
    wait_done(held, "t")
    check_rows(tmp_path, COUNT, members(held, "t", "store"), ids=range(2))
