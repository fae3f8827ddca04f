"""What the cluster runtime's end-to-end tests share (test_restart_policies,
test_status_figures, test_daemon_config, test_control_malformed): a real
master and caretaker "n1" on loopback (conftest's `daemons`), the verbs
the tests use against them (`cluster`), and every element host a test saw
(`hosts`), ended by its pid at teardown if the caretaker left it behind."""

import json
import os
import signal
import subprocess

import pytest

from conftest import wait_hosts_gone, wait_until

FINISHED = ("done", "failed", "stopped")
ELEMENT_FINAL = ("ended", "failed", "stopped")

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
        """The topology ended and so did every element of it. (A topology is
        "stopped" or "failed" as soon as the master decides it; its elements
        say so only when their caretaker has ended them, a moment later.)"""
        return self.wait_status(
            topology, lambda s: s["state"] in FINISHED
            and all(e["state"] in ELEMENT_FINAL for e in s["elements"]), f"'{topology}' to finish", timeout)

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
