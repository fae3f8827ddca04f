"""Issue 14 items 1, 2 and 7: CURVE keys on the control plane.

A master started with keys lets in only the caretakers and operators whose
public keys its allow-list holds; a caretaker's key is bound to its node
name; a read-only operator may look but not touch; whatever is refused is
counted and shown by `datablox nodes`, and never takes a daemon down."""

import json
import os
import signal
import stat
import subprocess
import time

import pytest
import zmq
import zmq.auth

from conftest import free_port, stop_processes, wait_until


def curve_dealer(context, secret_file, server_file, endpoint, routing_id=None):
    """A DEALER that speaks CURVE with the key pair of `secret_file` to the
    server whose public key `server_file` holds."""
    public, secret = zmq.auth.load_certificate(str(secret_file))
    s = context.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    if routing_id:
        s.setsockopt(zmq.ROUTING_ID, routing_id)
    s.curve_publickey, s.curve_secretkey = public, secret
    s.curve_serverkey = zmq.auth.load_certificate(str(server_file))[0]
    s.connect(endpoint)
    return s


def keygen(datablox, folder, *args):
    return subprocess.run([str(datablox), "keygen", str(folder), *args], capture_output=True, text=True, timeout=30)


class KeyedCluster:
    """A master with the keys of `keys` (made by keygen) and, unless
    caretaker=None, a caretaker "n1" with its own. Ended by the pids held."""

    def __init__(self, datablox, tmp_path, keys, caretaker_args=None):
        self.datablox = datablox
        self.tmp_path = tmp_path
        self.keys = keys
        self.endpoint = f"tcp://127.0.0.1:{free_port()}"
        self.log_path = tmp_path / "daemons.log"
        self.log = open(self.log_path, "a")
        self.processes = []
        self.master = self.start("master", "--listen", self.endpoint, "--registry", tmp_path / "master.db",
                                 "--keys", keys)
        self.caretaker = None
        if caretaker_args is not None:
            self.caretaker = self.start_caretaker(*caretaker_args)

    def start(self, *args):
        p = subprocess.Popen([str(self.datablox), *map(str, args)], cwd=self.tmp_path, stdout=self.log,
                             stderr=self.log, stdin=subprocess.DEVNULL, start_new_session=True)
        self.processes.append(p)
        return p

    def start_caretaker(self, *args, node="n1"):
        control = f"tcp://127.0.0.1:{free_port()}"
        p = self.start("caretaker", "--master", self.endpoint, "--node", node, "--control", control, *args)
        p.control = control
        return p

    def cli(self, *args, key="alice"):
        env = dict(os.environ)
        env.pop("DATABLOX_KEY", None)
        env.pop("DATABLOX_MASTER_KEY", None)
        if key:
            env["DATABLOX_KEY"] = str(self.keys / f"operator-{key}.key_secret")
            env["DATABLOX_MASTER_KEY"] = str(self.keys / "master.key")
        return subprocess.run([str(self.datablox), *map(str, args), "--master", self.endpoint], cwd=self.tmp_path,
                              env=env, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)

    def nodes(self):
        r = self.cli("nodes", "-o", "json")
        assert r.returncode == 0, r.stderr
        return {n["name"]: n for n in json.loads(r.stdout)}

    def security(self):
        """The master's security figures, asked as operator alice over CURVE."""
        context = zmq.Context()
        try:
            s = curve_dealer(context, self.keys / "operator-alice.key_secret", self.keys / "master.key", self.endpoint)
            s.send(json.dumps({"op": "nodes"}).encode())
            assert s.poll(5000), "the master did not answer alice"
            return json.loads(s.recv())["security"]
        finally:
            context.destroy(linger=0)

    def stop(self):
        stop_processes(list(reversed(self.processes)))
        self.log.close()


@pytest.fixture
def keys(datablox, tmp_path):
    folder = tmp_path / "keys"
    r = keygen(datablox, folder, "--caretaker", "n1", "--caretaker", "n2", "--operator", "alice", "--reader", "bob")
    assert r.returncode == 0, r.stderr
    return folder


@pytest.fixture
def cluster(datablox, tmp_path, keys):
    c = KeyedCluster(datablox, tmp_path, keys, caretaker_args=["--keys", keys])
    try:
        wait_until(lambda: "n1" in c.cli("nodes").stdout, "caretaker n1 to join", log=c.log_path)
        yield c
    finally:
        c.stop()


def test_keygen_lays_out_owner_only_secrets_and_never_overwrites(datablox, keys):
    for name in ("master", "caretaker-n1", "caretaker-n2", "operator-alice", "operator-bob"):
        mode = stat.S_IMODE((keys / f"{name}.key_secret").stat().st_mode)
        assert mode == 0o600, (name, oct(mode))
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    assert sorted(p.name for p in (keys / "allow").iterdir()) == [
        "caretaker-n1.key", "caretaker-n2.key", "operator-alice.key", "operator-bob.key"]
    # ZeroMQ's certificate format: pyzmq reads what keygen wrote.
    public, secret = zmq.auth.load_certificate(str(keys / "caretaker-n1.key_secret"))
    assert len(public) == 40 and len(secret) == 40
    assert zmq.auth.load_certificate(str(keys / "allow" / "caretaker-n1.key"))[0] == public
    before = (keys / "caretaker-n1.key_secret").read_bytes()
    again = keygen(datablox, keys, "--caretaker", "n1")
    assert again.returncode == 73, again
    assert "never overwritten" in again.stderr
    assert (keys / "caretaker-n1.key_secret").read_bytes() == before


def test_a_client_without_keys_is_refused_and_counted(cluster):
    r = cluster.cli("list", key=None)
    assert r.returncode == 77, (r.returncode, r.stdout, r.stderr)
    assert "requires CURVE keys" in r.stderr and "--key" in r.stderr, r.stderr
    # A raw peer without keys asks for a shutdown: it is never heard.
    context = zmq.Context()
    try:
        s = context.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.connect(cluster.endpoint)
        s.send(json.dumps({"op": "shutdown"}).encode())
        assert not s.poll(1000)
    finally:
        context.destroy(linger=0)
    assert cluster.master.poll() is None
    security = wait_until(lambda: (s := cluster.security())["refused_handshakes"] >= 1 and s, "the refusal counted")
    assert security["mode"] == "curve"
    assert security["caretakers"] == 2 and security["operators"] == 2, security
    assert "n1" in cluster.nodes()
    shown = cluster.cli("nodes")
    assert "security: CURVE" in shown.stdout and "failed handshakes" in shown.stdout, shown.stdout


def test_an_unknown_operator_key_is_refused(datablox, cluster, tmp_path):
    assert keygen(datablox, tmp_path / "other", "--operator", "eve").returncode == 0
    env = dict(os.environ, DATABLOX_KEY=str(tmp_path / "other" / "operator-eve.key_secret"),
               DATABLOX_MASTER_KEY=str(cluster.keys / "master.key"))
    r = subprocess.run([str(datablox), "kill", "anything", "--master", cluster.endpoint], env=env,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 77, (r.returncode, r.stderr)
    assert "allow-list" in r.stderr, r.stderr
    security = cluster.security()
    assert security["refused_keys"] >= 1, security
    assert any("not in the allow-list" in x for x in security["recent_refusals"]), security


def test_a_caretaker_with_an_unknown_key_is_refused(datablox, cluster, tmp_path):
    other = tmp_path / "other"
    assert keygen(datablox, other, "--caretaker", "n3").returncode == 0
    (other / "master.key").unlink()
    (other / "master.key").write_bytes((cluster.keys / "master.key").read_bytes())
    intruder = cluster.start_caretaker("--keys", other, node="n3")
    time.sleep(2.0)
    assert "n3" not in cluster.nodes()
    assert intruder.poll() is None  # refused, trying again, not crashed
    status = subprocess.run([str(datablox), "caretaker", "status", "--control", intruder.control, "-o", "json"],
                            capture_output=True, text=True, timeout=30)
    assert status.returncode == 0, status.stderr
    assert "allow-list" in json.loads(status.stdout)["master"]["refused"], status.stdout
    assert cluster.security()["refused_keys"] >= 1
    assert "refuses us" in cluster.log_path.read_text()


def test_a_caretaker_holding_the_wrong_master_key_talks_to_no_one(datablox, cluster, tmp_path):
    """A caretaker accepts only its master: an impostor master with keys of
    its own gets no join from it, and so can hand it no plans."""
    impostor_keys = tmp_path / "impostor"
    assert keygen(datablox, impostor_keys).returncode == 0
    impostor = KeyedCluster(datablox, tmp_path, impostor_keys)
    try:
        # n2's real key, pointed at the impostor's endpoint.
        control = f"tcp://127.0.0.1:{free_port()}"
        caretaker = impostor.start("caretaker", "--master", impostor.endpoint, "--node", "n2", "--control", control,
                                   "--keys", cluster.keys)
        time.sleep(2.0)
        assert caretaker.poll() is None
        status = subprocess.run([str(datablox), "caretaker", "status", "--control", control, "-o", "json"],
                                capture_output=True, text=True, timeout=30)
        master_link = json.loads(status.stdout)["master"]
        assert not master_link["connected"], master_link
        assert master_link["last_heard_s"] == -1, master_link
    finally:
        impostor.stop()


def test_a_valid_caretaker_key_cannot_claim_another_nodes_name(cluster):
    context = zmq.Context()
    try:
        s = curve_dealer(context, cluster.keys / "caretaker-n2.key_secret", cluster.keys / "master.key",
                         cluster.endpoint, routing_id=b"node:n9#0123456789abcdef")
        figures = {"cores": 64, "memory_mb": 1 << 20, "address": "127.0.0.1"}
        for _ in range(3):
            s.send(json.dumps({"op": "join", "node": "n9", "pid": 1, "figures": figures}).encode())
            s.send(json.dumps({"op": "heartbeat", "node": "n9", "figures": figures, "elements": [],
                               "finished": []}).encode())
            time.sleep(0.2)
    finally:
        context.destroy(linger=0)
    time.sleep(0.5)
    nodes = cluster.nodes()
    assert "n9" not in nodes, nodes
    assert nodes["n1"]["state"] == "alive"
    security = cluster.security()
    assert security["refused_requests"] >= 1, security
    assert any("may not speak as node 'n9'" in x for x in security["recent_refusals"]), security


def test_a_read_only_operator_may_look_but_not_kill(cluster, tmp_path):
    (tmp_path / "paced.topo").write_text("src :: Sequence(count: 1000000, rate: 500)\nout :: Null\nsrc -> out\n")
    assert cluster.cli("submit", "paced.topo").returncode == 0
    for verb in (("list",), ("nodes",), ("status", "paced"), ("events",)):
        r = cluster.cli(*verb, key="bob")
        assert r.returncode == 0, (verb, r.stderr)
    r = cluster.cli("kill", "paced", key="bob")
    assert r.returncode == 77, (r.returncode, r.stderr)
    assert "role read" in r.stderr and "kill" in r.stderr, r.stderr
    status = json.loads(cluster.cli("status", "paced", "-o", "json").stdout)
    assert status["state"] in ("running", "starting"), status
    assert cluster.cli("submit", "paced.topo", "--name", "second", key="bob").returncode == 77
    assert cluster.security()["refused_requests"] >= 2
    assert cluster.cli("kill", "paced").returncode == 0


def test_a_key_added_to_the_allow_list_is_let_in_without_a_restart(datablox, cluster):
    assert cluster.cli("list", key="carol").returncode != 0  # no such key yet
    assert keygen(datablox, cluster.keys, "--operator", "carol").returncode == 0
    wait_until(lambda: cluster.cli("list", key="carol").returncode == 0, "carol's key to be loaded",
               timeout=10, log=cluster.log_path)
    (cluster.keys / "allow" / "operator-carol.key").unlink()
    wait_until(lambda: cluster.cli("list", key="carol").returncode == 77, "carol's key to be dropped",
               timeout=10, log=cluster.log_path)


def test_run_authenticates_its_own_master_and_leaves_no_keys(datablox, tmp_path):
    (tmp_path / "t.topo").write_text("src :: Sequence(count: 10)\nout :: Null\nsrc -> out\n")
    run = subprocess.Popen([str(datablox), "run", "t.topo", "-q"], cwd=tmp_path, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    keys = f"/tmp/datablox-{os.getuid()}/run-{run.pid}-keys"
    seen = False
    while run.poll() is None:
        seen = seen or os.path.exists(f"{keys}/master.key_secret")
        time.sleep(0.01)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 0, err
    # Neither run's own client nor its caretaker was refused (a stray peer of
    # another test, reconnecting to a reused port, may be: that is logged).
    assert "refused this client" not in err and "refuses us" not in err, err
    assert seen, "the run made no keys"
    assert not os.path.exists(keys)


def test_curve_links_carry_a_topology_and_hear_no_one_else(datablox, tmp_path, keys):
    """Item 3: with --curve-links, every input and query port takes only its
    topology's key: the data flows, `call` works, and a peer without the key
    is refused (counted in the host's links_refused) and injects nothing."""
    c = KeyedCluster(datablox, tmp_path, keys, caretaker_args=["--keys", keys])
    c.processes[0].send_signal(signal.SIGTERM)  # restart the master with --curve-links
    c.processes[0].wait(timeout=10)
    c.master = c.start("master", "--listen", c.endpoint, "--registry", tmp_path / "master.db", "--keys", keys,
                       "--curve-links")
    try:
        wait_until(lambda: "n1" in c.cli("nodes").stdout, "caretaker n1 to rejoin", log=c.log_path)
        (tmp_path / "counted.topo").write_text(
            'src :: Sequence(count: 300, rate: 100)\ncount :: Counter(key: "seq")\nsrc -> count\n')
        assert c.cli("submit", "counted.topo").returncode == 0

        def status():
            r = c.cli("status", "counted", "-o", "json")
            return json.loads(r.stdout) if r.returncode == 0 else None

        running = wait_until(lambda: (s := status()) and all(e["state"] == "running" and e["endpoints"]
                                                             for e in s["elements"] if e["name"] == "count") and s,
                             "the counter running", log=c.log_path)
        assert "call_keys" not in running  # handed to the CLI for call, never shown
        counter = next(e for e in running["elements"] if e["name"] == "count")
        context = zmq.Context()
        try:
            for port in ("in", "query"):
                s = context.socket(zmq.DEALER)
                s.setsockopt(zmq.LINGER, 0)
                s.connect(counter["endpoints"][port])
                s.send(b"\x00" * 64)
                assert not s.poll(500), f"an unkeyed peer was answered on {port}"
        finally:
            context.destroy(linger=0)
        refused = wait_until(lambda: int(c.cli("handler", "count.links_refused").stdout.strip() or 0) >= 2 and True,
                             "the refusals counted", log=c.log_path)
        assert refused
        answer = c.cli("call", "count.query", "{}")
        assert answer.returncode == 0, answer.stderr
        assert "count" in answer.stdout, answer.stdout
        wait_until(lambda: (s := status()) and s["state"] == "done", "the topology done", timeout=30,
                   log=c.log_path)
        final = {e["name"]: e for e in status()["elements"]}
        assert final["count"]["logs_in"] == 300, final["count"]
        assert final["count"]["stats"].get("malformed", 0) == 0, final["count"]
    finally:
        c.stop()


def test_a_caretaker_config_file_names_its_keys(cluster):
    """secret_key and master_key in --config, relative to the file."""
    config = cluster.keys / "n2.toml"
    config.write_text(f'master = "{cluster.endpoint}"\nnode = "n2"\ncontrol = "tcp://127.0.0.1:{free_port()}"\n'
                      'secret_key = "caretaker-n2.key_secret"\nmaster_key = "master.key"\n')
    cluster.start("caretaker", "--config", config)
    wait_until(lambda: "n2" in cluster.nodes(), "caretaker n2 to join with the keys its config names",
               log=cluster.log_path)
