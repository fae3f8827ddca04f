"""Issue 14 item 4: the master never imports user code, and daemons load
classes only from the folders their operator allows.

A module with a side effect at import proves who imported it: it writes a
marker file named after the importing process's pid. Daemons here get their
allowed folders from the environment of their own (not the suite's
DATABLOX_CLASS_PATH), so that what is refused is known."""

import os
import pwd
import subprocess
import time

import pytest

from conftest import free_port, stop_processes, wait_until

MARKED = '''
import os
import datablox

MARKERS = {markers!r}
open(os.path.join(MARKERS, str(os.getpid())), "w").close()


class Marked(datablox.Element):
    """forwards every log"""

    ports = [datablox.push_in("in"), datablox.push_out("out", required=False)]

    def on_log(self, port, log):
        self.emit(log)
'''

SLOW = '''
import time
time.sleep(60)
'''

TOPOLOGY = '''
src :: Sequence(count: 5)
mark :: py:marked.Marked()
src -> mark
'''


class Cluster:
    """A master and a caretaker "n1" whose allowed class folders are
    `allowed` (and nothing from the suite's environment)."""

    def __init__(self, datablox, tmp_path, allowed, master_args=(), caretaker_args=()):
        self.datablox = datablox
        self.tmp_path = tmp_path
        self.endpoint = f"tcp://127.0.0.1:{free_port()}"
        env = dict(os.environ)
        env["DATABLOX_CLASS_PATH"] = os.pathsep.join(str(a) for a in allowed)
        env.pop("DATABLOX_PYTHONPATH", None)
        self.env = env
        self.log_path = tmp_path / "daemons.log"
        self.log = open(self.log_path, "w")
        self.master = self._start(["master", "--listen", self.endpoint, "--registry", str(tmp_path / "master.db"),
                                   *master_args])
        self.caretaker = self._start(["caretaker", "--master", self.endpoint, "--node", "n1",
                                      "--control", f"tcp://127.0.0.1:{free_port()}", *caretaker_args])
        wait_until(lambda: "n1" in self.cli("nodes").stdout, "the caretaker to join", log=self.log_path)

    def _start(self, args):
        return subprocess.Popen([str(self.datablox), *args], cwd=self.tmp_path, env=self.env, stdout=self.log,
                                stderr=self.log, stdin=subprocess.DEVNULL, start_new_session=True)

    def cli(self, *args, cwd=None, timeout=30):
        return subprocess.run([str(self.datablox), *map(str, args), "--master", self.endpoint],
                              cwd=cwd or self.tmp_path, env=self.env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def stop(self):
        stop_processes([self.caretaker, self.master])
        self.log.close()


@pytest.fixture
def cluster(datablox, tmp_path):
    started = []

    def start(allowed, **kwargs):
        c = Cluster(datablox, tmp_path, allowed, **kwargs)
        started.append(c)
        return c

    yield start
    for c in started:
        c.stop()


def write_topology(folder, markers):
    folder.mkdir(parents=True, exist_ok=True)
    markers.mkdir(exist_ok=True)
    (folder / "marked.py").write_text(MARKED.format(markers=str(markers)))
    (folder / "flow.topo").write_text(TOPOLOGY)
    return folder / "flow.topo"


def test_the_master_never_imports_a_topologys_module(cluster, tmp_path):
    markers = tmp_path / "markers"
    topology = write_topology(tmp_path / "allowed", markers)
    c = cluster([tmp_path / "allowed"])
    submitted = c.cli("submit", topology)
    assert submitted.returncode == 0, submitted.stderr + c.log_path.read_text()
    wait_until(lambda: '"done"' in c.cli("status", "flow", "-o", "json").stdout, "the topology to end",
               log=c.log_path)
    importers = {int(name) for name in os.listdir(markers)}
    # The inspector (for the check) and the element's host imported it...
    assert len(importers) >= 2, importers
    # ...and the master, whose check needed the class, never did.
    assert c.master.pid not in importers
    assert c.master.poll() is None


def test_a_folder_the_operator_did_not_allow_is_refused(cluster, tmp_path):
    markers = tmp_path / "markers"
    topology = write_topology(tmp_path / "outside", markers)
    c = cluster([tmp_path / "allowed"])
    refused = c.cli("submit", topology)
    assert refused.returncode == 65, refused.stderr
    assert "flow.topo:3:" in refused.stderr  # the class's position, as the checker says it
    assert "py:marked.Marked" in refused.stderr
    assert f"note: class folder {tmp_path / 'outside'} not allowed here" in refused.stderr
    assert "--class-path" in refused.stderr
    # Refused before anything imported it, anywhere.
    assert os.listdir(markers) == []
    # A path that climbs out of an allowed folder is no way in either.
    (tmp_path / "allowed").mkdir()
    sneaky = tmp_path / "allowed" / ".." / "outside" / "flow.topo"
    assert c.cli("submit", sneaky).returncode == 65
    assert os.listdir(markers) == []


def test_a_module_that_hangs_at_import_times_the_inspector_out(cluster, tmp_path):
    folder = tmp_path / "allowed"
    folder.mkdir()
    (folder / "slow.py").write_text(SLOW)
    (folder / "flow.topo").write_text("src :: Sequence(count: 1)\nslow :: py:slow.Slow()\nsrc -> slow\n")
    c = cluster([folder], master_args=["--inspect-timeout", "1"])
    began = time.monotonic()
    refused = c.cli("submit", folder / "flow.topo")
    assert refused.returncode == 65, refused.stderr
    assert "the class inspector took longer than 1 s" in refused.stderr
    assert time.monotonic() - began < 25
    # The master lives on and answers.
    assert c.master.poll() is None
    assert "n1" in c.cli("nodes").stdout


def test_an_unknown_run_as_user_stops_the_daemon_with_a_usage_error(datablox, tmp_path):
    for verb in (["caretaker", "--master", f"tcp://127.0.0.1:{free_port()}"],
                 ["master", "--listen", f"tcp://127.0.0.1:{free_port()}", "--registry", ":memory:"]):
        result = subprocess.run([str(datablox), *verb, "--run-as", "no-such-user-datablox"], capture_output=True,
                                text=True, timeout=30, stdin=subprocess.DEVNULL, cwd=tmp_path)
        assert result.returncode == 64, (verb, result.stderr)
        assert "no user 'no-such-user-datablox'" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping to another user needs root")
def test_element_hosts_run_as_the_configured_user(cluster, tmp_path):
    nobody = pwd.getpwnam("nobody")
    (tmp_path / "flow.topo").write_text("src :: Sequence(count: 1000000000, rate: 50)\nsink :: Null()\nsrc -> sink\n")
    c = cluster([], caretaker_args=["--run-as", "nobody"])
    submitted = c.cli("submit", tmp_path / "flow.topo")
    assert submitted.returncode == 0, submitted.stderr + c.log_path.read_text()

    def pids():
        import json
        status = json.loads(c.cli("status", "flow", "-o", "json").stdout)
        found = {e["name"]: e.get("pid") for e in status["elements"]}
        return found if all(found.values()) and all(e["state"] == "running" for e in status["elements"]) else None

    wait_until(lambda: pids() is not None, "both elements to run", log=c.log_path)
    for name, pid in pids().items():
        with open(f"/proc/{pid}/status") as f:
            uid_line = next(line for line in f if line.startswith("Uid:"))
        assert uid_line.split()[1:] == [str(nobody.pw_uid)] * 4, (name, uid_line)
    assert c.cli("kill", "flow").returncode == 0
