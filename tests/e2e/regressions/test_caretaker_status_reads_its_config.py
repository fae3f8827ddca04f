"""Issue 8, item 21: `datablox caretaker --config F status` ignored F and
looked for the machine's one caretaker at its default place. It now asks the
caretaker at the config's `control` endpoint (or of its `node`): the one
started with that config."""

import json
import subprocess


def test_caretaker_status_asks_the_caretaker_of_the_config(daemons, datablox, tmp_path):
    config = tmp_path / "n1.toml"
    config.write_text(f'master = "{daemons.endpoint}"\nnode = "n1"\ncontrol = "{daemons.control}"\n')
    r = subprocess.run([str(datablox), "caretaker", "--config", config, "status", "-o", "json"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["node"] == "n1"


def test_caretaker_status_flags_win_over_the_config(daemons, datablox, tmp_path):
    config = tmp_path / "elsewhere.toml"
    config.write_text('node = "n1"\ncontrol = "ipc:///nonexistent/folder/x.ipc"\n')
    r = subprocess.run([str(datablox), "caretaker", "--config", config, "status", "--control", daemons.control,
                        "-o", "json"], cwd=tmp_path, capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["node"] == "n1"


def test_caretaker_status_with_a_broken_config_says_so(datablox, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('nodde = "n1"\n')
    r = subprocess.run([str(datablox), "caretaker", "--config", config, "status"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 65
    assert "unknown key 'nodde'" in r.stderr
