"""Senders route straight to a shard's members (issue 10, item 2), on real
element hosts driven by a stand-in caretaker (shard_hosts.py): a Map shard
of three members under every routing policy, with exact outputs; a
round-robin shard grown mid-stream; a hash-routed Counter shard whose keys
each stay on one member; and a move of key groups, held and fenced, then
released to a new member, with every log counted exactly once."""

import collections
import json

import pytest

from conftest import _binary
from shard_hosts import Hosts, key_group, link, route

N = 20000


@pytest.fixture
def hosts(tmp_path):
    h = Hosts(_binary(), tmp_path)
    yield h
    h.close()


def seqs(path):
    return collections.Counter(json.loads(line)["seq"] for line in path.read_text().splitlines())


def map_shard(hosts, tmp_path, kind, members=3, count=N, rate=0.0):
    """src -> work (a shard of `members` Maps, routed by `kind`) -> out."""
    to_members = [link("src", "out", f"work/{m}", shard="work", member=m) for m in range(members)]
    from_members = [link(f"work/{m}", "out", "out") for m in range(members)]
    hosts.spawn("src", "Sequence", {"count": count, "rate": rate},
                push_out=[("out", to_members, [route("work", kind)])])
    for m in range(members):
        hosts.spawn(f"work/{m}", "Map", {"expr": "twice = seq * 2"}, push_in=[("in", [to_members[m]])],
                    push_out=[("out", [from_members[m]], [])], member=("work", m))
    hosts.spawn("out", "JsonLinesSink", {"path": str(tmp_path / "out.jsonl")}, push_in=[("in", from_members)])
    names = ["src"] + [f"work/{m}" for m in range(members)] + ["out"]
    hosts.connect(names)
    return names


@pytest.mark.parametrize("kind", ["round_robin", "work_queue"])
def test_each_log_goes_to_exactly_one_member(hosts, tmp_path, kind):
    stats = hosts.wait_ended(map_shard(hosts, tmp_path, kind))
    assert seqs(tmp_path / "out.jsonl") == collections.Counter(range(N))
    per_member = [stats[f"work/{m}"]["logs_in"] for m in range(3)]
    assert sum(per_member) == N
    assert all(n > 0 for n in per_member), per_member


def test_round_robin_gives_each_member_its_turn(hosts, tmp_path):
    # Paced so that every member keeps up: one whose window is full is
    # passed over (shards/router_test.cc), and three Maps on two cores fed
    # as fast as they take do not keep up alike.
    stats = hosts.wait_ended(map_shard(hosts, tmp_path, "round_robin", rate=20000.0))
    per_member = [stats[f"work/{m}"]["logs_in"] for m in range(3)]
    # Batch by batch in turn: no member gets more than a batch or two of
    # partial batches (flushed by age) more than another.
    assert max(per_member) - min(per_member) <= N // 10, per_member


def test_broadcast_gives_every_member_every_log(hosts, tmp_path):
    stats = hosts.wait_ended(map_shard(hosts, tmp_path, "broadcast"))
    assert seqs(tmp_path / "out.jsonl") == collections.Counter({s: 3 for s in range(N)})
    assert [stats[f"work/{m}"]["logs_in"] for m in range(3)] == [N] * 3


def test_a_member_added_mid_stream_gets_logs_and_none_is_lost(hosts, tmp_path):
    count = 6000
    names = map_shard(hosts, tmp_path, "round_robin", members=2, count=count, rate=6000.0)
    hosts.wait(lambda: any(m["op"] == "stats" and m["stats"]["logs_out"] > 500 for n, m in hosts.messages
                           if n == "src"), "src under way")
    to_new = link("src", "out", "work/2", shard="work", member=2)
    from_new = link("work/2", "out", "out")
    hosts.spawn("work/2", "Map", {"expr": "twice = seq * 2"}, push_in=[("in", [to_new])],
                push_out=[("out", [from_new], [])], member=("work", 2))
    hosts.connect(["work/2"])
    hosts.send("out", {"op": "expect_links", "element": "t/out", "port": "in", "add": [hosts.wire_link(from_new)]})
    hosts.send("src", {"op": "reroute", "element": "t/src", "port": "out", "query": False,
                       "route": route("work", "round_robin", version=2), "add": [hosts.wire_link(to_new)],
                       "remove": []})
    stats = hosts.wait_ended(names + ["work/2"])
    assert seqs(tmp_path / "out.jsonl") == collections.Counter(range(count))
    assert stats["work/2"]["logs_in"] > 0
    assert sum(stats[f"work/{m}"]["logs_in"] for m in range(3)) == count


def counter_shard(hosts, members, groups, count, rate=0.0, keys=40):
    """src -> keys (user = 'uN', N = seq % keys) -> users (a hash(user) shard of Counters)."""
    owners = [g % members for g in range(groups)]
    to_members = [link("keys", "out", f"users/{m}", shard="users", member=m) for m in range(members)]
    to_keys = link("src", "out", "keys")
    hosts.spawn("src", "Sequence", {"count": count, "rate": rate}, push_out=[("out", [to_keys], [])])
    hosts.spawn("keys", "Map", {"expr": f"user = concat('u', str(seq % {keys}))"}, push_in=[("in", [to_keys])],
                push_out=[("out", to_members, [route("users", "hash", key="user", key_groups=groups,
                                                     owners=owners)])])
    for m in range(members):
        hosts.spawn(f"users/{m}", "Counter", {"key": "user"}, push_in=[("in", [to_members[m]])],
                    member=("users", m))
    names = ["src", "keys"] + [f"users/{m}" for m in range(members)]
    hosts.connect(names)
    return names, owners


def handler(stats, name):
    return int(stats["handlers"][name])


def test_hash_routing_keeps_each_key_on_one_member(hosts):
    names, owners = counter_shard(hosts, members=3, groups=16, count=N)
    stats = hosts.wait_ended(names)
    counts = [handler(stats[f"users/{m}"], "count") for m in range(3)]
    groups = [handler(stats[f"users/{m}"], "groups") for m in range(3)]
    assert sum(counts) == N
    assert sum(groups) == 40  # a key counted on two members would count twice here
    expected = collections.Counter(owners[key_group(f"u{k}", 16)] for k in range(40))
    assert groups == [expected[m] for m in range(3)]


def test_moving_groups_are_held_fenced_and_released_to_the_new_member(hosts):
    count, groups = 8000, 8
    names, owners = counter_shard(hosts, members=2, groups=groups, count=count, rate=8000.0)
    hosts.wait(lambda: any(m["op"] == "stats" and m["stats"]["logs_out"] > 1000 for n, m in hosts.messages
                           if n == "keys"), "keys under way")
    moving = [3, 7]  # member 1's, for the new member 2
    to_new = link("keys", "out", "users/2", shard="users", member=2)
    hosts.spawn("users/2", "Counter", {"key": "user"}, push_in=[("in", [to_new])], member=("users", 2))
    hosts.connect(["users/2"])
    hosts.wait(lambda: "users/2" in hosts.endpoints, "users/2 bound")
    hosts.send("keys", {"op": "reroute", "element": "t/keys", "port": "out", "query": False,
                        "route": route("users", "hash", version=2, key="user", key_groups=groups, owners=owners,
                                       held=moving),
                        "add": [hosts.wire_link(to_new)], "remove": []})
    fenced = hosts.wait(lambda: [m for n, m in hosts.messages if m["op"] == "fenced"], "fenced")
    assert fenced[0]["element"] == "t/keys" and fenced[0]["shard"] == "users" and fenced[0]["version"] == 2
    assert fenced[0]["port"] == "out"
    # An older table now is ignored: nothing moves.
    hosts.send("keys", {"op": "reroute", "element": "t/keys", "port": "out", "query": False,
                        "route": route("users", "hash", version=1, key="user", key_groups=groups,
                                       owners=[0] * groups), "add": [], "remove": []})
    moved = list(owners)
    for g in moving:
        moved[g] = 2
    hosts.send("keys", {"op": "reroute", "element": "t/keys", "port": "out", "query": False,
                        "route": route("users", "hash", version=3, key="user", key_groups=groups, owners=moved),
                        "add": [], "remove": []})
    stats = hosts.wait_ended(names + ["users/2"])
    counts = [handler(stats[f"users/{m}"], "count") for m in range(3)]
    assert sum(counts) == count  # nothing held was lost, nothing sent twice
    assert counts[2] > 0
    assert stats["keys"]["reroutes_stale"] == 1
    # The new member got only the keys of the groups that moved to it.
    moving_keys = [k for k in range(40) if key_group(f"u{k}", groups) in moving]
    assert handler(stats["users/2"], "groups") == len(moving_keys)
    assert handler(stats["users/0"], "groups") == sum(1 for k in range(40) if owners[key_group(f"u{k}", groups)] == 0)


def test_a_member_removed_mid_stream_ends_and_none_is_lost(hosts, tmp_path):
    count = 6000
    names = map_shard(hosts, tmp_path, "round_robin", members=3, count=count, rate=6000.0)
    hosts.wait(lambda: any(m["op"] == "stats" and m["stats"]["logs_out"] > 500 for n, m in hosts.messages
                           if n == "src"), "src under way")
    hosts.send("src", {"op": "reroute", "element": "t/src", "port": "out", "query": False,
                       "route": route("work", "round_robin", version=2), "add": [],
                       "remove": ["src.out>work/2.in"]})
    # Its link got END: the leaving member ends while the others go on.
    hosts.wait(lambda: "work/2" in hosts.ended, "work/2 ended")
    assert "src" not in hosts.ended
    stats = hosts.wait_ended(names)
    assert seqs(tmp_path / "out.jsonl") == collections.Counter(range(count))
    assert sum(stats[f"work/{m}"]["logs_in"] for m in range(3)) == count
    assert stats["work/2"]["logs_in"] < stats["work/0"]["logs_in"]
