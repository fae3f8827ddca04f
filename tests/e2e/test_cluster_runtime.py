"""The cluster runtime on one machine: restart policies (never, a crash
loop up to restart_limit, "always" against a Python exception), `logs`
across restarts, `caretaker status` and `caretaker --config`, a master that
survives malformed control messages, the master's own usage errors, and
the load figures of `status` and `nodes`. A real master and caretaker
"n1" on loopback (the `daemons` fixture); every element host a test saw
is ended by its pid at teardown if the caretaker left it behind."""

import json
import os
import re
import signal
import subprocess
import time
from collections import Counter

import pytest

from conftest import free_port, host_alive, jsonl, wait_hosts_gone, wait_until

FINISHED = ("done", "failed", "stopped")

# Python elements of these tests, written next to each test's .topo file
# (`py:rt_elements.Class` is looked up in the topology file's folder).
ELEMENTS = '''
import os
import sys

import datablox


class ExitsOnFirstLog(datablox.Element):
    """says so on stderr, then ends its process at once on its first log"""

    ports = [datablox.push_in("in"), datablox.push_out("out", required=False)]

    def on_log(self, port, log):
        print(f"{self.name}: exiting at seq {log['seq']}", file=sys.stderr, flush=True)
        os._exit(3)


class RaisesInFirstLife(datablox.Element):
    """raises on its first log while MARKER does not exist (and creates it):
    only its first life fails; later ones forward every log"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]
    params = [datablox.param("marker", "string", datablox.REQUIRED)]

    def configure(self, params):
        self.marker = params["marker"]

    def on_log(self, port, log):
        if not os.path.exists(self.marker):
            open(self.marker, "w").close()
            raise RuntimeError(f"first life: refusing seq {log['seq']}")
        self.emit(log)


class Chatty(datablox.Element):
    """forwards every log; says every 100th seq on stderr"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]

    def on_log(self, port, log):
        if log["seq"] % 100 == 0:
            print(f"{self.name}: seq {log['seq']}", file=sys.stderr, flush=True)
        self.emit(log)
'''


def elements(status):
    return {e["name"]: e for e in status["elements"]}


class Daemons:
    """The verbs the tests use, against the `daemons` master; remembers
    every element pid `status` listed (in `hosts`) for teardown."""

    def __init__(self, datablox, cli, tmp_path, hosts):
        self.datablox = datablox
        self.cli = cli
        self.tmp_path = tmp_path
        self.hosts = hosts

    def local(self, *args, timeout=30):
        """`datablox ARGS` without --master (caretaker status)."""
        return run_short(self.datablox, *args, cwd=self.tmp_path, timeout=timeout)

    def json(self, *args):
        r = self.cli(*args, "-o", "json")
        assert r.returncode == 0, f"datablox {' '.join(map(str, args))} -o json: exit {r.returncode}\n{r.stderr}"
        return json.loads(r.stdout)

    def status(self, topology):
        s = self.json("status", topology)
        for e in s["elements"]:
            if e.get("pid"):
                self.hosts[e["pid"]] = f"{topology}/{e['name']}"
        return s

    def submit(self, name, text, with_elements=False):
        if with_elements:
            (self.tmp_path / "rt_elements.py").write_text(ELEMENTS)
        (self.tmp_path / f"{name}.topo").write_text(text)
        r = self.cli("submit", f"{name}.topo")
        assert r.returncode == 0, f"submit {name}: exit {r.returncode}\n{r.stderr}\n{self.log()}"

    def wait_status(self, topology, predicate, what, timeout=60.0):
        last = {}

        def check():
            last["s"] = self.status(topology)
            return last["s"] if predicate(last["s"]) else None

        try:
            return wait_until(check, what, timeout=timeout)
        except AssertionError as e:
            raise AssertionError(f"{e}; last status {brief(last.get('s'))}\n{self.log()}") from None

    def wait_finished(self, topology, timeout=60.0):
        return self.wait_status(topology, lambda s: s["state"] in FINISHED, f"'{topology}' to finish", timeout)

    def wait_flowing(self, topology, element, at_least):
        """Every element running with a pid, and `element` took `at_least` logs."""
        return self.wait_status(
            topology, lambda s: s["state"] == "running"
            and all(e["state"] == "running" and e.get("pid") for e in s["elements"])
            and elements(s)[element]["logs_in"] >= at_least, f"{element} of '{topology}' to take {at_least} logs")

    def events(self, topology):
        return [e["what"] for e in self.json("events", topology, "-n", "100")]

    def logs(self, target, lines=50):
        return self.cli("logs", target, "-n", lines)

    def log(self, tail=3000):
        return f"--- daemons.log:\n{self.cli.log.read_text(errors='replace')[-tail:]}"


def brief(s):
    if not s:
        return s
    return {"state": s.get("state"), "failure": s.get("failure"),
            "elements": {e["name"]: (e.get("pid"), e.get("state"), e.get("restarts"), e.get("last_exit"),
                                     e.get("logs_in")) for e in s.get("elements", [])}}


@pytest.fixture
def hosts():
    """{pid: "topology/element"} of every element host a test saw; whatever
    the caretaker's own shutdown left alive is killed by its pid."""
    seen = {}
    yield seen
    for pid, element_id in wait_hosts_gone(seen, timeout=10).items():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def cluster(hosts, datablox, daemons, tmp_path):
    # `hosts` is set up first, so it is torn down last: after the daemons.
    return Daemons(datablox, daemons, tmp_path, hosts)


def dealer(ctx, endpoint, routing_id):
    import zmq
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.ROUTING_ID, routing_id.encode())
    s.connect(endpoint)
    return s


def ask_raw(socket, request, timeout_ms=10000):
    """Sends a well-formed request on a raw socket and returns its reply:
    the frames sent before it on that socket were all read by then."""
    socket.send(json.dumps(request).encode())
    assert socket.poll(timeout_ms), f"no reply to {request} within {timeout_ms} ms"
    return json.loads(socket.recv())


def run_short(datablox, *args, cwd, timeout=20):
    return subprocess.run([str(datablox), *map(str, args)], cwd=cwd, capture_output=True, text=True, errors="replace",
                          timeout=timeout, stdin=subprocess.DEVNULL)


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


# ------------------------------------------------------------ status figures, caretaker status


def test_status_nodes_and_caretaker_status_report_the_running_elements(cluster):
    cluster.submit("fig", """
src :: Sequence(count: 100000000, rate: 2000)
mid :: Map(expr: "double = seq * 2")
out :: Null
src -> mid -> out
""")
    first = elements(cluster.wait_flowing("fig", "out", 200))
    s = cluster.wait_status("fig", lambda s: elements(s)["out"]["logs_in"] > first["out"]["logs_in"] + 200
                            and elements(s)["mid"]["in_rate"] > 0, "more logs to flow")
    figures = elements(s)
    for name, e in figures.items():
        assert e["state"] == "running" and e["node"] == "n1" and e["pid"] > 0, e
        assert e["restarts"] == 0 and e["last_exit"] == "", (name, e["restarts"], e["last_exit"])
        for key in ("cpu_percent", "busy_share", "blocked_share", "in_rate", "out_rate"):
            assert isinstance(e[key], (int, float)) and e[key] >= 0, (name, key, e[key])
        for key in ("rss_bytes", "logs_in", "logs_out", "queue"):
            assert isinstance(e[key], int) and e[key] >= 0, (name, key, e[key])
        assert e["rss_bytes"] > 0, (name, e["rss_bytes"])
        assert e["busy_share"] <= 1 and e["blocked_share"] <= 1, (name, e["busy_share"], e["blocked_share"])
    assert figures["src"]["logs_out"] > 0 and figures["src"]["out_rate"] > 0, figures["src"]
    assert figures["mid"]["logs_in"] > 0 and figures["mid"]["logs_out"] > 0, figures["mid"]
    assert figures["out"]["logs_in"] > 0 and figures["out"]["logs_out"] == 0, figures["out"]

    nodes = {n["name"]: n for n in cluster.json("nodes")}
    n1 = nodes["n1"]
    assert n1["address"] == "127.0.0.1" and n1["state"] == "alive", n1
    assert isinstance(n1["cpu_percent"], (int, float)) and n1["cpu_percent"] >= 0, n1
    assert isinstance(n1["memory_used_mb"], int) and 0 < n1["memory_used_mb"] <= n1["memory_mb"], n1
    assert isinstance(n1["last_seen_s"], (int, float)) and 0 <= n1["last_seen_s"] < 30, n1

    # The caretaker, asked directly: the same pids, states and restarts.
    r = cluster.local("caretaker", "status", "--node", "n1", "--control", cluster.cli.control, "-o", "json")
    assert r.returncode == 0, r.stderr
    local = json.loads(r.stdout)
    assert local["node"] == "n1" and local["master"]["connected"] is True, local
    listed = {e["element"]: e for e in local["elements"]}
    running = {f"fig/{name}": e["pid"] for name, e in figures.items()}
    assert {k: (e["pid"], e["state"], e["restarts"]) for k, e in listed.items() if k in running} == \
        {k: (pid, "running", 0) for k, pid in running.items()}, listed
    table = cluster.local("caretaker", "status", "--control", cluster.cli.control)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].startswith("node n1 (127.0.0.1), pid "), lines[0]
    assert lines[1].split() == ["ELEMENT", "PID", "STATE", "RESTARTS", "CPU", "MEM", "AGE", "LAST", "EXIT"], lines[1]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    for element_id, pid in running.items():
        assert rows[element_id][1:4] == [str(pid), "running", "0"], (element_id, rows.get(element_id))

    assert cluster.cli("kill", "fig").returncode == 0
    cluster.wait_finished("fig")
    assert cluster.cli.registry.is_file()  # the master keeps its registry in tmp_path, not in ~/.local/state


def test_caretaker_status_of_an_unknown_node_exits_69(datablox, tmp_path):
    node = f"nosuch{os.getpid()}"  # no caretaker of this name runs here
    r = run_short(datablox, "caretaker", "status", "--node", node, "-o", "json", cwd=tmp_path)
    assert r.returncode == 69, (r.returncode, r.stderr)
    assert r.stdout == ""
    assert "no caretaker answers at" in r.stderr and f"caretaker-{node}.ipc" in r.stderr, r.stderr
    # It asked a caretaker: the reason given must not blame a master.
    assert "master" not in r.stderr, r.stderr


# ------------------------------------------------------------ caretaker --config


def control_endpoint(tmp_path, name):
    endpoint = f"ipc://{tmp_path}/{name}.ipc"
    return endpoint if len(endpoint) <= 100 else f"tcp://127.0.0.1:{free_port()}"


def test_caretaker_config_file_joins_and_flags_win(cluster, tmp_path):
    config = tmp_path / "node.toml"
    from_file = control_endpoint(tmp_path, "fromfile")
    config.write_text(f'# a node\nmaster = "{cluster.cli.endpoint}"\nnode = "fromfile"\n'
                      f'bind = "127.0.0.2"\ncontrol = "{from_file}"\n')
    from_flags = control_endpoint(tmp_path, "fromflag")
    argvs = [["caretaker", "--config", config],
             ["caretaker", "--config", config, "--node", "fromflag", "--bind", "127.0.0.3", "--control", from_flags]]
    started = []
    try:
        with open(tmp_path / "config-caretakers.log", "w") as log:
            for argv in argvs:
                started.append(subprocess.Popen([str(cluster.datablox), *map(str, argv)], cwd=tmp_path, stdout=log,
                                                stderr=log, stdin=subprocess.DEVNULL, start_new_session=True))

        def joined():
            listed = {n["name"]: n for n in cluster.json("nodes")}
            return listed if all(listed.get(n, {}).get("state") == "alive" for n in ("fromfile", "fromflag")) else None

        listed = wait_until(joined, "both caretakers to join", log=tmp_path / "config-caretakers.log")
        assert listed["fromfile"]["address"] == "127.0.0.2", listed["fromfile"]
        assert listed["fromflag"]["address"] == "127.0.0.3", listed["fromflag"]  # --bind won over the file
        assert all(p.poll() is None for p in started)
        for control, node in ((from_file, "fromfile"), (from_flags, "fromflag")):
            r = cluster.local("caretaker", "status", "--control", control, "-o", "json")
            assert r.returncode == 0, (node, r.stderr)
            local = json.loads(r.stdout)
            assert (local["node"], local["master"]["endpoint"]) == (node, cluster.cli.endpoint), local
            assert local["pid"] in [p.pid for p in started], local
    finally:
        for p in started:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in started:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    assert [p.returncode for p in started] == [0, 0]


@pytest.mark.parametrize("text, code, complaint", [
    ('master = "tcp://127.0.0.1:9"\nnodee = "x"\n', 65, "unknown key 'nodee'"),
    ('master = "tcp://127.0.0.1:9\nnode = "x"\n', 65, ""),
    ('master = "tcp://127.0.0.1:9"\nnode = 5\n', 65, "'node' must be a string"),
    ('node = "x"\n', 64, "say which master"),
], ids=["unknown-key", "syntax-error", "wrong-type", "no-master"])
def test_caretaker_config_errors(datablox, tmp_path, text, code, complaint):
    config = tmp_path / "bad.toml"
    config.write_text(text)
    r = run_short(datablox, "caretaker", "--config", config, cwd=tmp_path)
    assert r.returncode == code, (r.returncode, r.stderr)
    assert complaint in r.stderr, r.stderr
    if code == 65:
        assert str(config) in r.stderr, r.stderr


def test_caretaker_without_master_is_a_usage_error(datablox, tmp_path):
    r = run_short(datablox, "caretaker", "--node", "x", cwd=tmp_path)
    assert r.returncode == 64, (r.returncode, r.stderr)
    assert "--master" in r.stderr, r.stderr


def test_caretaker_config_file_missing_is_named_as_such(datablox, tmp_path):
    config = tmp_path / "missing.toml"
    r = run_short(datablox, "caretaker", "--config", config, cwd=tmp_path)
    assert r.returncode == 66, (r.returncode, r.stderr)
    assert str(config) in r.stderr, r.stderr
    assert "topology" not in r.stderr, r.stderr  # it is the caretaker's configuration


# ------------------------------------------------------------ malformed control messages


def test_master_survives_malformed_control_messages(cluster):
    import zmq
    ctx = zmq.Context()
    try:
        client = dealer(ctx, cluster.cli.endpoint, f"client:malformed-{os.getpid()}")
        for frame in (b"\xff\xfe garbage", b"", b"[1, 2, 3]", b'"a string"', b"{", b"null",
                      json.dumps({"op": "status", "topology": 5}).encode(),
                      json.dumps({"op": "kill", "topology": "x", "wait_s": "soon"}).encode(),
                      json.dumps({"op": 7}).encode(),
                      json.dumps({"op": "events", "topology": "x", "limit": "all"}).encode(),
                      json.dumps({"op": "submit", "name": "m", "text": 5}).encode(),
                      json.dumps({"op": "submit", "name": "m", "text": "", "search_path": 3}).encode()):
            client.send(frame)
        client.send_multipart([b"not json", b"a second frame"])
        # One socket keeps its order: the answer to this says the rest was read.
        assert ask_raw(client, {"op": "list"}) == {"ok": True, "topologies": []}
        assert ask_raw(client, {"op": "frobnicate"}) == {"ok": False, "error": "unknown request 'frobnicate'"}

        evil = dealer(ctx, cluster.cli.endpoint, "node:evil")
        for message in ({"op": "heartbeat", "elements": "nope"},
                        {"op": "heartbeat", "cores": "many", "elements": [5, {"element": 7}]},
                        {"op": "exited", "element": ["x"]},
                        {"op": "logs_reply", "request": "x"},
                        {"op": "heartbeat", "elements": []}):
            evil.send(json.dumps(message).encode())
        # Only the last, well-formed heartbeat is acked: a malformed one is
        # dropped before its node counts as alive.
        acks = []
        deadline = time.monotonic() + 20
        while not acks and time.monotonic() < deadline:
            if evil.poll(500):
                acks.append(json.loads(evil.recv()))
        while evil.poll(1000):  # anything more would be an ack of a malformed heartbeat
            acks.append(json.loads(evil.recv()))
        assert acks == [{"op": "heartbeat_ack"}], acks
    finally:
        ctx.destroy(linger=0)

    r = cluster.cli("list")
    assert r.returncode == 0 and r.stdout.split() == ["NAME", "STATE", "ELEMENTS", "FILE"], (r.stdout, r.stderr)
    nodes = {n["name"]: n for n in cluster.json("nodes")}
    assert nodes["n1"]["state"] == "alive", nodes
    table = cluster.cli("nodes")
    assert table.returncode == 0 and "n1" in table.stdout, table.stderr
    log = cluster.cli.log.read_text(errors="replace")
    assert "malformed control message from 'client:malformed-" in log
    assert "malformed control message from 'node:evil'" in log
    # ...and it still runs a topology to its end.
    # (Pinned: "evil" joined by its first heartbeat, and must not be given elements.)
    cluster.submit("after", "src :: Sequence(count: 100) @ n1\nout :: Null @ n1\nsrc -> out\n")
    assert cluster.wait_finished("after")["state"] == "done"


def test_caretaker_survives_a_malformed_logs_request_relayed_by_the_master(cluster):
    import zmq
    cluster.submit("relay", """
src :: Sequence(count: 100000000, rate: 1000)
mid :: Map(expr: "double = seq * 2")
out :: Null
src -> mid -> out
""")
    before = {name: e["pid"] for name, e in elements(cluster.wait_flowing("relay", "out", 50)).items()}
    ctx = zmq.Context()
    try:
        client = dealer(ctx, cluster.cli.endpoint, f"client:relay-{os.getpid()}")
        client.send(json.dumps({"op": "logs", "element": "relay/mid", "lines": "many"}).encode())
        client.poll(500)  # an error reply, or none: either will do
    finally:
        ctx.destroy(linger=0)
    # The master relays on one connection to the caretaker, in order: this
    # answer comes after the caretaker read the malformed request.
    r = cluster.logs("relay/mid", 1)
    assert r.returncode == 0, (r.returncode, r.stderr, cluster.log())
    r = cluster.local("caretaker", "status", "--control", cluster.cli.control, "-o", "json")
    assert r.returncode == 0, (r.stderr, cluster.log())
    s = cluster.status("relay")
    assert s["state"] == "running" and {name: e["pid"] for name, e in elements(s).items()} == before, brief(s)
    assert cluster.cli("kill", "relay").returncode == 0
    cluster.wait_finished("relay")


def test_caretaker_survives_malformed_requests_on_its_status_endpoint(cluster):
    import zmq
    ctx = zmq.Context()
    try:
        client = dealer(ctx, cluster.cli.control, f"client:malformed-{os.getpid()}")
        for frame in (b"\xff garbage", b"[1]", json.dumps({"op": "logs", "element": 5}).encode(),
                      json.dumps({"op": "status", "x": [1]}).encode()):
            client.send(frame)
        replies = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (replies and replies[-1].get("node") == "n1"):
            if client.poll(500):
                replies.append(json.loads(client.recv()))
        assert replies and replies[-1]["node"] == "n1", (replies, cluster.log())
    finally:
        ctx.destroy(linger=0)
    r = cluster.local("caretaker", "status", "--control", cluster.cli.control, "-o", "json")
    assert r.returncode == 0, (r.stderr, cluster.log())


# ------------------------------------------------------------ the master's own errors


def test_master_with_an_unusable_registry_names_it(datablox, tmp_path):
    r = run_short(datablox, "master", "--listen", f"tcp://127.0.0.1:{free_port()}",
                  "--registry", "/proc/nonexistent/x.db", cwd=tmp_path)
    assert r.returncode != 0, r.stderr
    assert "/proc/nonexistent" in r.stderr, r.stderr


def test_master_node_timeout_zero_is_a_usage_error(datablox, tmp_path):
    r = run_short(datablox, "master", "--listen", f"tcp://127.0.0.1:{free_port()}",
                  "--registry", tmp_path / "m.db", "--node-timeout", "0", cwd=tmp_path)
    assert r.returncode == 64, (r.returncode, r.stderr)
    assert "--node-timeout" in r.stderr, r.stderr
    assert not (tmp_path / "m.db").exists()
