"""Issue 8, item 19: a relative path parameter of a submitted topology
(`JsonLinesSink(path: "out.jsonl")`) resolved against the working directory
of whichever caretaker ran the element, not the folder of the user who
submitted it. The CLI now makes it absolute against the user's folder before
submitting, as `run` does, and the file lands where the user is."""

import json
import subprocess

from conftest import jsonl, wait_until

TOPOLOGY = """
src :: Sequence(count: 7)
out :: JsonLinesSink(path: "out.jsonl")
src -> out
"""


def test_relative_sink_path_lands_in_the_submitters_folder(daemons, datablox, tmp_path):
    user = tmp_path / "user"  # the master and the caretaker run in tmp_path
    user.mkdir()
    (user / "write.topo").write_text(TOPOLOGY)
    r = subprocess.run([str(datablox), "submit", "write.topo", "--master", daemons.endpoint], cwd=user,
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr

    def ended():
        s = json.loads(daemons("status", "write", "-o", "json").stdout)
        return s if s["state"] in ("done", "failed") else None

    s = wait_until(ended, "the topology to end")
    assert s["state"] == "done", s
    assert [log["seq"] for log in jsonl(user / "out.jsonl")] == list(range(7))
    assert not (tmp_path / "out.jsonl").exists()

    listing = json.loads(daemons("list", "-o", "json").stdout)
    assert {t["name"]: t for t in listing}["write"]["file"] == str(user / "write.topo")


def test_errors_after_a_path_keep_their_position(daemons, datablox, tmp_path):
    line = 'out :: JsonLinesSink(path: "out.jsonl", bogus: 1)'
    (tmp_path / "bad.topo").write_text(f"src :: Sequence(count: 1)\n{line}\nsrc -> out\n")
    r = subprocess.run([str(datablox), "submit", "bad.topo", "--master", daemons.endpoint], cwd=tmp_path,
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 65
    assert f"bad.topo:2:{line.index('bogus') + 1}: error: unknown parameter 'bogus'" in r.stderr, r.stderr
