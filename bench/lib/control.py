"""bench/run control: what CURVE keys cost the control plane.

The same master and caretaker on loopback twice, without keys (open) and
with `datablox keygen` keys, each asked:
  status_us   p50 of `status` requests for a small running topology from one
              kept-open client (pyzmq DEALER, CURVE when keyed): the cost of
              the encryption on each message.
  status_cli_ms  p50 of whole `datablox status` processes: what a user
              waits, the CURVE handshake of a new connection included.
  submit_cli_ms  p50 of whole `datablox submit` processes (a 2-element
              topology, killed after each).
Ratios keyed / open (1.0: no cost; lower is better)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import zmq
import zmq.auth

from lib.common import build, log, median

TOPOLOGY = "src :: Sequence(count: 100000000, rate: 10)\nout :: Null\nsrc -> out\n"
STATUS_REQUESTS = 2000
CLI_RUNS = 15


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemons:
    def __init__(self, datablox, workdir, keys):
        self.datablox, self.workdir, self.keys = datablox, workdir, keys
        self.endpoint = f"tcp://127.0.0.1:{free_port()}"
        self.env = dict(os.environ)
        key_flags = []
        if keys:
            key_flags = ["--keys", keys]
            self.env.update(DATABLOX_KEY=f"{keys}/operator-bench.key_secret", DATABLOX_MASTER_KEY=f"{keys}/master.key")
        log_file = open(os.path.join(workdir, "daemons.log"), "a")
        common = dict(cwd=workdir, stdout=log_file, stderr=log_file, stdin=subprocess.DEVNULL, start_new_session=True)
        self.master = subprocess.Popen([datablox, "master", "--listen", self.endpoint, "--registry", ":memory:",
                                        *key_flags], **common)
        self.caretaker = subprocess.Popen([datablox, "caretaker", "--master", self.endpoint, "--node", "n1",
                                           "--control", f"tcp://127.0.0.1:{free_port()}", *key_flags], **common)
        deadline = time.monotonic() + 30
        while "n1" not in self.cli("nodes").stdout:
            if time.monotonic() > deadline:
                raise RuntimeError("the caretaker did not join")
            time.sleep(0.1)

    def cli(self, *args):
        return subprocess.run([self.datablox, *args, "--master", self.endpoint], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, timeout=60)

    def client(self, context):
        s = context.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        if self.keys:
            public, secret = zmq.auth.load_certificate(f"{self.keys}/operator-bench.key_secret")
            s.curve_publickey, s.curve_secretkey = public, secret
            s.curve_serverkey = zmq.auth.load_certificate(f"{self.keys}/master.key")[0]
        s.connect(self.endpoint)
        return s

    def close(self):
        for p in (self.caretaker, self.master):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in (self.caretaker, self.master):
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def timed_ms(run):
    began = time.perf_counter()
    r = run()
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return (time.perf_counter() - began) * 1e3


def measure(daemons, workdir):
    with open(os.path.join(workdir, "t.topo"), "w") as f:
        f.write(TOPOLOGY)
    submits = []
    for i in range(CLI_RUNS):
        submits.append(timed_ms(lambda: daemons.cli("submit", "t.topo", "--name", f"t{i}")))
        daemons.cli("kill", f"t{i}")
    daemons.cli("submit", "t.topo", "--name", "steady")
    status_cli = [timed_ms(lambda: daemons.cli("status", "steady")) for _ in range(CLI_RUNS)]
    context = zmq.Context()
    try:
        s = daemons.client(context)
        request = json.dumps({"op": "status", "topology": "steady"}).encode()
        times = []
        for _ in range(STATUS_REQUESTS):
            began = time.perf_counter()
            s.send(request)
            if not s.poll(5000):
                raise RuntimeError("no status reply")
            s.recv()
            times.append((time.perf_counter() - began) * 1e6)
    finally:
        context.destroy(linger=0)
    return {"status_us": round(median(times), 1), "status_cli_ms": round(median(status_cli), 2),
            "submit_cli_ms": round(median(submits), 2)}


def control(args):
    build_dir = os.path.abspath(args.build_dir)
    if not args.no_build:
        build(build_dir, ["datablox"])
    datablox = os.path.join(build_dir, "bin", "datablox")
    workdir = tempfile.mkdtemp(prefix="datablox-bench-control-")
    results = {}
    try:
        keys = os.path.join(workdir, "keys")
        subprocess.run([datablox, "keygen", keys, "--caretaker", "n1", "--operator", "bench"], check=True,
                       capture_output=True, timeout=30)
        for round_ in range(args.rounds):
            for mode, key_dir in (("open", None), ("curve", keys)):
                log(f"control: round {round_ + 1}, {mode}")
                d = Daemons(datablox, workdir, key_dir)
                try:
                    figures = measure(d, workdir)
                finally:
                    d.close()
                for name, value in figures.items():
                    results.setdefault(mode, {}).setdefault(name, []).append(value)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    best = {mode: {name: min(values) for name, values in figures.items()} for mode, figures in results.items()}
    ratios = {f"{name}_ratio": round(best["curve"][name] / best["open"][name], 3) for name in best["open"]}
    for name in best["open"]:
        print(f"{name:<15} open {best['open'][name]:>9}  curve {best['curve'][name]:>9}  "
              f"ratio {ratios[name + '_ratio']}")
    print(json.dumps({"bench": "control", "open": best["open"], "curve": best["curve"], **ratios}))
