"""A cluster for end-to-end tests: a master and three caretakers, n1, n2 and
n3, each caretaker in a network namespace of its own with its own address.

Layout (netns mode, the default as root):

    root namespace                         namespace dbx-<pid>-<k>-nK
    bridge dbxbr<tag>  10.A.B.1/24  <--->  veth dbx<tag>nKp  10.A.B.1K/24, lo up
      master listens on tcp://10.A.B.1:PORT   caretaker --bind 10.A.B.1K, and its element hosts

`ip netns exec` execs the caretaker, so the pid held is the caretaker's; its
element hosts are its children in the same namespace, so "every process of
the node" is `ip netns pids NS`. When namespaces cannot be made (not root,
no `ip`, `ip netns add` refused; or DATABLOX_TEST_NETNS=0), the caretakers
bind 127.0.0.11/12/13 and the master 127.0.0.1 instead: `mode` says which,
and a warning says so.

Everything is removed at teardown, also when the test failed: the daemons by
the pids held here (and, in netns mode, whatever is left in each namespace),
then the namespaces, the veths and the bridge.
"""

import json
import os
import signal
import subprocess
import time
import warnings
from pathlib import Path

import pytest

from conftest import free_port, host_alive, wait_until

NODES = ("n1", "n2", "n3")
FINISHED = ("done", "failed", "stopped")
_serial = 0
_master_flags = {}


def _ip(*args):
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)


def _ip_ok(*args):
    r = _ip(*args)
    if r.returncode != 0:
        raise OSError(f"ip {' '.join(args)}: {r.stderr.strip()}")
    return r


def netns_pids(ns):
    """The pids of every process in network namespace `ns` ([] once it is gone)."""
    r = _ip("netns", "pids", ns)
    return [int(p) for p in r.stdout.split()] if r.returncode == 0 else []


def _listing(data, key):
    """`nodes -o json` / `list -o json` print a list; tolerate {key: [...]} too."""
    return data[key] if isinstance(data, dict) else data


def master_flags(datablox):
    """The options `datablox master --help` lists today (--registry and
    --node-timeout are recent; older binaries run without them)."""
    if datablox not in _master_flags:
        r = subprocess.run([str(datablox), "master", "--help"], capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
        _master_flags[datablox] = {w.split("=")[0] for w in r.stdout.split() if w.startswith("--")}
    return _master_flags[datablox]


class Node:
    def __init__(self, name, address, netns=None, link=None):
        self.name = name
        self.address = address
        self.netns = netns  # None in loopback mode
        self.link = link  # the veth end on the bridge (netns mode)
        self.proc = None  # the caretaker
        self.log = None


class Cluster:
    """Yielded by the `cluster` fixture. cli(*args) runs a verb against the
    master; status/nodes/submit/wait_* are the usual questions; kill_master,
    start_master and kill_node are the failures the tests inject."""

    def __init__(self, datablox, tmp_path, node_timeout=2):
        global _serial
        _serial += 1
        self.datablox = Path(datablox)
        self.tmp_path = Path(tmp_path)
        self.registry = self.tmp_path / "master.db"
        self.node_timeout = node_timeout
        self.flags = master_flags(self.datablox)
        self.master = None
        self.master_log = self.tmp_path / "master.log"
        self.nodes = {}
        self.mode = None
        self.bridge = None
        self._netns_made = []
        self._links_made = []
        self._element_pids = {}  # pid -> (node, "topology/element"), every pid status listed
        self._tag = f"{os.getpid() % 10000:04d}{_serial % 10}"
        self._ns_prefix = f"dbx-{os.getpid()}-{_serial}"

    # ------------------------------------------------------------ set-up

    def start(self):
        why = self._make_namespaces()
        if why is None:
            self.mode = "netns"
            print(f"cluster: netns mode, bridge {self.bridge} {self.master_address}/24, "
                  + ", ".join(f"{n.name} {n.address} in {n.netns}" for n in self.nodes.values()))
        else:
            self._remove_network()
            self.mode = "loopback"
            self.master_address = "127.0.0.1"
            self.nodes = {name: Node(name, f"127.0.0.{11 + i}") for i, name in enumerate(NODES)}
            message = f"cluster: no network namespaces ({why}); caretakers bind 127.0.0.11/12/13 on loopback instead"
            print(message)
            warnings.warn(message)
        self.endpoint = f"tcp://{self.master_address}:{free_port()}"
        self.start_master()
        for node in self.nodes.values():
            self._start_caretaker(node)
        self.wait_nodes_alive(NODES, "the three caretakers to join")

    def _make_namespaces(self):
        """Makes the bridge and one namespace per node; None when done, else
        why not (what was made is then removed by the caller)."""
        if os.environ.get("DATABLOX_TEST_NETNS", "1") == "0":
            return "DATABLOX_TEST_NETNS=0"
        if os.geteuid() != 0:
            return "not root"
        try:
            self._pick_free_names()
            subnet = self._free_subnet()
            self.master_address = f"{subnet}.1"
            self.bridge = f"dbxbr{self._tag}"
            _ip_ok("link", "add", self.bridge, "type", "bridge")
            self._links_made.append(self.bridge)
            _ip_ok("addr", "add", f"{self.master_address}/24", "dev", self.bridge)
            _ip_ok("link", "set", self.bridge, "up")
            for i, name in enumerate(NODES):
                ns = f"{self._ns_prefix}-{name}"
                outside, inside = f"dbx{self._tag}{name}", f"dbx{self._tag}{name}p"
                _ip_ok("netns", "add", ns)
                self._netns_made.append(ns)
                _ip_ok("link", "add", outside, "type", "veth", "peer", "name", inside)
                self._links_made.append(outside)
                _ip_ok("link", "set", inside, "netns", ns)
                _ip_ok("link", "set", outside, "master", self.bridge)
                _ip_ok("link", "set", outside, "up")
                address = f"{subnet}.{11 + i}"
                _ip_ok("-n", ns, "addr", "add", f"{address}/24", "dev", inside)
                _ip_ok("-n", ns, "link", "set", inside, "up")
                _ip_ok("-n", ns, "link", "set", "lo", "up")
                self.nodes[name] = Node(name, address, netns=ns, link=outside)
        except (OSError, subprocess.SubprocessError) as e:
            return str(e)
        return None

    def _pick_free_names(self):
        """Another serial while a namespace or bridge of that name exists
        (left by a run that was killed and whose pid came round again)."""
        global _serial
        for _ in range(100):
            names = _ip_ok("netns", "list").stdout
            if f"{self._ns_prefix}-" not in names and _ip("link", "show", f"dbxbr{self._tag}").returncode != 0:
                return
            _serial += 1
            self._tag = f"{os.getpid() % 10000:04d}{_serial % 10}"
            self._ns_prefix = f"dbx-{os.getpid()}-{_serial}"
        raise OSError("no free namespace and bridge names")

    def _free_subnet(self):
        """A 10.A.B.0/24 no address or route of this machine uses."""
        taken = _ip_ok("-4", "-o", "addr").stdout + _ip_ok("-4", "route").stdout
        pid = os.getpid()
        for k in range(256):
            subnet = f"10.{100 + (pid // 256 + _serial) % 100}.{(pid + k) % 256}"
            if f"{subnet}." not in taken:
                return subnet
        raise OSError("no free 10.x.y.0/24")

    def start_master(self):
        """Starts the master (again: same --listen, same --registry)."""
        argv = [str(self.datablox), "master", "--listen", self.endpoint]
        if "--registry" in self.flags:
            argv += ["--registry", str(self.registry)]
        if "--node-timeout" in self.flags:
            argv += ["--node-timeout", str(self.node_timeout)]
        with open(self.master_log, "a") as log:
            self.master = subprocess.Popen(argv, cwd=self.tmp_path, stdout=log, stderr=log,
                                           stdin=subprocess.DEVNULL, start_new_session=True)
        wait_until(lambda: self.master.poll() is not None or self.cli("list").returncode == 0,
                   "the master to answer", log=self.master_log)
        assert self.master.poll() is None, f"the master exited ({self.master.returncode}):\n{self.logs()}"

    def _start_caretaker(self, node):
        node.log = self.tmp_path / f"{node.name}.log"
        argv = [str(self.datablox), "caretaker", "--master", self.endpoint, "--node", node.name, "--bind", node.address]
        if node.netns:
            argv = ["ip", "netns", "exec", node.netns, *argv]
        with open(node.log, "a") as log:
            node.proc = subprocess.Popen(argv, cwd=self.tmp_path, stdout=log, stderr=log,
                                         stdin=subprocess.DEVNULL, start_new_session=True)

    # ------------------------------------------------------------ asking

    def cli(self, *args, master=True, timeout=30):
        """Runs `datablox ARGS --master EP` in the root namespace."""
        argv = [str(self.datablox), *map(str, args)] + (["--master", self.endpoint] if master else [])
        env = dict(os.environ, DATABLOX_MASTER=self.endpoint)
        return subprocess.run(argv, cwd=self.tmp_path, capture_output=True, text=True, errors="replace",
                              timeout=timeout, stdin=subprocess.DEVNULL, env=env)

    def node_cli(self, node, *args, timeout=30):
        """Runs `datablox ARGS` on node `node` (inside its namespace), without
        --master: for `caretaker status`, which asks the local caretaker."""
        argv = [str(self.datablox), *map(str, args)]
        if self.nodes[node].netns:
            argv = ["ip", "netns", "exec", self.nodes[node].netns, *argv]
        return subprocess.run(argv, cwd=self.tmp_path, capture_output=True, text=True, errors="replace",
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def json(self, *args):
        r = self.cli(*args, "-o", "json")
        assert r.returncode == 0, f"datablox {' '.join(map(str, args))} -o json: exit {r.returncode}\n{r.stderr}"
        return json.loads(r.stdout)

    def status(self, topology):
        """`status TOPOLOGY -o json`; remembers every element pid it lists
        (and its node), so that teardown can end them in loopback mode."""
        s = self.json("status", topology)
        for e in s.get("elements", []):
            if e.get("pid"):
                self._element_pids[e["pid"]] = (e.get("node"), f"{topology}/{e['name']}")
        return s

    def try_status(self, topology):
        """status(), or None while the master does not answer."""
        r = self.cli("status", topology, "-o", "json")
        return self.status(topology) if r.returncode == 0 else None

    def node_list(self):
        return _listing(self.json("nodes"), "nodes")

    def submit(self, text, name):
        path = self.tmp_path / f"{name}.topo"
        path.write_text(text)
        r = self.cli("submit", path)
        assert r.returncode == 0, f"submit {name}: exit {r.returncode}\n{r.stderr}\n{self.logs()}"
        return path

    def wait_status(self, topology, predicate, what, timeout=60.0):
        """Polls status until predicate(status) holds; returns that status.
        A master that does not answer (down, restarting) is waited for."""

        def check():
            s = self.try_status(topology)
            return s if s is not None and predicate(s) else None

        try:
            return wait_until(check, what, timeout=timeout)
        except AssertionError as e:
            raise AssertionError(f"{e}; last status {self._brief(self.try_status(topology))}\n{self.logs()}") from None

    def wait_finished(self, topology, timeout=90.0):
        """Waits (bounded) for the topology to end; returns the final status."""
        return self.wait_status(topology, lambda s: s["state"] in FINISHED, f"'{topology}' to finish", timeout)

    def wait_nodes_alive(self, names, what, timeout=30.0):
        def joined():
            r = self.cli("nodes", "-o", "json")
            if r.returncode != 0:
                return False
            listed = {n["name"]: n for n in _listing(json.loads(r.stdout), "nodes")}
            return all(n in listed and listed[n].get("state", "alive") == "alive" for n in names)

        try:
            wait_until(joined, what, timeout=timeout)
        except AssertionError as e:
            raise AssertionError(f"{e}\n{self.logs()}") from None

    @staticmethod
    def _brief(s):
        if not s:
            return s
        return {"state": s.get("state"), "elements": {e["name"]: (e.get("node"), e.get("pid"), e.get("state"),
                                                                  e.get("restarts"), e.get("stats", {}).get("logs_in"))
                                                      for e in s.get("elements", [])}}

    def logs(self, tail=2500):
        """The tails of the master's and the caretakers' logs, for failure messages."""
        parts = []
        for name, path in [("master", self.master_log)] + [(n.name, n.log) for n in self.nodes.values()]:
            if path and Path(path).exists():
                parts.append(f"--- {name} ({path}):\n{Path(path).read_text(errors='replace')[-tail:]}")
        return "\n".join(parts)

    # ------------------------------------------------------------ failures

    def kill_master(self):
        """SIGKILL to the master, by the pid held; reaped."""
        os.kill(self.master.pid, signal.SIGKILL)
        self.master.wait(timeout=30)

    def kill_node(self, name):
        """SIGKILL to every process of node `name`: in netns mode everything in
        its namespace (caretaker and element hosts); in loopback mode the
        caretaker and the element hosts status listed on that node. Returns
        the pids killed."""
        node = self.nodes[name]
        if node.netns:
            pids = netns_pids(node.netns)
        else:
            pids = [node.proc.pid] + [p for p, (n, e) in self._element_pids.items() if n == name and host_alive(p, e)]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        node.proc.wait(timeout=30)
        if node.netns:
            wait_until(lambda: not netns_pids(node.netns), f"the processes of {name} to die", timeout=30)
        return pids

    # ------------------------------------------------------------ teardown

    def close(self):
        """Ends every process, then removes the namespaces, veths and bridge.
        Each step runs even when an earlier one failed."""
        try:
            self._stop_processes()
        finally:
            self._remove_network()

    def _stop_processes(self):
        caretakers = [n.proc for n in self.nodes.values() if n.proc is not None]
        for p in caretakers:  # politely: a caretaker stops its element hosts
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in caretakers:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for node in self.nodes.values():
            if node.netns:
                self._kill_namespace(node.netns)
            if node.proc is not None and node.proc.poll() is None:
                try:
                    os.killpg(node.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                node.proc.wait(timeout=30)
        for pid, (_, element_id) in self._element_pids.items():
            if host_alive(pid, element_id):  # loopback mode: hosts a killed caretaker left behind
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self.master is not None and self.master.poll() is None:
            self.master.send_signal(signal.SIGTERM)
            try:
                self.master.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.master.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.master.wait(timeout=30)

    @staticmethod
    def _kill_namespace(ns):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pids = netns_pids(ns)
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        raise AssertionError(f"processes of namespace {ns} survived SIGKILL: {netns_pids(ns)}")

    def _remove_network(self):
        errors = []
        for ns in reversed(self._netns_made):
            r = _ip("netns", "del", ns)  # takes the veth end inside with it
            if r.returncode != 0:
                errors.append(f"ip netns del {ns}: {r.stderr.strip()}")
        for link in reversed(self._links_made):
            if _ip("link", "show", link).returncode == 0:
                r = _ip("link", "del", link)
                if r.returncode != 0 and _ip("link", "show", link).returncode == 0:
                    errors.append(f"ip link del {link}: {r.stderr.strip()}")
        self._netns_made, self._links_made = [], []
        assert not errors, "cluster teardown: " + "; ".join(errors)


@pytest.fixture
def cluster(datablox, tmp_path):
    """A master and caretakers n1, n2, n3 (see the module's docstring), fresh
    for each test, removed after it."""
    c = Cluster(datablox, tmp_path)
    try:
        c.start()
        yield c
    finally:
        c.close()
