"""bench/run exactly-once: what checkpoints cost, measured against the same
topology without them in the same run.

  checkpoint_overhead  1 - (steady logs/s with `policy * { checkpoint: 1000 }`
              / steady logs/s without), for a join of two Sequence(pad: 80)
              sources -> Map -> keyed Counter -> Null through `datablox run`,
              on the sink's stats; the median of R alternating rounds of
              each (target <= 0.1). Each checkpointed run must have taken
              checkpoints (the sink's stats.checkpoints.taken), or the
              bench fails.

  sink_checkpoint_overhead  the same with a JsonLinesSink for the Null (a
              third of the logs): its two-phase commits per checkpoint (a
              tmp segment synced, renamed and appended) against, without
              checkpoints, a position recorded per batch. Each file must
              hold every line, or the bench fails.

  recovery_s  a master and one caretaker on loopback: Sequence(count: 400000,
              rate: 50000) -> Map -> keyed Counter -> Null checkpointed every
              second; SIGKILL of the Counter after a complete checkpoint, until
              its new host (restored from the checkpoint by the rollback) took
              its first log, its own first_in_unix_ms; median of R (target <= 1 s).
              Each round also checks the Counter's final count is 400000
              (`exact`: every log counted once across the rollback).

  chaos_identical, chaos_kills  bench/lib/chaos.py: about 60 s on three
              nodes, a kill a second (elements, once a node, once the master);
              identical when the outputs equal a fault-free run's."""
import json
import os
import shutil
import signal
import tempfile
import time

from lib.cluster import RECOVERY_TIMEOUT_S, recovery_figures, wait_recovered
from lib.common import build, datablox_run, log, median, stats_of, steady_rate
from lib.chaos import chaos
from lib.daemons import Cluster, ClusterError, element, host_alive

TOPOLOGY = """
a     :: Sequence(count: {count}, pad: 80)
b     :: Sequence(count: {count}, start: 1000000000, pad: 80)
key   :: Map(expr: "k = seq % 64")
count :: Counter(key: "k")
sink  :: {sink}
a -> key
b -> key
key -> count -> sink
{policy}
"""
EVERY_MS = 1000
RECOVERY = """
src   :: Sequence(count: 400000, rate: 50000)
key   :: Map(expr: "k = seq % 64")
count :: Counter(key: "k")
sink  :: Null
src -> key -> count -> sink
policy * { checkpoint: 1000 }
"""


def checkpoints_complete(cluster, topology):
    r = cluster.cli("checkpoints", topology, "-o", "json")
    return r.returncode == 0 and any(c["state"] == "complete" for c in json.loads(r.stdout)["checkpoints"])


def recovery(datablox, workdir, rounds):
    """SIGKILL of the Counter to its first log after the rollback's restore."""
    cluster = Cluster(datablox, workdir, nodes=("n1",))
    runs = []
    try:
        cluster.start()
        for i in range(rounds):
            name = f"recovery-{i}"
            cluster.submit(name, RECOVERY)
            try:
                cluster.wait_status(name, lambda s: all(e.get("state") == "running" and e.get("pid")
                                                        for e in s["elements"]) and checkpoints_complete(cluster, name),
                                    "a complete checkpoint", 30)
                time.sleep(0.3)
                count = element(cluster.try_status(name), "count")
                if not host_alive(count["pid"], f"{name}/count"):
                    raise ClusterError(f"pid {count['pid']} is not {name}/count")
                killed = time.time()
                os.kill(count["pid"], signal.SIGKILL)
                _, again = wait_recovered(cluster, name, "count", count["pid"], killed, RECOVERY_TIMEOUT_S)
                r = recovery_figures(again, killed)
                final, _ = cluster.wait_status(name, lambda s: s.get("state") == "done", "the end", 60)
                r["final_count"] = int(element(final, "count")["stats"]["handlers"]["count"])
                r["exact"] = r["final_count"] == 400000
                runs.append(r)
                log(f"  recovery #{i + 1}: {r['recovery_s']:.3f} s from SIGKILL to the first log after the restore; "
                    f"final count {r['final_count']} ({'exact' if r['exact'] else 'WRONG'})")
            finally:
                cluster.stop_topology(name)
    finally:
        cluster.close()
    return runs


def one_run(datablox, workdir, count, checkpointed, index, file_sink=False):
    policy = f"policy * {{ checkpoint: {EVERY_MS} }}" if checkpointed else ""
    kind = "file" if file_sink else "join"
    path = os.path.join(workdir, f"{kind}-{index}-{'on' if checkpointed else 'off'}.topo")
    out = path + ".jsonl"
    sink = f'JsonLinesSink(path: "{out}")' if file_sink else "Null"
    with open(path, "w") as f:
        f.write(TOPOLOGY.format(count=count, policy=policy, sink=sink))
    stats_file = path + ".stats.jsonl"
    status, wall = datablox_run(datablox, path, stats_file)
    if file_sink:
        with open(out, "rb") as f:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        os.remove(out)
        if lines != 2 * count:
            raise RuntimeError(f"the file holds {lines} lines, not {2 * count}")
    sink = stats_of(status, "sink")
    if sink.get("logs_in") != 2 * count:
        raise RuntimeError(f"the sink received {sink.get('logs_in')} logs, not {2 * count}")
    steady, _ = steady_rate(stats_file, "sink", 2 * count)
    taken = sink.get("checkpoints", {}).get("taken", 0)
    if checkpointed and taken == 0:
        raise RuntimeError(f"a run with a checkpoint every {EVERY_MS} ms took none ({wall:.1f} s)")
    log(f"  {'with' if checkpointed else 'without'} checkpoints: {steady / 1e6 if steady else 0:.2f} M logs/s steady, "
        f"{wall:.1f} s, {taken} checkpoints")
    return {"steady_logs_per_s": steady or round(2 * count / wall), "wall_s": round(wall, 2), "checkpoints": taken}


def exactly_once(args):
    build_dir = os.path.abspath(args.build_dir)
    if not args.no_build:
        build(build_dir, ["datablox"])
    datablox = os.path.join(build_dir, "bin", "datablox")
    count = args.count or 3_000_000
    workdir = tempfile.mkdtemp(prefix="datablox-bench-")
    runs = {True: [], False: []}
    file_runs = {True: [], False: []}
    file_count = max(count // 3, 1000)
    try:
        log(f"checkpoint_overhead: 2 x {count} logs through a join, a checkpoint every {EVERY_MS} ms or none, "
            f"{args.rounds} rounds")
        for index in range(args.rounds):
            for checkpointed in (False, True):
                runs[checkpointed].append(one_run(datablox, workdir, count, checkpointed, index))
        log(f"sink_checkpoint_overhead: the same into a JsonLinesSink, 2 x {file_count} logs: two-phase commits "
            f"per checkpoint against a position recorded per batch, {args.rounds} rounds")
        for index in range(args.rounds):
            for checkpointed in (False, True):
                file_runs[checkpointed].append(one_run(datablox, workdir, file_count, checkpointed, index, True))
    finally:
        if args.keep:
            log(f"raw files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    log(f"recovery_s: a checkpointed Counter killed, until its first log after the rollback, {args.rounds} rounds")
    recovery_workdir = tempfile.mkdtemp(prefix="datablox-bench-recovery-")
    try:
        recovered = recovery(datablox, recovery_workdir, args.rounds)
    finally:
        shutil.rmtree(recovery_workdir, ignore_errors=True)
    recovery_s = median([r["recovery_s"] for r in recovered])
    log("chaos: ~60 s on three nodes, a SIGKILL every second: elements, once a whole node, once the master")
    chaos_workdir = tempfile.mkdtemp(prefix="datablox-bench-chaos-")
    try:
        identical, kills = chaos(datablox, chaos_workdir)
    finally:
        shutil.rmtree(chaos_workdir, ignore_errors=True)
    with_rate = median([r["steady_logs_per_s"] for r in runs[True]])
    without_rate = median([r["steady_logs_per_s"] for r in runs[False]])
    overhead = round(1 - with_rate / without_rate, 3)
    file_with = median([r["steady_logs_per_s"] for r in file_runs[True]])
    file_without = median([r["steady_logs_per_s"] for r in file_runs[False]])
    file_overhead = round(1 - file_with / file_without, 3)
    print(f"checkpoints every {EVERY_MS} ms: {with_rate / 1e6:.2f} M logs/s, none: {without_rate / 1e6:.2f} M logs/s"
          f"  checkpoint_overhead {overhead} (target <= 0.1)")
    print(f"into a JsonLinesSink: {file_with / 1e6:.2f} M logs/s with two-phase commits, {file_without / 1e6:.2f} "
          f"M logs/s without checkpoints  sink_checkpoint_overhead {file_overhead}")
    print(f"recovery {recovery_s} s median from SIGKILL of a stateful element to its first log after the restore "
          f"(target <= 1 s); every round exact: {all(r['exact'] for r in recovered)}")
    print(f"chaos {kills} kills: output {'identical to' if identical else 'DIFFERENT from'} a fault-free run")
    print(json.dumps({
        "bench": "exactly-once",
        "checkpoint_overhead": overhead,
        "with_checkpoints_logs_per_s": with_rate,
        "without_checkpoints_logs_per_s": without_rate,
        "checkpoint_every_ms": EVERY_MS,
        "sink_checkpoint_overhead": file_overhead,
        "sink_with_checkpoints_logs_per_s": file_with,
        "sink_without_checkpoints_logs_per_s": file_without,
        "checkpoints_per_run": [r["checkpoints"] for r in runs[True]],
        "recovery_s": recovery_s,
        "recovery_runs": recovered,
        "recovery_exact": all(r["exact"] for r in recovered),
        "chaos_identical": identical,
        "chaos_kills": kills,
    }))
