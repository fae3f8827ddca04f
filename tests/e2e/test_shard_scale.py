"""Growing and shrinking a keyed shard while logs flow: `datablox scale` and
the master's own decision under load. Every key's final count must equal the
number of logs with that key: nothing lost, nothing counted twice. A real
master and caretaker on loopback, ended by the pids the fixture holds."""

import shard_daemons
from conftest import jsonl, wait_until
from shard_daemons import key_counts, status, wait_done

KEYS = 97


def shard(cli, name, shard_name="users"):
    return shard_daemons.shard(cli, name, shard_name)


def topology(count, rate, members="1..3", extra=""):
    return f"""
src   :: Sequence(count: {count}, rate: {rate})
key   :: Map(expr: "user = concat('u', str(seq % {KEYS}))")
users :: shard Counter(key: "user") {{ members: {members}, route: hash(user), merge: sum }}
ask   :: Ask(timeout_ms: 10000)
out   :: JsonLinesSink(path: "count.jsonl")
src -> key -> users -> ask -> out
ask.ask => users.query
{extra}
"""


def overloaded(count):
    """One Throttle member passes 4,000 logs/s and is sent 10,000: it is busy
    all its time and its sender is blocked, so the master grows the shard."""
    return f"""
src  :: Sequence(count: {count}, rate: 10000)
work :: shard Throttle(rate: 4000) {{ members: 1..3 }}
out  :: JsonLinesSink(path: "out.jsonl")
src -> work -> out
"""


def expected_groups(count):
    return key_counts(f"u{seq % KEYS}" for seq in range(count))


def counted(cli, name, tmp_path):
    wait_done(cli, name)
    rows = jsonl(tmp_path / "count.jsonl")
    assert len(rows) == 1, rows
    return rows[0]


def test_scale_grows_and_shrinks_a_keyed_counter_exactly(daemons, tmp_path):
    count = 30000
    (tmp_path / "t.topo").write_text(topology(count, 3000))
    r = daemons("submit", "t.topo")
    assert r.returncode == 0, r.stderr
    wait_until(lambda: status(daemons, "t")["state"] == "running", "t to run", log=daemons.log)
    assert shard(daemons, "t")["members"] == [0]

    grown = daemons("scale", "t/users", "3")
    assert grown.returncode == 0, grown.stderr + grown.stdout
    assert grown.stdout.splitlines()[0] == "t/users: 1 -> 3 members"
    assert "t/users: 3 members, in" in grown.stdout
    s = shard(daemons, "t")
    assert s["members"] == [0, 1, 2] and s["changing"] is None
    owners = {e["name"] for e in status(daemons, "t")["elements"] if e.get("shard") == "users"}
    assert owners == {"users/0", "users/1", "users/2"}

    shrunk = daemons("scale", "t/users", "1")
    assert shrunk.returncode == 0, shrunk.stderr + shrunk.stdout
    assert shard(daemons, "t")["members"] == [0]

    reply = counted(daemons, "t", tmp_path)
    assert reply["count"] == count
    assert reply["groups"] == expected_groups(count)

    events = daemons("events", "t", "-o", "json")
    assert events.returncode == 0
    text = events.stdout
    assert "growing to 2 members" in text and "shrinking to 2 members" in text


def test_scale_refuses_what_it_cannot_do(daemons, tmp_path):
    (tmp_path / "t.topo").write_text(topology(100000000, 1000))
    assert daemons("submit", "t.topo").returncode == 0
    wait_until(lambda: status(daemons, "t")["state"] == "running", "t to run", log=daemons.log)
    too_many = daemons("scale", "t/users", "4")
    assert too_many.returncode != 0
    assert "shard 'users' has 1..3 members: 4 is out of range" in too_many.stderr
    unknown = daemons("scale", "t/nope", "2")
    assert unknown.returncode != 0
    assert "topology 't' has no shard 'nope' (its shards: users)" in unknown.stderr
    same = daemons("scale", "t/users", "1")  # the size it has: done at once
    assert same.returncode == 0, same.stderr
    assert "t/users: 1 members, in" in same.stdout
    not_a_target = daemons("scale", "users", "2")
    assert not_a_target.returncode != 0 and "say TOPOLOGY/SHARD" in not_a_target.stderr
    assert daemons("kill", "t").returncode == 0


def test_the_master_grows_an_overloaded_shard_by_itself(daemons, tmp_path):
    count = 60000
    (tmp_path / "t.topo").write_text(overloaded(count))
    assert daemons("submit", "t.topo").returncode == 0
    wait_until(lambda: len(shard(daemons, "t", "work")["members"]) > 1, "the master to grow work", timeout=60,
               log=daemons.log)
    wait_done(daemons, "t")
    seqs = [row["seq"] for row in jsonl(tmp_path / "out.jsonl")]
    assert sorted(seqs) == list(range(count))  # every log once, through every change
    text = daemons("events", "t", "-o", "json").stdout
    assert "(the load)" in text


def test_a_grow_after_one_sender_ended_counts_it_fenced_and_ends_the_new_members_input(daemons, tmp_path):
    """`early` ends before the grow: its host is gone, it can neither fence
    nor send END to the new member. The grow must still complete, the new
    member must not wait for `early`'s END, and every count stays exact."""
    late = 20000
    (tmp_path / "t.topo").write_text(f"""
early :: Sequence(count: 500, rate: 5000)
late  :: Sequence(count: {late}, rate: 2500)
key1  :: Map(expr: "user = concat('u', str(seq % {KEYS}))")
key2  :: Map(expr: "user = concat('u', str(seq % {KEYS}))")
users :: shard Counter(key: "user") {{ members: 1..3, route: hash(user), merge: sum }}
ask   :: Ask(timeout_ms: 10000)
out   :: JsonLinesSink(path: "count.jsonl")
early -> key1 -> users
late -> key2 -> users
users -> ask -> out
ask.ask => users.query
""")
    assert daemons("submit", "t.topo").returncode == 0
    state = lambda name: {e["name"]: e["state"] for e in status(daemons, "t")["elements"]}.get(name)
    wait_until(lambda: state("key1") == "ended", "key1 to end", log=daemons.log)
    assert state("key2") == "running", "the test needs `late` still sending during the grow"
    grown = daemons("scale", "t/users", "2")
    assert grown.returncode == 0, grown.stderr + grown.stdout
    assert shard(daemons, "t")["members"] == [0, 1]
    reply = counted(daemons, "t", tmp_path)
    assert reply["count"] == 500 + late
    expected = key_counts([f"u{seq % KEYS}" for seq in range(500)] + [f"u{seq % KEYS}" for seq in range(late)])
    assert reply["groups"] == expected
