"""bench/run aggregate: Aggregate by one key with a sum against a C++
pass-through (Counter), the same Sequence -> MID -> Null, in one run."""
import json
import os
import shutil
import tempfile

from lib.common import PAD, best, build, datablox_run, log, stats_of, steady_rate, topology_with_count

VARIANTS = [("pass", "cpp_pass.topo"), ("aggregate", "aggregate.topo")]


def through_mid(datablox, topology, count, workdir, tag, emits):
    """One run of Sequence -> MID -> Null, measured on MID's input."""
    stats_file = os.path.join(workdir, f"{tag}.jsonl")
    status, wall = datablox_run(datablox, topology, stats_file)
    mid, sink = stats_of(status, "mid"), stats_of(status, "sink")
    if mid.get("logs_in") != count or sink.get("logs_in") != emits:
        raise RuntimeError(f"{tag}: mid took {mid.get('logs_in')} logs (not {count}), "
                           f"the sink got {sink.get('logs_in')} (not {emits})")
    steady, window = steady_rate(stats_file, "mid", count)
    uptime = round(count / (mid["uptime_ms"] / 1000.0))
    return {"wall_s": round(wall, 3), "steady_logs_per_s": steady or uptime, "steady_window_ms": window,
            "uptime_logs_per_s": uptime,
            "work_ns_per_log": round((mid.get("busy_ms", 0) - mid.get("blocked_ms", 0)) * 1e6 / count, 1)}


def aggregate(args):
    build_dir = os.path.abspath(args.build_dir)
    if not args.no_build:
        build(build_dir, ["datablox"])
    datablox = os.path.join(build_dir, "bin", "datablox")
    count = args.count or 5_000_000
    workdir = tempfile.mkdtemp(prefix="datablox-bench-aggregate-")
    runs = {key: [] for key, _ in VARIANTS}
    try:
        log(f"aggregate: {count} logs of ~{PAD + 20} bytes through one middle element, best of {args.rounds}")
        topologies = {key: topology_with_count(name, count, workdir) for key, name in VARIANTS}
        for i in range(args.rounds):  # alternate, so that drifting machine load hits both sides
            for key, _ in VARIANTS:
                r = through_mid(datablox, topologies[key], count, workdir, f"{key}-{i}",
                                emits=count if key == "pass" else 1)
                runs[key].append(r)
                log(f"  {key:9} #{i + 1}: steady {r['steady_logs_per_s'] / 1e6:.3f} M logs/s, "
                    f"work {r['work_ns_per_log']:.0f} ns/log")
    finally:
        if args.keep:
            log(f"raw files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    b = {key: best(rs, "steady_logs_per_s") for key, rs in runs.items()}
    rate = {key: b[key]["steady_logs_per_s"] for key in b}
    ratio = round(rate["aggregate"] / rate["pass"], 3)
    print(f"Aggregate(by one key, sum) {rate['aggregate'] / 1e6:.3f} M logs/s  pass-through (Counter) "
          f"{rate['pass'] / 1e6:.3f} M logs/s  aggregate_vs_pass_ratio {ratio} (target >= 0.5)")
    print(json.dumps({"bench": "aggregate", "aggregate_vs_pass_ratio": ratio,
                      "aggregate_steady_logs_per_s": rate["aggregate"], "pass_steady_logs_per_s": rate["pass"],
                      "aggregate_work_ns_per_log": b["aggregate"]["work_ns_per_log"],
                      "pass_work_ns_per_log": b["pass"]["work_ns_per_log"], "logs": count, "pad": PAD,
                      "rounds": args.rounds,
                      "runs": {k: [r["steady_logs_per_s"] for r in rs] for k, rs in runs.items()},
                      "cpus": os.cpu_count(), "loadavg_1m": round(os.getloadavg()[0], 2)}))
