"""bench/run shards, its scale part: a keyed Counter shard on a master and
two caretakers, grown 1 -> 2 -> 3 and shrunk to 1 by `datablox scale` while
logs flow; how long a grow takes to put a member to work, how many keys
move from 2 to 3 members, and whether every key's count stayed exact."""
import json
import os
import subprocess
import time

from lib.common import log
from lib.daemons import Cluster, ClusterError
from lib.shard_figures import decision_ms, exactness, members_of, moved_share, owners

KEYS = 1000  # user = seq % KEYS
RATE = 100_000  # logs/s of the source: steady, so that every step happens mid-stream
STREAM_S = 12  # the stream's length; the steps take ~5 s when they work
STEP_TIMEOUT_S = 10.0  # a step that does not happen fails the part, it does not hang
SETTLE_S = 1.0  # after a step: every key has had logs at its new owner (KEYS / RATE = 10 ms)
TOPOLOGY = "scale"
SHARD = "users"
ACTIVE = ("starting", "running")

SCALE_TOPOLOGY = """\
src    :: Sequence(count: {count}, rate: {rate})
keys   :: Map(expr: "user = seq % {keys}")
users  :: shard Counter(key: "user") {{members: 1..4, route: hash(user), merge: sum}}
ask    :: Ask(request: "{{}}", timeout_ms: 10000)
result :: JsonLinesSink(path: "{result}")
src -> keys -> users -> ask -> result
ask.ask => users.query
"""


def active_members(status):
    return [m for m in members_of(status, SHARD) if m.get("state") in ACTIVE]


def scale(cluster, members):
    """`datablox scale scale/users MEMBERS`, which waits for the change."""
    r = cluster.cli("scale", f"{TOPOLOGY}/{SHARD}", members, "--timeout", STEP_TIMEOUT_S,
                    timeout=STEP_TIMEOUT_S + 20)
    if r.returncode != 0:
        raise ClusterError(f"`datablox scale {TOPOLOGY}/{SHARD} {members}` exited {r.returncode}: "
                           f"{r.stderr.strip()[-500:]}")
    return r


def grow(cluster, members):
    """`datablox scale scale/users MEMBERS` from one member fewer, until the
    new member has processed a log; the figures of that grow."""
    s = cluster.try_status(TOPOLOGY) or {}
    before = {m["name"] for m in active_members(s)}
    asked_wall = time.time()
    scale(cluster, members)
    command_s = time.time() - asked_wall

    def grown(st):
        now = active_members(st)
        return len(now) == members and any(m["name"] not in before and m.get("stats", {}).get("first_in_unix_ms")
                                           for m in now)

    s, _ = cluster.wait_status(TOPOLOGY, grown, f"{SHARD} to run {members} members, the new one taking logs",
                               STEP_TIMEOUT_S)
    new = next(m for m in active_members(s) if m["name"] not in before)
    first_ms = new["stats"]["first_in_unix_ms"]
    events = cluster.cli("events", TOPOLOGY, "-n", 500, "-o", "json")
    decided = decision_ms(json.loads(events.stdout) if events.returncode == 0 else [], SHARD, asked_wall * 1000 - 1)
    figures = {"member": new["name"], "node": new.get("node"), "command_s": round(command_s, 3),
               "from_command_s": round(first_ms / 1000.0 - asked_wall, 3),
               "from_event_s": round((first_ms - decided) / 1000.0, 3) if decided else None}
    figures["grow_s"] = figures["from_event_s"] if decided else figures["from_command_s"]
    log(f"  grow to {members}: {new['name']} on {new.get('node')} took its first log {figures['from_command_s']} s "
        f"after the command (from the master's event: {figures['from_event_s']} s)")
    return figures


def shrink(cluster, members):
    asked = time.monotonic()
    scale(cluster, members)
    s, _ = cluster.wait_status(TOPOLOGY, lambda st: len(active_members(st)) == members,
                               f"{SHARD} to shrink to {members} members", STEP_TIMEOUT_S)
    took = round(time.monotonic() - asked, 3)
    log(f"  shrink to {members}: {took} s until status showed {members} member(s)")
    return s, took


def snapshot(cluster, tries=3):
    """{key: member} from each active member's own groups (`datablox call
    scale/users/ID.query {}`); retried when a key shows in two members."""
    for attempt in range(tries):
        s = cluster.try_status(TOPOLOGY) or {}
        groups = {}
        for m in active_members(s):
            r = cluster.cli("call", f"{TOPOLOGY}/{m['name']}.query", "{}", "-o", "json")
            if r.returncode != 0:
                raise ClusterError(f"`datablox call {TOPOLOGY}/{m['name']}.query {{}}` exited {r.returncode}: "
                                   f"{r.stderr.strip()[-300:]}")
            groups[m["name"]] = json.loads(r.stdout).get("groups", {})
        owner, doubled = owners(groups)
        if not doubled:
            return owner
        time.sleep(0.3)
    raise ClusterError(f"keys held by two members at once in {tries} snapshots (e.g. {doubled[:5]})")


def grow_and_shrink(cluster, workdir):
    count = RATE * STREAM_S
    result_path = os.path.join(workdir, "scale-result.jsonl")
    cluster.submit(TOPOLOGY, SCALE_TOPOLOGY.format(count=count, rate=RATE, keys=KEYS, result=result_path))
    cluster.wait_status(TOPOLOGY, lambda st: any(m.get("stats", {}).get("logs_in") for m in active_members(st)),
                        f"{SHARD}/0 to take logs", 30.0)
    time.sleep(SETTLE_S)
    to_2 = grow(cluster, 2)
    time.sleep(SETTLE_S)
    at_2 = snapshot(cluster)
    to_3 = grow(cluster, 3)
    time.sleep(SETTLE_S)
    at_3 = snapshot(cluster)
    s, shrink_s = shrink(cluster, 1)
    src = next((e for e in s.get("elements", []) if e.get("name") == "src"), {})
    mid_stream = (src.get("stats", {}).get("logs_out") or 0) < count
    cluster.wait_status(TOPOLOGY, lambda st: st.get("state") == "done", "the stream to end and Ask to answer",
                        STREAM_S + 30.0)
    replies = []
    if os.path.exists(result_path):
        with open(result_path) as f:
            replies = [json.loads(line) for line in f if line.strip()]
    reply = replies[-1] if replies else {}
    exact, details = exactness(reply.get("groups"), reply.get("count"), count, KEYS)
    share = moved_share(at_2, at_3)
    log(f"  moved from 2 to 3 members: {share} of the keys; final counts exact: {exact} ({details['wrong_keys']} "
        f"keys wrong of {details['keys_expected']}; total {details['total']} of {count})")
    return {"grow_s": max(to_2["grow_s"], to_3["grow_s"]), "moved_share_2_to_3": share, "exact": exact,
            "grow_1_to_2": to_2, "grow_2_to_3": to_3, "shrink_3_to_1_s": shrink_s, "mid_stream": mid_stream,
            "logs": count, "rate": RATE, "keys": KEYS, "keys_at_2": len(at_2), "keys_at_3": len(at_3),
            "counts": details}


def scale_part(datablox, workdir, errors):
    """The figures, or {} with errors["scale"] saying why not (within ~10 s
    when `datablox scale` or a step of it is missing)."""
    r = subprocess.run([datablox, "scale", "--help"], capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        errors["scale"] = "this datablox has no `scale` command"
        log(f"  scale FAILED: {errors['scale']}")
        return {}
    cluster = Cluster(datablox, workdir, nodes=("n1", "n2"))
    try:
        cluster.start()
        return grow_and_shrink(cluster, workdir)
    except (ClusterError, subprocess.TimeoutExpired, json.JSONDecodeError) as e:
        errors["scale"] = str(e)[-1500:]
        log(f"  scale FAILED: {errors['scale']}")
        return {}
    finally:
        cluster.close()
