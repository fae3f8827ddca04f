"""How the daemons are started: `caretaker --config` (the file joins, flags
win, its errors named) and the master's own usage errors (fixtures:
cluster_runtime.py)."""

import json
import os
import signal
import subprocess

import pytest

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from cluster_runtime import run_short
from conftest import free_port, wait_until

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
