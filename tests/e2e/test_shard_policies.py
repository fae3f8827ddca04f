"""A Map shard under every routing policy, from a submitted topology (issue
10, item 7): `datablox run` plans the members and the senders' tables, and
the sink's file says exactly what went through which member (the members'
Map stamps its id: "{member}" in a shard's string parameter is the member's
id). Every log once for round_robin, hash and work_queue; once per member
for broadcast; and with hash(user), every log of one user through one
member."""

import collections

import pytest

from conftest import final_elements, jsonl

N = 20000
MEMBERS = 3
USERS = 37


def topology(route):
    return f"""
src  :: Sequence(count: {N})
key  :: Map(expr: "user = concat('u', str(seq % {USERS}))")
work :: shard Map(expr: "member = '{{member}}'") {{ members: {MEMBERS}, route: {route} }}
out  :: JsonLinesSink(path: "out.jsonl")
src -> key -> work -> out
"""


def run_shard(run_topology, tmp_path, route):
    result = run_topology(tmp_path, topology(route))
    assert result.returncode == 0, result.stderr[-3000:]
    rows = jsonl(tmp_path / "out.jsonl")
    last = final_elements(result.snapshots[-1])
    logs_in = [last[f"work/{m}"]["stats"]["logs_in"] for m in range(MEMBERS)]
    return rows, logs_in


@pytest.mark.parametrize("route", ["round_robin", "work_queue", "hash(user)"])
def test_every_log_goes_through_exactly_one_member(run_topology, tmp_path, route):
    rows, logs_in = run_shard(run_topology, tmp_path, route)
    assert sorted(row["seq"] for row in rows) == list(range(N))
    assert all(row["user"] == f"u{row['seq'] % USERS}" for row in rows)
    through = collections.Counter(row["member"] for row in rows)
    assert set(through) <= {str(m) for m in range(MEMBERS)}
    assert [through[str(m)] for m in range(MEMBERS)] == logs_in  # the sink agrees with the members' stats
    if route != "work_queue":  # the least loaded may be one member all along
        assert all(n > 0 for n in logs_in), logs_in


def test_hash_routing_sends_every_log_of_a_key_through_one_member(run_topology, tmp_path):
    rows, _ = run_shard(run_topology, tmp_path, "hash(user)")
    members_of = collections.defaultdict(set)
    for row in rows:
        members_of[row["user"]].add(row["member"])
    assert len(members_of) == USERS
    split = {user: sorted(m) for user, m in members_of.items() if len(m) != 1}
    assert not split, f"keys that went through more than one member: {split}"
    assert len({next(iter(m)) for m in members_of.values()}) > 1  # the keys are spread


def test_broadcast_gives_every_member_every_log(run_topology, tmp_path):
    rows, logs_in = run_shard(run_topology, tmp_path, "broadcast")
    assert logs_in == [N] * MEMBERS
    seen = collections.Counter((row["seq"], row["member"]) for row in rows)
    assert seen == collections.Counter({(seq, str(m)): 1 for seq in range(N) for m in range(MEMBERS)})
