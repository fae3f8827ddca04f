"""Kills one element's host several times while a run streams, by the pids
the run's status snapshots list (never by name)."""

import os
import signal

from conftest import host_alive


def element(snapshot, name):
    return next((e for e in snapshot["elements"] if e["name"] == name), None)


def wait_running(run, name, killed, logs_per_life):
    """The snapshot where element `name` runs in a life that is not one of
    the pids `killed`, with `logs_per_life` logs in. Fails (never hangs)
    when the run ends first."""
    def in_a_new_life(snap):
        e = element(snap, name)
        return (e is not None and e["state"] == "running" and e.get("pid") and e["pid"] not in killed
                and e.get("stats", {}).get("logs_in", 0) >= logs_per_life
                and host_alive(e["pid"], f'{snap["name"]}/{name}'))  # not a snapshot of a life we ended

    return run.wait_for(in_a_new_life, timeout=60, what=f"'{name}' running with {logs_per_life} logs in")


def kill_mid_stream(run, name, times, logs_per_life=3000):
    """SIGKILLs element `name` `times` times, each time once its current life
    has taken `logs_per_life` logs in; returns the pids killed. The kills
    must land mid-stream: fails when the run ends first."""
    killed = []
    for _ in range(times):
        snap = wait_running(run, name, killed, logs_per_life)
        pid = element(snap, name)["pid"]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
    return killed
