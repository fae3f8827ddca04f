"""Keyed state keeps its types when it moves: a member's state holds, per
key, a byte string that is not UTF-8 and a float; after a grow mid-stream
every entry must still hold exactly those (issue 10, item 5: nothing lost
in a move). A real master and caretaker on loopback, ended by the pids the
fixture holds."""

import shutil
from pathlib import Path

from conftest import jsonl, wait_until
from shard_daemons import members, status, wait_done

HERE = Path(__file__).resolve().parent
COUNT = 12000
KEYS = 23

TOPOLOGY = f"""
src  :: Sequence(count: {COUNT}, rate: 3000)
key  :: Map(expr: "user = concat('u', str(seq % {KEYS}))")
kept :: shard py:keep_bytes.KeepBytes(key: "user") {{ members: 1..2, route: hash(user), merge: sum }}
ask  :: Ask(timeout_ms: 10000)
out  :: JsonLinesSink(path: "kept.jsonl")
src -> key -> kept -> ask -> out
ask.ask => kept.query
"""


def test_a_byte_string_and_a_float_in_keyed_state_keep_their_types_through_a_move(daemons, tmp_path):
    shutil.copy(HERE / "shard_classes" / "keep_bytes.py", tmp_path)
    (tmp_path / "t.topo").write_text(TOPOLOGY)
    r = daemons("submit", "t.topo")
    assert r.returncode == 0, r.stderr
    wait_until(lambda: status(daemons, "t")["state"] == "running", "t to run", log=daemons.log)
    grown = daemons("scale", "t/kept", "2")
    assert grown.returncode == 0, grown.stderr + grown.stdout
    assert members(daemons, "t", "kept") == [0, 1]
    wait_done(daemons, "t")
    rows = jsonl(tmp_path / "kept.jsonl")
    assert rows == [{"count": COUNT, "bad": 0}]
