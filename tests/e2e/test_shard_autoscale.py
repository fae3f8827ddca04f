"""A keyed shard the master grows and shrinks by itself (issue 10, items 6
and 7), not by `scale`: a Python SumByKey member slowed to 1 ms per log is
sent 1,200 logs/s, stays busy past the 3 s window and the master grows the
shard; once the fast source has ended only a trickle is left, the members
stay idle past the 10 s window and the master shrinks it. Then the sources
are drained and every key's count and sum must be exact. A real master and
caretaker on loopback, one process per member."""

import shutil
from pathlib import Path

from conftest import REPO, jsonl, wait_until
from shard_daemons import events_text, members, status, submit

HERE = Path(__file__).resolve().parent
KEYS = 23
FAST = 9600
SLOW_START = 1_000_000

TOPOLOGY = f"""
fast :: Sequence(count: {FAST}, rate: 1200)
slow :: Sequence(count: 100000, start: {SLOW_START}, rate: 20)
key  :: Map(expr: "user = concat('u', str(seq % {KEYS}))")
sums :: shard py:slow_sum.SlowSum(key: "user", value: "seq", delay_us: 1000) {{ members: 1..2, route: hash(user), merge: custom }}
ask  :: Ask(timeout_ms: 10000)
out  :: JsonLinesSink(path: "sums.jsonl")
fast -> key
slow -> key
key -> sums -> ask -> out
ask.ask => sums.query
"""


def emitted(final, name):
    return next(e for e in final["elements"] if e["name"] == name)["stats"]["logs_out"]


def test_the_master_grows_a_busy_keyed_shard_and_shrinks_it_when_idle(daemons, tmp_path):
    shutil.copy(REPO / "topologies" / "sum_by_key.py", tmp_path)
    shutil.copy(HERE / "shard_classes" / "slow_sum.py", tmp_path)
    submit(daemons, tmp_path, TOPOLOGY)
    assert members(daemons, "t", "sums") == [0]

    wait_until(lambda: len(members(daemons, "t", "sums")) == 2, "the master to grow sums", timeout=30,
               log=daemons.log)
    wait_until(lambda: "shrank sums from 2 to 1 member" in events_text(daemons, "t"), "the master to shrink sums",
               timeout=40, log=daemons.log)
    assert len(members(daemons, "t", "sums")) == 1
    text = events_text(daemons, "t")
    assert "grow sums from 1 to 2 members: overloaded for " in text
    assert "shrink sums from 2 to 1 member: idle for " in text
    assert "scale to" not in text  # nobody asked by hand

    r = daemons("kill", "t", "-w", "30")  # the trickle never ends by itself: stop the sources, let END flow
    assert r.returncode == 0, r.stderr
    final = wait_until(lambda: (lambda s: s if s["state"] in ("done", "failed", "stopped") else None)(
        status(daemons, "t")), "t to end", timeout=40, log=daemons.log)
    assert emitted(final, "fast") == FAST
    seqs = list(range(FAST)) + list(range(SLOW_START, SLOW_START + emitted(final, "slow")))
    replies = jsonl(tmp_path / "sums.jsonl")
    assert len(replies) == 1, replies
    expected_sums = {}
    for seq in seqs:
        user = f"u{seq % KEYS}"
        expected_sums[user] = expected_sums.get(user, 0) + seq
    assert replies[0]["count"] == len(seqs)
    assert replies[0]["sums"] == dict(sorted(expected_sums.items()))
