"""Shared helpers of the end-to-end tests: real `datablox` processes, real
sockets, real files, each test in its own tmp_path.

Every process a test starts is ended by the ids the test holds: `datablox run`
is started in a session of its own (so its pid is its process group, which
holds the master and the caretaker), and the element hosts, which the
caretaker puts in process groups of their own, are known by the pids the
status snapshots list.
"""

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOPOLOGIES = Path(__file__).resolve().parent / "topologies"


def _binary():
    return Path(os.environ.get("DATABLOX") or REPO / "build/bin/datablox")


class ElementCrashed(AssertionError):
    """An element host died of a signal ("killed by signal N"): a distinct
    failure, so that an xfail can name it (raises=ElementCrashed)."""


class RunHung(AssertionError):
    """`datablox run` did not end within the test's (generous) limit: it was
    stopped, and the test fails with this, so that an xfail can name it."""


def check_no_crash(result):
    """Raises ElementCrashed when the run's stderr reports a crashed element."""
    if "killed by signal" in result.stderr:
        raise ElementCrashed(f"an element crashed (exit {result.returncode}):\n{result.stderr[-3000:]}")


# ---------------------------------------------------------------- snapshots


def read_snapshots(path):
    """The status snapshots of a --stats-file, complete lines only (the file
    is appended while we read it, so its last line may be partial)."""
    try:
        data = Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in data.split("\n")[:-1] if line.strip()]


def element_pids(snapshots):
    """{pid: "topology/element"} of every element host any snapshot listed."""
    pids = {}
    for snap in snapshots:
        for e in snap.get("elements", []):
            if e.get("pid"):
                pids[e["pid"]] = f'{snap.get("name", "")}/{e["name"]}'
    return pids


def host_alive(pid, element_id):
    """True while `pid` is still the element host of `element_id`. A zombie
    (exited, not yet reaped) is not alive; a pid reused by an unrelated
    process is not ours."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (FileNotFoundError, ProcessLookupError):
        return False
    state = stat[stat.rfind(")") + 2:].split()[0]
    if state in ("Z", "X"):
        return False
    return b"host" in cmdline and element_id.encode() in cmdline


def wait_hosts_gone(pids, timeout=10.0):
    """Waits (bounded) until none of `pids` ({pid: element id}) is alive;
    returns the ones still alive."""
    deadline = time.monotonic() + timeout
    alive = dict(pids)
    while alive and time.monotonic() < deadline:
        alive = {p: e for p, e in alive.items() if host_alive(p, e)}
        if alive:
            time.sleep(0.05)
    return alive


def group_gone(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def wait_group_gone(pgid, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not group_gone(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return group_gone(pgid)


def final_elements(status):
    """{element name: element} of one status snapshot."""
    return {e["name"]: e for e in status["elements"]}


# ---------------------------------------------------------------- running


class Run:
    """One `datablox run` in the background, in a session of its own, with
    its stdout, stderr and stats in files of tmp_path (no pipe can fill)."""

    _serial = 0

    def __init__(self, tmp_path, topology_file, args):
        Run._serial += 1
        n = Run._serial
        self.tmp_path = Path(tmp_path)
        self.stats_path = self.tmp_path / f".run{n}.stats.jsonl"
        self.stdout_path = self.tmp_path / f".run{n}.stdout"
        self.stderr_path = self.tmp_path / f".run{n}.stderr"
        self.argv = [str(_binary()), "run", str(topology_file), "--stats-file", str(self.stats_path), *args]
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.argv, cwd=self.tmp_path, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.proc.pid

    def snapshots(self):
        return read_snapshots(self.stats_path)

    def pids(self):
        return element_pids(self.snapshots())

    def stdout(self):
        return self.stdout_path.read_bytes().decode(errors="replace")

    def stderr(self):
        return self.stderr_path.read_bytes().decode(errors="replace")

    def wait_for(self, predicate, timeout=30.0, what="a condition"):
        """Polls the snapshots until predicate(last snapshot) holds; returns
        that snapshot. Fails (never hangs) after `timeout`, or when the run
        ended first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            snaps = self.snapshots()
            if snaps and predicate(snaps[-1]):
                return snaps[-1]
            if self.proc.poll() is not None:
                snaps = self.snapshots()
                if snaps and predicate(snaps[-1]):
                    return snaps[-1]
                raise AssertionError(f"run ended (exit {self.proc.returncode}) before {what}:\n{self.stderr()[-3000:]}")
            time.sleep(0.05)
        raise AssertionError(f"no {what} within {timeout} s:\n{self.stderr()[-3000:]}")

    def wait(self, timeout=60.0):
        """Waits for the run to end; a run that does not is stopped and the
        test fails. Returns a CompletedProcess."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            last = self.snapshots()[-1:] or [{}]
            self.kill()
            counts = {e["name"]: (e.get("state"), e.get("stats", {}).get("logs_in")) for e in last[0].get("elements", [])}
            raise RunHung(f"`datablox run` did not end within {timeout} s; last status {counts}:\n"
                          f"{self.stderr()[-3000:]}")
        return subprocess.CompletedProcess(self.argv, self.proc.returncode, self.stdout(), self.stderr())

    def signal(self, sig):
        os.kill(self.pid, sig)  # the run process, by its pid

    def kill(self):
        """Ends everything this run started, by the ids we hold: a polite
        SIGTERM to `run`, then SIGKILL to its group and to each element host."""
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        if not group_gone(self.pid):
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for pid, element_id in self.pids().items():
            if host_alive(pid, element_id):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


@pytest.fixture(scope="session")
def datablox():
    """Path to the datablox binary (env DATABLOX, else build/bin/datablox)."""
    path = _binary()
    assert path.is_file() and os.access(path, os.X_OK), f"no datablox binary at {path} (build it, or set DATABLOX)"
    return path


@pytest.fixture
def cli(datablox):
    """Runs a short `datablox` command (check, describe, classes...)."""

    def run(*args, cwd=None, timeout=30):
        return subprocess.run([str(datablox), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                              errors="replace", timeout=timeout, stdin=subprocess.DEVNULL)

    return run


@pytest.fixture
def start_topology(datablox):
    """start_topology(tmp_path, text, *args, name="topology.topo") -> Run:
    writes the topology and starts `datablox run` on it in the background.
    Whatever is still running when the test ends is killed."""
    runs = []

    def start(tmp_path, text, *args, name="topology.topo"):
        path = Path(tmp_path) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        run = Run(tmp_path, path.relative_to(tmp_path), [str(a) for a in args])
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill()


@pytest.fixture
def run_topology(start_topology):
    """run_topology(tmp_path, text, *args, timeout=60, name="topology.topo")
    -> CompletedProcess: runs the topology to its end with cwd=tmp_path. It
    also checks that no element host outlives the run (the pids come from a
    stats file the helper asks for); the snapshots are on `.snapshots`."""

    def run(tmp_path, text, *args, timeout=60, name="topology.topo"):
        r = start_topology(tmp_path, text, *args, name=name)
        result = r.wait(timeout=timeout)
        result.snapshots = r.snapshots()
        left = wait_hosts_gone(element_pids(result.snapshots))
        assert not left, f"element hosts outlived `datablox run`: {left}"
        assert wait_group_gone(r.pid), "a process of the run's group outlived it"
        return result

    return run


def jsonl(path):
    """The logs of a JSON Lines file."""
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


# ---------------------------------------------------------------- daemons


def stop_processes(processes, grace=10.0):
    """Ends processes we started (each in a session of its own), by the pids
    held: SIGTERM to all, then SIGKILL to the group of any still there after
    `grace` seconds."""
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in processes:
        try:
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, what, timeout=30.0, log=None):
    """Returns predicate()'s first true value; fails (bounded) otherwise,
    with the tail of `log` when given."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f":\n{Path(log).read_text()[-3000:]}" if log else ""))


@pytest.fixture
def daemons(datablox, tmp_path):
    """A master and one caretaker ("n1") on loopback, started in tmp_path and
    ended by the pids held here. Yields cli(*args): a verb run against them.
    The master's registry and the caretaker's status endpoint are in
    tmp_path too (cli.registry, cli.control), so that neither touches the
    user's ~/.local/state nor another caretaker "n1" of this machine."""
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    http = f"127.0.0.1:{free_port()}"  # the web view and /metrics
    registry = tmp_path / "master.db"
    control = f"ipc://{tmp_path}/n1.ipc"
    if len(control) > 100:  # a Unix socket's path has a length limit
        control = f"tcp://127.0.0.1:{free_port()}"
    log_path = tmp_path / "daemons.log"
    log = open(log_path, "w")

    def start_master():
        return subprocess.Popen([str(datablox), "master", "--listen", endpoint, "--registry", str(registry),
                                 "--http", http, "--http-writes"],
                                cwd=tmp_path, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                start_new_session=True)

    started = [start_master()]
    started.append(subprocess.Popen([str(datablox), "caretaker", "--master", endpoint, "--node", "n1",
                                     "--control", control],
                                    cwd=tmp_path, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                    start_new_session=True))

    def cli(*args):
        return subprocess.run([str(datablox), *map(str, args), "--master", endpoint], cwd=tmp_path,
                              capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)

    cli.endpoint = endpoint
    cli.http = http
    cli.log = log_path
    cli.registry = registry
    cli.control = control

    def restart_master():
        """SIGKILL the master by its pid, then start it again on the same
        address and registry file."""
        started[0].kill()
        started[0].wait()
        started[0] = start_master()

    cli.restart_master = restart_master
    cli.master_pid = lambda: started[0].pid
    try:
        wait_until(lambda: "n1" in cli("nodes").stdout, "the caretaker to join", log=log_path)
        yield cli
    finally:
        for p in reversed(started):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(started):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        log.close()
