"""A master and caretakers on loopback, started and ended by the pids held:
what the cluster and shards benchmarks run their topologies on."""
import json
import os
import signal
import socket
import subprocess
import time

from lib.common import NICE, log

CLUSTER_NODES = ("n1", "n2", "n3", "n4")
NODE_TIMEOUT_S = 2
POLL_S = 0.02  # status polling period
FINISHED = ("done", "failed", "stopped")

class ClusterError(RuntimeError):
    pass


def free_port(address="127.0.0.1"):
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def host_alive(pid, element_id):
    """True while `pid` is still the element host of `element_id` ("topology/
    name"): not a zombie, not a pid reused by another process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().split(b"\0")
    except (FileNotFoundError, ProcessLookupError):
        return False
    if stat[stat.rfind(")") + 2:].split()[0] in ("Z", "X"):
        return False
    return b"host" in cmdline and element_id.encode() in cmdline


def kill_host(pid, element_id):
    """SIGKILL to an element host we hold the pid of, and to its process group
    (a host leads a group of its own) when it does. False when it was gone."""
    if not host_alive(pid, element_id):
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        pgid = int(stat[stat.rfind(")") + 2:].split()[2])
        if pgid == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
        return True
    except (ProcessLookupError, FileNotFoundError):
        return False


class Cluster:
    """A master and caretakers (n1..n4 unless told) on loopback, each daemon
    in a session (process group) of its own; caretaker nK binds
    127.0.0.(10+K). Ends, at close(), every daemon and every element host
    status ever listed, by pid."""

    def __init__(self, datablox, workdir, nodes=CLUSTER_NODES, plugin_path=None):
        self.datablox = datablox
        self.workdir = workdir
        self.nodes = tuple(nodes)
        # A folder of element plugins, for every daemon and CLI call.
        self.env = dict(os.environ, DATABLOX_PLUGIN_PATH=plugin_path) if plugin_path else None
        self.endpoint = f"tcp://127.0.0.1:{free_port()}"
        self.master = None
        self.caretakers = {}
        self.hosts = {}  # pid -> "topology/element", every host status listed
        r = subprocess.run([datablox, "master", "--help"], capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
        self.master_flags = sorted({w.split("=")[0] for w in r.stdout.split() if w.startswith("--")})

    def start(self):
        self.start_master()
        for name in self.nodes:
            self.start_caretaker(name)
        self.wait_nodes(self.nodes)

    def start_master(self):
        """The master (again, after kill_master: same --listen, same --registry)."""
        argv = [self.datablox, "master", "--listen", self.endpoint]
        if "--registry" in self.master_flags:
            argv += ["--registry", os.path.join(self.workdir, "master.db")]
        if "--node-timeout" in self.master_flags:
            argv += ["--node-timeout", str(NODE_TIMEOUT_S)]
        with open(os.path.join(self.workdir, "master.log"), "a") as out:
            self.master = subprocess.Popen(NICE + argv, cwd=self.workdir, stdout=out, stderr=out,
                                           stdin=subprocess.DEVNULL, start_new_session=True, env=self.env)

    def kill_master(self):
        """SIGKILL to the master, by the pid held; reaped."""
        self.master.kill()
        self.master.wait(timeout=30)

    def start_caretaker(self, name):
        address = f"127.0.0.{10 + int(name[1:])}"
        with open(os.path.join(self.workdir, f"{name}.log"), "a") as out:
            self.caretakers[name] = subprocess.Popen(
                NICE + [self.datablox, "caretaker", "--master", self.endpoint, "--node", name, "--bind", address],
                cwd=self.workdir, stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True,
                env=self.env)

    def check_daemons(self):
        dead = [f"{name} exited {p.returncode}" for name, p in [("master", self.master), *self.caretakers.items()]
                if p is not None and p.poll() is not None]
        if dead:
            raise ClusterError("daemon died: " + ", ".join(dead) + "\n" + self.log_tails())

    def wait_nodes(self, names, timeout=30.0):
        deadline = time.monotonic() + timeout
        listed = {}
        while time.monotonic() < deadline:
            self.check_daemons()
            r = self.cli("nodes", "-o", "json")
            if r.returncode == 0:
                data = json.loads(r.stdout)
                listed = {n["name"]: n for n in (data["nodes"] if isinstance(data, dict) else data)}
                if all(n in listed and listed[n].get("state", "alive") == "alive" for n in names):
                    return
            time.sleep(0.1)
        raise ClusterError(f"nodes {', '.join(names)} did not join within {timeout} s (listed: {sorted(listed)})")

    def cli(self, *args, timeout=30):
        return subprocess.run([self.datablox, *map(str, args), "--master", self.endpoint], cwd=self.workdir,
                              capture_output=True, text=True, errors="replace", timeout=timeout,
                              stdin=subprocess.DEVNULL, env=self.env)

    def try_status(self, topology):
        """`status TOPOLOGY -o json`, or None when the master does not answer;
        remembers every host pid listed."""
        r = self.cli("status", topology, "-o", "json")
        if r.returncode != 0:
            return None
        s = json.loads(r.stdout)
        for e in s.get("elements", []):
            if e.get("pid"):
                self.hosts[e["pid"]] = f"{topology}/{e['name']}"
        return s

    def submit(self, name, text):
        path = os.path.join(self.workdir, f"{name}.topo")
        with open(path, "w") as f:
            f.write(text)
        r = self.cli("submit", path, "--name", name)
        if r.returncode != 0:
            raise ClusterError(f"submit {name} exited {r.returncode}: {r.stderr.strip()[-1000:]}")

    def wait_status(self, topology, predicate, what, timeout, hint=""):
        """Polls status every POLL_S until predicate(status) holds. Returns
        (status, polls): polls = [(asked, answered)] monotonic times of each
        call. A topology that ends fails at once, a timeout fails, with `hint`."""
        deadline = time.monotonic() + timeout
        s, polls = None, []
        while time.monotonic() < deadline:
            asked = time.monotonic()
            s = self.try_status(topology)
            polls.append((asked, time.monotonic()))
            if s is not None:
                if predicate(s):
                    return s, polls
                if s.get("state") in FINISHED:
                    raise ClusterError(f"waiting for {what}: '{topology}' went {s['state']} "
                                       f"({s.get('failure') or 'no failure given'}){hint}; {brief(s)}")
            self.check_daemons()
            time.sleep(POLL_S)
        raise ClusterError(f"waiting for {what}: not within {timeout:g} s{hint}; last status {brief(s)}")

    def stop_topology(self, topology, timeout=30.0):
        """`datablox kill`, then waits (bounded) for its hosts to go; any host
        still alive then is SIGKILLed."""
        self.cli("kill", topology)
        ours = {p: e for p, e in self.hosts.items() if e.startswith(topology + "/")}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(host_alive(p, e) for p, e in ours.items()):
            time.sleep(0.05)
        left = [p for p, e in ours.items() if kill_host(p, e)]
        if left:
            log(f"  warning: {len(left)} host(s) of '{topology}' outlived `datablox kill` by {timeout:g} s: SIGKILLed")

    def kill_node(self, name, status):
        """A node dies: SIGKILL to its element hosts (status lists them) and
        to its caretaker's process group. Returns the wall time of the first
        kill."""
        topology = status["name"]
        hosts = [(e["pid"], f"{topology}/{e['name']}") for e in status["elements"]
                 if e.get("node") == name and e.get("pid")]
        began = time.time()
        for pid, element_id in hosts:
            kill_host(pid, element_id)
        caretaker = self.caretakers[name]
        try:
            os.killpg(caretaker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        caretaker.wait(timeout=30)
        del self.caretakers[name]
        return began

    def log_tails(self, tail=1500):
        parts = []
        for name in ["master", *self.nodes]:
            path = os.path.join(self.workdir, f"{name}.log")
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    text = f.read()[-tail:]
                if text.strip():
                    parts.append(f"--- {name}.log:\n{text}")
        return "\n".join(parts)

    def close(self):
        """Caretakers politely (each stops its hosts), then any host left,
        then the master; each by the pid held, SIGKILL to its group if slow."""
        for p in self.caretakers.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.caretakers.values():
            end_group(p)
        for pid, element_id in self.hosts.items():
            kill_host(pid, element_id)
        if self.master is not None:
            if self.master.poll() is None:
                self.master.send_signal(signal.SIGTERM)
            end_group(self.master)


def end_group(process, grace=10.0):
    """Waits for a daemon we sent SIGTERM; SIGKILL to its group if slow."""
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)


def brief(s):
    """A status in one line: state and, per element, node/pid/state/restarts."""
    if not s:
        return repr(s)
    elements = s.get("elements", [])
    if len(elements) > 6:
        states = {}
        for e in elements:
            states[e.get("state")] = states.get(e.get("state"), 0) + 1
        return f"state {s.get('state')}, {len(elements)} elements: {states}"
    return f"state {s.get('state')}; " + ", ".join(
        f"{e['name']} {e.get('node')}/{e.get('pid')}/{e.get('state')}/restarts {e.get('restarts')}"
        + (f"/error {e['error']!r}" if e.get("error") else "") for e in elements)


def element(status, name):
    return next((e for e in status.get("elements", []) if e.get("name") == name), {})


def timed(argv, timeout=60):
    began = time.monotonic()
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    took = time.monotonic() - began
    if r.returncode != 0:
        raise ClusterError(f"{' '.join(map(str, argv))} exited {r.returncode}: {r.stderr.strip()[-500:]}")
    return took
