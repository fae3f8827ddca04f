"""bench/run python: Python elements against the same in C++ and against a
naive Python peer."""
import json
import os
import shutil
import subprocess
import tempfile

from lib.common import NICE, PAD, ROOT, best, build, datablox_run, log, stats_of, steady_rate, stop, topology_with_count

PYTHON_DIR = os.path.join(ROOT, "bench", "python")
PYTHON_VARIANTS = [  # (key, topology): MID is the element measured
    ("py_pass", "py_pass.topo"),
    ("cpp_pass", "cpp_pass.topo"),
    ("py_rebuild", "py_rebuild.topo"),
]


def python_env():
    """The environment of `datablox run`: bench/python on DATABLOX_PYTHONPATH
    (the topology copies live in a temporary folder), no bytecode written."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env["DATABLOX_PYTHONPATH"] = ":".join(p for p in (PYTHON_DIR, os.environ.get("DATABLOX_PYTHONPATH")) if p)
    return env


def through_mid(datablox, topology, count, workdir, tag):
    """One run of Sequence -> MID -> Null, measured on MID."""
    stats_file = os.path.join(workdir, f"{tag}.jsonl")
    status, wall = datablox_run(datablox, topology, stats_file, env=python_env())
    mid, src, sink = stats_of(status, "mid"), stats_of(status, "src"), stats_of(status, "sink")
    if mid.get("logs_in") != count or mid.get("logs_out") != count or sink.get("logs_in") != count:
        raise RuntimeError(f"{tag}: mid took {mid.get('logs_in')} and passed {mid.get('logs_out')} logs, "
                           f"the sink got {sink.get('logs_in')}, not {count} each")
    result = {
        "wall_s": round(wall, 3),
        "e2e_logs_per_s": round(count / wall),
        "uptime_logs_per_s": round(count / (mid["uptime_ms"] / 1000.0)),
        # The element's own time per log: in its hooks, emit included, minus
        # the time emit waited for downstream credit (blocked, part of busy).
        "work_ns_per_log": round((mid.get("busy_ms", 0) - mid.get("blocked_ms", 0)) * 1e6 / count, 1),
        "busy_ns_per_log": round(mid.get("busy_ms", 0) * 1e6 / count, 1),
        "mid_blocked_ms": round(mid.get("blocked_ms", 0), 1),
        "mid_rss_mb": round(mid.get("rss_bytes", 0) / 1e6, 1),
        # Shares of their life the source and MID waited for credit downstream:
        # a MID that waits a lot is not what sets the pace.
        "src_blocked_share": round(src.get("blocked_ms", 0) / src["uptime_ms"], 3) if src.get("uptime_ms") else None,
        "mid_blocked_share": round(mid.get("blocked_ms", 0) / mid["uptime_ms"], 3) if mid.get("uptime_ms") else None,
    }
    steady, window = steady_rate(stats_file, "mid", count)
    result["steady_logs_per_s"] = steady or result["uptime_logs_per_s"]
    result["steady_window_ms"] = window
    return result


def naive_python(count):
    """The naive peer: a PULL consumer and a PUSH producer, two processes."""
    script = os.path.join(PYTHON_DIR, "naive_peer.py")
    consumer = subprocess.Popen(NICE + ["/usr/bin/python3", script, "pull", "--count", str(count)],
                                stdout=subprocess.PIPE, text=True)
    producer = None
    try:
        endpoint = consumer.stdout.readline().strip()
        if not endpoint.startswith("tcp://"):
            raise RuntimeError(f"naive_peer.py pull printed no endpoint: {endpoint!r}")
        producer = subprocess.Popen(NICE + ["/usr/bin/python3", script, "push", "--count", str(count),
                                            "--endpoint", endpoint, "--pad", str(PAD)])
        out, _ = consumer.communicate(timeout=600)
        if producer.wait(timeout=60) != 0 or consumer.returncode != 0:
            raise RuntimeError(f"naive peer failed: producer {producer.returncode}, consumer {consumer.returncode}")
    finally:
        for process in (producer, consumer):
            if process is not None:
                stop(process)
    r = json.loads(out.strip().splitlines()[-1])
    if r["received"] != count or not r["seq_ok"]:
        raise RuntimeError(f"naive peer: {r}")
    return r


def python(args):
    build_dir = os.path.abspath(args.build_dir)
    if not args.no_build:
        build(build_dir, ["datablox", "_datablox"])
    datablox = os.path.join(build_dir, "bin", "datablox")
    count = args.count or 5_000_000
    naive_count = args.naive_count or min(count, 1_000_000)
    workdir = tempfile.mkdtemp(prefix="datablox-bench-python-")
    runs = {key: [] for key, _ in PYTHON_VARIANTS}
    runs["naive"] = []
    try:
        log(f"python: {count} logs of ~{PAD + 20} bytes through one middle element, best of {args.rounds}; "
            f"naive Python peer: {naive_count} logs")
        topologies = {key: topology_with_count(name, count, workdir) for key, name in PYTHON_VARIANTS}
        for i in range(args.rounds):  # alternate, so that drifting machine load hits every side
            for key, _ in PYTHON_VARIANTS:
                r = through_mid(datablox, topologies[key], count, workdir, f"{key}-{i}")
                runs[key].append(r)
                log(f"  {key:10} #{i + 1}: steady {r['steady_logs_per_s'] / 1e6:.3f} M logs/s, "
                    f"work {r['work_ns_per_log']:.0f} ns/log, blocked share: src {r['src_blocked_share']} "
                    f"mid {r['mid_blocked_share']}")
            r = naive_python(naive_count)
            runs["naive"].append(r)
            log(f"  naive      #{i + 1}: steady {r['steady_logs_per_s'] / 1e6:.3f} M logs/s")
    finally:
        if args.keep:
            log(f"raw files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    b = {key: best(rs, "steady_logs_per_s") for key, rs in runs.items()}
    rate = {key: b[key]["steady_logs_per_s"] for key in b}
    ratio = lambda a, c: round(rate[a] / rate[c], 3)
    print(f"python pass-through {rate['py_pass'] / 1e6:.3f} M logs/s "
          f"({b['py_pass']['work_ns_per_log']:.0f} ns/log of work)"
          f"  C++ Counter {rate['cpp_pass'] / 1e6:.3f} M logs/s ({b['cpp_pass']['work_ns_per_log']:.0f} ns/log)"
          f"  py_vs_cpp_ratio {ratio('py_pass', 'cpp_pass')}")
    print(f"python new dict per log {rate['py_rebuild'] / 1e6:.3f} M logs/s "
          f"({b['py_rebuild']['work_ns_per_log']:.0f} ns/log of work)  vs C++ {ratio('py_rebuild', 'cpp_pass')}")
    print(f"naive Python peer (pyzmq + json, 2 processes) {rate['naive'] / 1e6:.3f} M logs/s  "
          f"py_vs_naive_ratio {ratio('py_pass', 'naive')}  (new dicts: {ratio('py_rebuild', 'naive')})")
    result = {
        "bench": "python",
        "py_vs_cpp_ratio": ratio("py_pass", "cpp_pass"),
        "py_vs_naive_ratio": ratio("py_pass", "naive"),
        "rebuild_vs_cpp_ratio": ratio("py_rebuild", "cpp_pass"),
        "rebuild_vs_naive_ratio": ratio("py_rebuild", "naive"),
        "py_steady_logs_per_s": rate["py_pass"],
        "cpp_steady_logs_per_s": rate["cpp_pass"],
        "rebuild_steady_logs_per_s": rate["py_rebuild"],
        "naive_steady_logs_per_s": rate["naive"],
        # Cost in the element itself (busy minus blocked), lower is better. When
        # MID's blocked share is high, the hop, not MID, sets the rate.
        "py_work_ns_per_log": b["py_pass"]["work_ns_per_log"],
        "cpp_work_ns_per_log": b["cpp_pass"]["work_ns_per_log"],
        "rebuild_work_ns_per_log": b["py_rebuild"]["work_ns_per_log"],
        "logs": count, "naive_logs": naive_count, "pad": PAD, "rounds": args.rounds,
        "best": {key: b[key] for key in b},
        "runs": {key: [r["steady_logs_per_s"] for r in rs] for key, rs in runs.items()},
        "cpus": os.cpu_count(),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result, separators=(",", ":")), flush=True)
