"""Issue 8, item 19: `datablox submit flow.topo` (a bare file name) sent an
empty class search-path entry, which Python reads as the working directory
of the master: a Python module next to the topology was not found. The CLI
now sends the topology's folder as an absolute path, never an empty one."""

import json
import subprocess

from conftest import wait_until

TAGGER = '''
import datablox


class Tagger(datablox.Element):
    """adds tagged = true"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]

    def on_batch(self, port, logs):
        self.emit([{**log.to_dict(), "tagged": True} for log in logs])
'''

TOPOLOGY = """
src :: Sequence(count: 5)
tag :: py:bare_tagger.Tagger
out :: Null
src -> tag -> out
"""


def test_submit_of_a_bare_file_name_finds_the_module_beside_it(daemons, datablox, tmp_path):
    user = tmp_path / "user"  # not where the master runs (tmp_path)
    user.mkdir()
    (user / "bare_tagger.py").write_text(TAGGER)
    (user / "flow.topo").write_text(TOPOLOGY)
    r = subprocess.run([str(datablox), "submit", "flow.topo", "--master", daemons.endpoint], cwd=user,
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert "No module named" not in r.stderr

    def done():
        s = json.loads(daemons("status", "flow", "-o", "json").stdout)
        return s if s["state"] in ("done", "failed") else None

    s = wait_until(done, "the topology to end")
    assert s["state"] == "done", s
    assert {e["name"]: e for e in s["elements"]}["out"]["logs_in"] == 5
