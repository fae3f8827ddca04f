"""The caretaker's restart policies on a real cluster: "never", a crash loop
up to restart_limit, "always" against a Python exception, the default
that does not restart one, `kill` that stops rather than fails, and
`logs` that shows stderr across a restart (fixtures: cluster_runtime.py)."""

import os
import re
import signal
from collections import Counter

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from cluster_runtime import brief, elements
from conftest import host_alive, jsonl, wait_hosts_gone, wait_until

# ------------------------------------------------------------ restart policies


def test_restart_never_kill9_fails_the_topology(cluster):
    cluster.submit("never", """
src :: Sequence(count: 100000000, rate: 1000)
mid :: Map(expr: "double = seq * 2")
out :: Null
src -> mid -> out
policy mid { restart: "never" }
""")
    mid = elements(cluster.wait_flowing("never", "mid", 50))["mid"]
    assert host_alive(mid["pid"], "never/mid"), mid
    os.kill(mid["pid"], signal.SIGKILL)

    final = cluster.wait_finished("never")
    assert final["state"] == "failed", brief(final)
    assert "element 'mid'" in final["failure"] and "signal 9" in final["failure"], final["failure"]
    mid = elements(final)["mid"]
    assert mid["state"] == "failed" and mid["restarts"] == 0, mid
    assert re.search(r"signal 9\b", mid["last_exit"]), mid["last_exit"]
    events = cluster.events("never")
    assert not [e for e in events if "restart" in e], events
    assert any(e.startswith("failed: element 'mid'") for e in events), events
    assert not wait_hosts_gone(cluster.hosts)


def test_crash_loop_fails_after_restart_limit(cluster):
    cluster.submit("loop", """
src :: Sequence(count: 1000, rate: 200)
mid :: py:rt_elements.ExitsOnFirstLog
src -> mid
policy mid { restart: "on-failure", restart_limit: 2, backoff_ms: 20 }
""", with_elements=True)
    final = cluster.wait_finished("loop")
    assert final["state"] == "failed", brief(final)
    assert "element 'mid'" in final["failure"] and "restart_limit 2 reached" in final["failure"], final["failure"]
    mid = elements(final)["mid"]
    assert (mid["state"], mid["restarts"], mid["last_exit"]) == ("failed", 2, "exited with status 3"), mid

    events = cluster.events("loop")
    restarts = [e for e in events if "; restart " in e]
    assert restarts == ["exited with status 3; restart 1 on n1", "exited with status 3; restart 2 on n1"], events
    assert "restart_limit 2 reached" in events[-1], events

    # Three lives, each said why it went; between them, the caretaker's marks.
    r = cluster.logs("loop/mid")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert [line for line in lines if line.startswith("--- datablox:")] == [
        "--- datablox: loop/mid exited with status 3; restart 1 ---",
        "--- datablox: loop/mid exited with status 3; restart 2 ---"], lines
    assert len([line for line in lines if line.startswith("mid: exiting at seq")]) == 3, lines
    assert not wait_hosts_gone(cluster.hosts)


RAISES = """
src :: Sequence(count: {n}, rate: 1000)
mid :: py:rt_elements.RaisesInFirstLife(marker: "{marker}")
out :: JsonLinesSink(path: "{out}")
src -> mid -> out
{policy}
"""


def test_restart_always_restarts_an_exception_and_loses_nothing(cluster, tmp_path):
    n = 300
    out = tmp_path / "always.jsonl"
    cluster.submit("always", RAISES.format(n=n, marker=tmp_path / "always.marker", out=out,
                                           policy='policy mid { restart: "always" }'), with_elements=True)
    final = cluster.wait_finished("always")
    assert final["state"] == "done", brief(final)
    mid = elements(final)["mid"]
    assert (mid["state"], mid["restarts"]) == ("ended", 1), mid
    assert all(e["restarts"] == 0 for name, e in elements(final).items() if name != "mid"), brief(final)
    counts = Counter(log["seq"] for log in jsonl(out))
    assert sorted(counts) == list(range(n)) and set(counts.values()) == {1}, \
        f"{sum(counts.values())} logs, missing {sorted(set(range(n)) - set(counts))[:10]}"
    events = cluster.events("always")
    assert [e for e in events if "; restart " in e] == ["exited with status 1; restart 1 on n1"], events
    assert events[-1] == "done", events


def test_default_policy_does_not_restart_an_exception(cluster, tmp_path):
    # The default is "on-failure": an exception is a failure on purpose, not a crash.
    out = tmp_path / "default.jsonl"
    cluster.submit("default", RAISES.format(n=300, marker=tmp_path / "default.marker", out=out, policy=""),
                   with_elements=True)
    final = cluster.wait_finished("default")
    assert final["state"] == "failed", brief(final)
    assert "element 'mid'" in final["failure"] and "RuntimeError: first life: refusing seq 0" in final["failure"], \
        final["failure"]
    mid = elements(final)["mid"]
    assert (mid["state"], mid["restarts"]) == ("failed", 0), mid
    assert not [e for e in cluster.events("default") if "restart" in e]
    assert not out.exists()  # the sink never ended: its file was never published
    r = cluster.logs("default/mid")
    assert r.returncode == 0 and "RuntimeError: first life: refusing seq 0" in r.stdout, (r.stdout, r.stderr)


def test_kill_leaves_elements_stopped_not_failed(cluster):
    # `kill` without -w stops every element: none of them failed. (The
    # neighbours of an element that failed are stopped the same way.)
    cluster.submit("stop", """
src :: Sequence(count: 100000000, rate: 1000)
mid :: Map(expr: "double = seq * 2")
out :: Null
src -> mid -> out
""")
    cluster.wait_flowing("stop", "out", 50)
    r = cluster.cli("kill", "stop")
    assert r.returncode == 0, r.stderr
    final = cluster.wait_finished("stop")
    assert final["state"] == "stopped", brief(final)
    assert {name: (e["state"], e.get("error", "")) for name, e in elements(final).items()} == \
        {name: ("stopped", "") for name in ("src", "mid", "out")}, brief(final)


# ------------------------------------------------------------ logs


def test_logs_show_stderr_across_a_restart(cluster):
    cluster.submit("chat", """
src :: Sequence(count: 100000000, rate: 1000)
mid :: py:rt_elements.Chatty
out :: Null
src -> mid -> out
""", with_elements=True)  # the default policy: on-failure
    before = elements(cluster.wait_flowing("chat", "mid", 250))["mid"]
    r = cluster.logs("chat/mid")
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"(mid: seq (0|\d+00)\n)+", r.stdout), r.stdout
    assert host_alive(before["pid"], "chat/mid"), before
    os.kill(before["pid"], signal.SIGKILL)

    # The caretaker restarts it at once (the default policy) and keeps its
    # stderr across lives, with a mark where the kill was.
    mark = "--- datablox: chat/mid killed by signal 9 (SIGKILL); restart 1 ---"

    def said_after_the_mark():
        lines = cluster.logs("chat/mid", 200).stdout.splitlines()
        return lines if mark in lines and lines[-1].startswith("mid: seq") and lines.index(mark) < len(lines) - 1 \
            else None

    lines = wait_until(said_after_the_mark, "the restarted element to write to stderr", log=cluster.cli.log)
    assert lines.count(mark) == 1, lines
    assert [line for line in lines if line != mark and not re.fullmatch(r"mid: seq (0|\d+00)", line)] == [], lines
    after = elements(cluster.status("chat"))["mid"]
    assert after["restarts"] == 1 and after["pid"] != before["pid"], after
    assert "signal 9" in after["last_exit"], after

    one = cluster.logs("chat/mid", 1)
    assert one.returncode == 0 and len(one.stdout.splitlines()) == 1, one.stdout
    assert one.stdout.startswith("mid: seq"), one.stdout
    bare = cluster.logs("mid", 1)  # one topology has it: the bare name will do
    assert bare.returncode == 0 and len(bare.stdout.splitlines()) == 1, (bare.stdout, bare.stderr)

    for unknown in ("chat/nosuch", "nosuch", "nosuch/mid"):
        r = cluster.logs(unknown)
        assert r.returncode == 64, (unknown, r.returncode, r.stderr)
        assert f"no element '{unknown}'" in r.stderr, (unknown, r.stderr)
        assert r.stdout == "", (unknown, r.stdout)

    assert cluster.cli("kill", "chat").returncode == 0
    cluster.wait_finished("chat")
    assert not wait_hosts_gone(cluster.hosts)
