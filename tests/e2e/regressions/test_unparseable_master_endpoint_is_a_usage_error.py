"""Issue 8, item 21: `datablox submit --master bogus` said "internal error:
Invalid argument" and exited 70 (ZeroMQ refused the endpoint deep inside the
verb). An endpoint that cannot be parsed is a usage error (64) naming it,
for every verb that takes --master, $DATABLOX_MASTER, and the daemons."""

import os
import subprocess


def test_bogus_master_flag_is_a_usage_error_naming_it(cli, tmp_path):
    (tmp_path / "t.topo").write_text("src :: Sequence(count: 3)\nout :: Null\nsrc -> out\n")
    for args in (["submit", tmp_path / "t.topo"], ["list"], ["status"], ["call", "a.query", "{}"],
                 ["handler", "a.count"], ["logs", "a"], ["kill", "t"], ["events"], ["nodes"]):
        r = cli(*args, "--master", "bogus")
        assert r.returncode == 64, (args, r.returncode, r.stderr)
        assert "'bogus'" in r.stderr and "internal error" not in r.stderr, (args, r.stderr)


def test_bogus_master_from_the_environment_is_a_usage_error(datablox):
    r = subprocess.run([str(datablox), "list"], capture_output=True, text=True, timeout=30,
                       env={**os.environ, "DATABLOX_MASTER": "tcp://nohost"}, stdin=subprocess.DEVNULL)
    assert r.returncode == 64, r.stderr
    assert "'tcp://nohost'" in r.stderr


def test_caretaker_with_a_bogus_master_is_a_usage_error(cli):
    r = cli("caretaker", "--master", "bogus", "--node", "nowhere", "--control", "tcp://127.0.0.1:1")
    assert r.returncode == 64, r.stderr
    assert "'bogus'" in r.stderr
