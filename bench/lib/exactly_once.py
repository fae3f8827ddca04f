"""bench/run exactly-once: what checkpoints cost, measured against the same
topology without them in the same run.

  checkpoint_overhead  1 - (steady logs/s with `policy * { checkpoint: 1000 }`
              / steady logs/s without), for a join of two Sequence(pad: 80)
              sources -> Map -> keyed Counter -> Null through `datablox run`,
              on the sink's stats; the median of R alternating rounds of
              each (target <= 0.1). Each checkpointed run must have taken
              checkpoints (the sink's stats.checkpoints.taken), or the
              bench fails.

recovery_s, chaos_identical and chaos_kills need recovery from a
checkpoint, which is not built yet: they are null (0 kills) and `missing`
says so."""
import json
import os
import shutil
import tempfile

from lib.common import build, datablox_run, log, median, stats_of, steady_rate

TOPOLOGY = """
a     :: Sequence(count: {count}, pad: 80)
b     :: Sequence(count: {count}, start: 1000000000, pad: 80)
key   :: Map(expr: "k = seq % 64")
count :: Counter(key: "k")
sink  :: Null
a -> key
b -> key
key -> count -> sink
{policy}
"""
EVERY_MS = 1000


def one_run(datablox, workdir, count, checkpointed, index):
    policy = f"policy * {{ checkpoint: {EVERY_MS} }}" if checkpointed else ""
    path = os.path.join(workdir, f"join-{index}-{'on' if checkpointed else 'off'}.topo")
    with open(path, "w") as f:
        f.write(TOPOLOGY.format(count=count, policy=policy))
    stats_file = path + ".stats.jsonl"
    status, wall = datablox_run(datablox, path, stats_file)
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
    try:
        log(f"checkpoint_overhead: 2 x {count} logs through a join, a checkpoint every {EVERY_MS} ms or none, "
            f"{args.rounds} rounds")
        for index in range(args.rounds):
            for checkpointed in (False, True):
                runs[checkpointed].append(one_run(datablox, workdir, count, checkpointed, index))
    finally:
        if args.keep:
            log(f"raw files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    with_rate = median([r["steady_logs_per_s"] for r in runs[True]])
    without_rate = median([r["steady_logs_per_s"] for r in runs[False]])
    overhead = round(1 - with_rate / without_rate, 3)
    print(f"checkpoints every {EVERY_MS} ms: {with_rate / 1e6:.2f} M logs/s, none: {without_rate / 1e6:.2f} M logs/s"
          f"  checkpoint_overhead {overhead} (target <= 0.1)")
    print(json.dumps({
        "bench": "exactly-once",
        "checkpoint_overhead": overhead,
        "with_checkpoints_logs_per_s": with_rate,
        "without_checkpoints_logs_per_s": without_rate,
        "checkpoint_every_ms": EVERY_MS,
        "checkpoints_per_run": [r["checkpoints"] for r in runs[True]],
        "recovery_s": None,
        "chaos_identical": None,
        "chaos_kills": 0,
        "missing": "recovery from a checkpoint (restore, source rewind, sink commit) is not built yet",
    }))
