"""Issue 8, item 19: the master cached every class it had loaded for its
whole life, so a Python class edited between two submits was checked
against its old declaration until the master restarted. The master now
reads class declarations afresh on every submit."""

import json
import subprocess

from conftest import wait_until

VERSION_1 = '''
import datablox


class Stamp(datablox.Element):
    """stamps logs (version 1)"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]

    def on_batch(self, port, logs):
        self.emit(logs)
'''

VERSION_2 = VERSION_1.replace("version 1", "version 2, whose output port is renamed").replace(
    'push_out("out")', 'push_out("stamped")')

TOPOLOGY_1 = """
src :: Sequence(count: 3)
st  :: py:edited_stamp.Stamp
out :: Null
src -> st
st.out -> out
"""

TOPOLOGY_2 = """
src :: Sequence(count: 3)
st  :: py:edited_stamp.Stamp
out :: Null
src -> st
st.stamped -> out
"""


def test_a_class_edited_between_two_submits_is_read_again(daemons, datablox, tmp_path):
    def submit(name, text):
        (tmp_path / f"{name}.topo").write_text(text)
        return subprocess.run([str(datablox), "submit", f"{name}.topo", "--master", daemons.endpoint], cwd=tmp_path,
                              capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)

    def ended(name):
        def state():
            s = json.loads(daemons("status", name, "-o", "json").stdout)
            return s if s["state"] in ("done", "failed") else None
        return wait_until(state, f"{name} to end")

    (tmp_path / "edited_stamp.py").write_text(VERSION_1)
    r = submit("first", TOPOLOGY_1)
    assert r.returncode == 0, r.stderr
    assert ended("first")["state"] == "done"

    (tmp_path / "edited_stamp.py").write_text(VERSION_2)
    r = submit("second", TOPOLOGY_2)
    assert r.returncode == 0, r.stderr  # the old master: "no port 'stamped'"
    assert ended("second")["state"] == "done"

    r = submit("third", TOPOLOGY_1)  # and the old port is gone for good (named: a chain would take the new one)
    assert r.returncode == 65
    assert "'out'" in r.stderr, r.stderr
