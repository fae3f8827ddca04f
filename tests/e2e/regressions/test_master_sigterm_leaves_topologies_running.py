"""Issue 8, item 20: SIGTERM to the master daemon stopped every caretaker
and every element, although elements are to keep running while the master
is down (an upgrade must not stop the topologies). Now a signal ends the
master alone; a master started again on the same registry re-adopts the
running elements; `datablox shutdown` stops everything on purpose."""

import json
import os
import signal
import subprocess

from conftest import free_port, host_alive, wait_hosts_gone, wait_until


def test_master_sigterm_leaves_topologies_running(datablox, tmp_path):
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    registry = tmp_path / "master.db"
    control = f"ipc://{tmp_path}/n1.ipc"
    if len(control) > 100:
        control = f"tcp://127.0.0.1:{free_port()}"
    log_path = tmp_path / "daemons.log"
    log = open(log_path, "w")

    def start(*args):
        return subprocess.Popen([str(datablox), *args], cwd=tmp_path, stdout=log, stderr=log,
                                stdin=subprocess.DEVNULL, start_new_session=True)

    def cli(*args, timeout=30):
        return subprocess.run([str(datablox), *args, "--master", endpoint], cwd=tmp_path, capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def status():
        r = cli("status", "paced", "-o", "json")
        return json.loads(r.stdout) if r.returncode == 0 else None

    def caretaker_status():
        r = subprocess.run([str(datablox), "caretaker", "status", "--control", control, "-o", "json"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        assert r.returncode == 0, r.stderr
        return {e["element"]: e for e in json.loads(r.stdout)["elements"]}

    started = [start("master", "--listen", endpoint, "--registry", str(registry))]
    caretaker = start("caretaker", "--master", endpoint, "--node", "n1", "--control", control)
    started.append(caretaker)
    hosts = {}
    try:
        wait_until(lambda: "n1" in cli("nodes").stdout, "the caretaker to join", log=log_path)
        (tmp_path / "paced.topo").write_text("src :: Sequence(count: 1000000, rate: 2000)\nout :: Null\nsrc -> out\n")
        assert cli("submit", "paced.topo").returncode == 0
        s = wait_until(lambda: (st := status()) and st["state"] == "running"
                       and all(e["state"] == "running" and e["pid"] for e in st["elements"]) and st,
                       "the topology running", log=log_path)
        hosts = {e["pid"]: f"paced/{e['name']}" for e in s["elements"]}

        started[0].send_signal(signal.SIGTERM)
        assert started[0].wait(timeout=15) == 0

        assert caretaker.poll() is None, "the caretaker stopped with the master"
        for pid, element in hosts.items():
            assert host_alive(pid, element), f"{element} stopped with the master"
        running = caretaker_status()
        assert {running[e]["pid"] for e in hosts.values()} == set(hosts)
        assert all(running[e]["state"] == "running" for e in hosts.values()), running

        # A master started again re-adopts them: same pids, still running.
        started[0] = start("master", "--listen", endpoint, "--registry", str(registry))
        s = wait_until(lambda: (st := status()) and st["state"] == "running"
                       and {e["pid"] for e in st["elements"] if e["state"] == "running"} == set(hosts) and st,
                       "the elements re-adopted", log=log_path)

        # `datablox shutdown` stops it all: master, caretaker, elements.
        r = cli("shutdown")
        assert r.returncode == 0, r.stderr
        assert started[0].wait(timeout=15) == 0
        assert caretaker.wait(timeout=15) == 0
        assert not wait_hosts_gone(hosts), "elements outlived `datablox shutdown`"
        assert cli("nodes").returncode == 69  # nobody answers any more
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
        for pid in wait_hosts_gone(hosts, timeout=10):
            os.kill(pid, signal.SIGKILL)
        log.close()
