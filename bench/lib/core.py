"""bench/run core: the push path, the query round trip and the memory behind
a slow consumer, each against a raw ZeroMQ baseline."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

from lib.common import (NICE, PAD, TOPOLOGIES, best, build, datablox_run, element_series, log, read_samples, run,
                        stats_of, steady_rate, stop, topology_with_count)


def push_framework(datablox, topology, count, workdir, index, flags=()):
    stats_file = os.path.join(workdir, f"push-{index}{''.join(flags)}.jsonl")
    status, wall = datablox_run(datablox, topology, stats_file, flags=flags)
    sink, src = stats_of(status, "sink"), stats_of(status, "src")
    if sink.get("logs_in") != count:
        raise RuntimeError(f"the sink received {sink.get('logs_in')} logs, not {count}")
    result = {
        "wall_s": round(wall, 3),
        "e2e_logs_per_s": round(count / wall),
        "uptime_logs_per_s": round(count / (sink["uptime_ms"] / 1000.0)),
        "sink_uptime_ms": round(sink["uptime_ms"], 1),
        "sink_busy_ms": round(sink.get("busy_ms", 0), 1),
        "src_busy_ms": round(src.get("busy_ms", 0), 1),
        "src_blocked_ms": round(src.get("blocked_ms", 0), 1),
        "sink_rss_mb": round(sink.get("rss_bytes", 0) / 1e6, 1),
        "src_rss_mb": round(src.get("rss_bytes", 0) / 1e6, 1),
        "batches": sink.get("batches_in"),
    }
    steady, window = steady_rate(stats_file, "sink", count)
    if steady:
        result["steady_logs_per_s"], result["steady_window_ms"] = steady, window
    else:  # too short a run for two reports: the sink's whole life
        result["steady_logs_per_s"] = result["uptime_logs_per_s"]
        result["steady_window_ms"] = None
    return result


# The raw baseline at each of these batch sizes, the fastest kept: the
# framework's batch (policy { batch }, 1000 by default) is not raw ZeroMQ's
# best (here 100-400 logs a message beat 1000), and the baseline should be
# raw ZeroMQ at its best, not at our setting.
RAW_BATCHES = (100, 400, 1000)


def push_raw_at(raw_push, count, batch, decode=True):
    code, out, err = run(NICE + [raw_push, "--count", str(count), "--pad", str(PAD), "--batch", str(batch)]
                         + ([] if decode else ["--no-decode"]), timeout=300, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    r = json.loads(out.strip().splitlines()[-1])
    if code != 0 or not r["completed"] or (decode and not r["seq_ok"]):
        raise RuntimeError(f"bench_raw_push failed ({code}): {out} {err}")
    return {"steady_logs_per_s": r["steady_logs_per_s"], "e2e_logs_per_s": r["e2e_logs_per_s"],
            "steady_s": round(r["steady_s"], 3), "wall_s": round(r["e2e_s"], 3), "batch": batch}


def push_raw(raw_push, count, decode=True):
    """Raw ZeroMQ + msgpack at its fastest batch size of RAW_BATCHES (each
    run's figures under "by_batch")."""
    tries = [push_raw_at(raw_push, count, batch, decode) for batch in RAW_BATCHES]
    best = dict(max(tries, key=lambda r: r["steady_logs_per_s"]))
    best["by_batch"] = {r["batch"]: r["steady_logs_per_s"] for r in tries}
    return best


def bench_push(bin_dir, count, rounds, workdir):
    topology = topology_with_count("push.topo", None if count == 10_000_000 else count, workdir)
    framework, raw, bare, curve = [], [], [], []
    for i in range(rounds):  # alternate, so that drifting machine load hits both sides
        framework.append(push_framework(os.path.join(bin_dir, "datablox"), topology, count, workdir, i))
        log(f"  push framework #{i + 1}: steady {framework[-1]['steady_logs_per_s'] / 1e6:.2f} M logs/s, "
            f"e2e {framework[-1]['e2e_logs_per_s'] / 1e6:.2f} M logs/s")
        # The same topology with its links encrypted (master --curve-links).
        curve.append(push_framework(os.path.join(bin_dir, "datablox"), topology, count, workdir, i,
                                    ("--curve-links",)))
        log(f"  push framework, CURVE links #{i + 1}: steady {curve[-1]['steady_logs_per_s'] / 1e6:.2f} M logs/s")
        raw.append(push_raw(os.path.join(bin_dir, "bench_raw_push"), count))
        log(f"  push raw       #{i + 1}: steady {raw[-1]['steady_logs_per_s'] / 1e6:.2f} M logs/s, "
            f"e2e {raw[-1]['e2e_logs_per_s'] / 1e6:.2f} M logs/s (batch {raw[-1]['batch']}; "
            f"by batch {raw[-1]['by_batch']})")
        bare.append(push_raw(os.path.join(bin_dir, "bench_raw_push"), count, decode=False))
        log(f"  push raw, consumer not decoding #{i + 1}: steady {bare[-1]['steady_logs_per_s'] / 1e6:.2f} M logs/s")
    f, r, b = best(framework, "steady_logs_per_s"), best(raw, "steady_logs_per_s"), best(bare, "steady_logs_per_s")
    c = best(curve, "steady_logs_per_s")
    return {
        "logs": count, "pad": PAD, "rounds": rounds,
        "framework_steady_logs_per_s": f["steady_logs_per_s"],
        "framework_e2e_logs_per_s": max(x["e2e_logs_per_s"] for x in framework),
        "raw_steady_logs_per_s": r["steady_logs_per_s"],
        "raw_e2e_logs_per_s": max(x["e2e_logs_per_s"] for x in raw),
        "raw_best": r,  # its batch size, and every batch size's figure
        "e2e_ratio": round(max(x["e2e_logs_per_s"] for x in framework) / max(x["e2e_logs_per_s"] for x in raw), 3),
        "framework_best": f,
        "framework_runs": [x["steady_logs_per_s"] for x in framework],
        "raw_runs": [x["steady_logs_per_s"] for x in raw],
        # For reference: the raw pair with a consumer that does not unpack (the
        # framework's Null does not parse logs either; the raw consumer does).
        "raw_nodecode_steady_logs_per_s": b["steady_logs_per_s"],
        "ratio_vs_raw_nodecode": round(f["steady_logs_per_s"] / b["steady_logs_per_s"], 3),
        # CURVE on the links against plain links, same topology, same run
        # (target: costs at most 20%, i.e. curve_push_ratio >= 0.8).
        "curve_steady_logs_per_s": c["steady_logs_per_s"],
        "curve_runs": [x["steady_logs_per_s"] for x in curve],
        "curve_push_ratio": round(c["steady_logs_per_s"] / f["steady_logs_per_s"], 3),
    }, round(f["steady_logs_per_s"] / r["steady_logs_per_s"], 3)


# ------------------------------------------------------------------ query

def query_client(client, endpoint, count, warmup):
    code, out, err = run(NICE + [client, "--endpoint", endpoint, "--count", str(count), "--warmup", str(warmup)],
                         timeout=300, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if code != 0:
        raise RuntimeError(f"bench_query_client failed ({code}): {err[-1000:]}")
    return json.loads(out.strip().splitlines()[-1])


class QueryTopology:
    """`datablox run query.topo` (Sequence at 100 logs/s -> Counter) in the
    background, until stopped by SIGTERM to the pid we hold."""

    def __init__(self, bin_dir, workdir, tag):
        self.stats_file = os.path.join(workdir, f"query-{tag}.jsonl")
        with open(os.path.join(workdir, f"query-{tag}.err"), "w") as err:
            self.process = subprocess.Popen(
                NICE + [os.path.join(bin_dir, "datablox"), "run", os.path.join(TOPOLOGIES, "query.topo"), "-q",
                        "--stats-file", self.stats_file], stdout=subprocess.DEVNULL, stderr=err)
        self.exit = None

    def counter_endpoint(self, limit_s=20):
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"datablox run query.topo exited {self.process.returncode}")
            for element, _ in element_series(read_samples(self.stats_file), "count"):
                if element.get("state") == "running" and element.get("endpoints", {}).get("query"):
                    return element["endpoints"]["query"]
            time.sleep(0.1)
        raise RuntimeError("the Counter's query endpoint did not show in the stats file")

    def stop(self):
        self.exit = stop(self.process, signal.SIGTERM)  # `datablox run` exits 130 when interrupted
        return self.exit


def query_framework(bin_dir, workdir, index, count, warmup):
    topology = QueryTopology(bin_dir, workdir, f"framework-{index}")
    try:
        result = query_client(os.path.join(bin_dir, "bench_query_client"), topology.counter_endpoint(), count, warmup)
    finally:
        topology.stop()
    result["run_exit"] = topology.exit
    return result


def query_raw(bin_dir, count, warmup, background=None):
    """The raw server; with background=(workdir, tag), while query.topo runs
    beside it, so that the raw side bears the same machine load."""
    topology = None
    server = None
    try:
        if background:
            topology = QueryTopology(bin_dir, *background)
            topology.counter_endpoint()  # running, as in the framework measurement
        server = subprocess.Popen(NICE + [os.path.join(bin_dir, "bench_raw_query_server")], stdout=subprocess.PIPE,
                                  text=True)
        endpoint = server.stdout.readline().strip()
        if not endpoint:
            raise RuntimeError("bench_raw_query_server printed no endpoint")
        return query_client(os.path.join(bin_dir, "bench_query_client"), endpoint, count, warmup)
    finally:
        if server:
            stop(server, signal.SIGTERM)
            server.stdout.close()
        if topology:
            topology.stop()


def bench_query(bin_dir, rounds, workdir, count=20000, warmup=2000):
    framework, raw, loaded = [], [], []
    keep = ("p50_us", "p90_us", "p99_us", "p999_us", "mean_us", "max_us")
    for i in range(rounds):
        framework.append(query_framework(bin_dir, workdir, i, count, warmup))
        log(f"  query framework #{i + 1}: p50 {framework[-1]['p50_us']:.1f} us, p99 {framework[-1]['p99_us']:.1f} us")
        raw.append(query_raw(bin_dir, count, warmup))
        log(f"  query raw       #{i + 1}: p50 {raw[-1]['p50_us']:.1f} us, p99 {raw[-1]['p99_us']:.1f} us")
        loaded.append(query_raw(bin_dir, count, warmup, background=(workdir, f"background-{i}")))
        log(f"  query raw beside query.topo #{i + 1}: p50 {loaded[-1]['p50_us']:.1f} us, "
            f"p99 {loaded[-1]['p99_us']:.1f} us")
    f = best(framework, "p50_us", highest=False)
    r = best(raw, "p50_us", highest=False)
    b = best(loaded, "p50_us", highest=False)
    return {
        "requests": count, "warmup": warmup, "rounds": rounds,
        "framework_p50_us": f["p50_us"], "framework_p99_us": f["p99_us"],
        "raw_p50_us": r["p50_us"], "raw_p99_us": r["p99_us"],
        "p99_ratio": round(f["p99_us"] / r["p99_us"], 3),
        # The raw server again, while the query topology (Sequence at 100
        # logs/s -> Counter) runs beside it: the same machine load as the
        # framework measurement, without the framework in the round trip.
        "raw_beside_topology_p50_us": b["p50_us"], "raw_beside_topology_p99_us": b["p99_us"],
        "p50_ratio_same_load": round(f["p50_us"] / b["p50_us"], 3),
        "p99_ratio_same_load": round(f["p99_us"] / b["p99_us"], 3),
        "framework": {k: f[k] for k in keep}, "raw": {k: r[k] for k in keep},
        "raw_beside_topology": {k: b[k] for k in keep},
        "framework_runs_p50_p99": [[x["p50_us"], x["p99_us"]] for x in framework],
        "raw_runs_p50_p99": [[x["p50_us"], x["p99_us"]] for x in raw],
        "raw_beside_topology_runs_p50_p99": [[x["p50_us"], x["p99_us"]] for x in loaded],
        "note": "framework side = responder only: host event loop + Counter::on_query; the requester is bench_query_client",
    }, round(f["p50_us"] / r["p50_us"], 3)


# ------------------------------------------------------------------ memory

def bench_memory(bin_dir, workdir, seconds=8, rate=50000, count=10_000_000):
    stats_file = os.path.join(workdir, "memory.jsonl")
    topology = topology_with_count("memory.topo", None if count == 10_000_000 else count, workdir)
    code, out, err = run(NICE + [os.path.join(bin_dir, "datablox"), "run", topology, "-q", "-o", "json",
                                 "--stats-file", stats_file, "--timeout", str(seconds)],
                         timeout=seconds + 60, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Exit 1 is expected: --timeout stops the topology long before 10M logs got through.
    samples = read_samples(stats_file)
    src = [(s["time_ms"], s["rss_bytes"], s) for _, s in element_series(samples, "src") if s.get("rss_bytes")]
    slow = [(s["time_ms"], s["rss_bytes"], s) for _, s in element_series(samples, "slow") if s.get("rss_bytes")]
    if len(src) < 2:
        raise RuntimeError(f"too few producer samples in {stats_file} (datablox run exited {code}: {err[-500:]})")
    start_rss, max_rss = src[0][1], max(r for _, r, _ in src)
    last = src[-1][2]
    link = (last.get("out_links") or [{}])[0]
    framework = {
        "exit": code, "seconds": seconds, "consumer_rate": rate,
        "producer_rss_start_mb": round(start_rss / 1e6, 2), "producer_rss_max_mb": round(max_rss / 1e6, 2),
        "producer_logs_out": last.get("logs_out"), "producer_blocked_ms": round(last.get("blocked_ms", 0), 1),
        "peak_in_flight": link.get("peak_in_flight"), "window": link.get("window"),
        "consumer_rss_growth_mb": round((max(r for _, r, _ in slow) - slow[0][1]) / 1e6, 2) if slow else None,
        "samples": len(src),
    }
    growth = round((max_rss - start_rss) / 1e6, 2)
    log(f"  memory framework: producer RSS {start_rss / 1e6:.1f} -> max {max_rss / 1e6:.1f} MB "
        f"({last.get('logs_out')} logs out, blocked {last.get('blocked_ms', 0) / 1000:.1f} s)")

    raws = {}
    for hwm in (0, 1000):
        code, out, err = run(NICE + [os.path.join(bin_dir, "bench_raw_push"), "--count", str(count), "--pad", str(PAD),
                                     "--hwm", str(hwm), "--consumer-rate", str(rate), "--timeout", str(seconds)],
                             timeout=seconds + 60, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        r = json.loads(out.strip().splitlines()[-1])
        raws[f"raw_hwm{hwm}"] = {
            "producer_mem_growth_mb": round((r["producer_rss_max"] - r["producer_rss_start"]) / 1e6, 2),
            "consumer_mem_growth_mb": round((r["consumer_rss_max"] - r["consumer_rss_start"]) / 1e6, 2),
        }
        log(f"  memory raw HWM {hwm}: producer +{raws[f'raw_hwm{hwm}']['producer_mem_growth_mb']} MB, "
            f"consumer +{raws[f'raw_hwm{hwm}']['consumer_mem_growth_mb']} MB")
    return {"framework": framework, **raws}, growth


def core(args):
    build_dir = os.path.abspath(args.build_dir)
    if not args.no_build:
        build(build_dir)
    args.count = args.count or 10_000_000
    bin_dir = os.path.join(build_dir, "bin")
    workdir = tempfile.mkdtemp(prefix="datablox-bench-")
    try:
        log(f"push: {args.count} logs of ~{PAD + 20} bytes, best of {args.rounds}")
        push, push_ratio = bench_push(bin_dir, args.count, args.rounds, workdir)
        log("query: round trips of a small query, best p50 of 2 rounds (20k requests each)")
        query, query_ratio = bench_query(bin_dir, 2, workdir)
        log("memory: a 10M-log producer behind a 50k logs/s consumer, 8 s")
        memory, growth = bench_memory(bin_dir, workdir)
    finally:
        if args.keep:
            log(f"raw files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"push   framework {push['framework_steady_logs_per_s'] / 1e6:.2f} M logs/s steady "
          f"({push['framework_e2e_logs_per_s'] / 1e6:.2f} M e2e)  raw {push['raw_steady_logs_per_s'] / 1e6:.2f} M logs/s"
          f" ({push['raw_e2e_logs_per_s'] / 1e6:.2f} M e2e)  push_ratio {push_ratio}"
          f"  CURVE links {push['curve_steady_logs_per_s'] / 1e6:.2f} M logs/s (curve_push_ratio {push['curve_push_ratio']})"
          f"  (raw, consumer not decoding: {push['raw_nodecode_steady_logs_per_s'] / 1e6:.2f} M logs/s)")
    print(f"query  framework p50 {query['framework_p50_us']:.1f} us p99 {query['framework_p99_us']:.1f} us  "
          f"raw p50 {query['raw_p50_us']:.1f} us p99 {query['raw_p99_us']:.1f} us  query_ratio {query_ratio}  "
          f"(raw beside the topology: p50 {query['raw_beside_topology_p50_us']:.1f} us "
          f"p99 {query['raw_beside_topology_p99_us']:.1f} us)")
    print(f"memory producer growth {growth} MB (raw HWM 0: {memory['raw_hwm0']['producer_mem_growth_mb']} MB producer, "
          f"{memory['raw_hwm0']['consumer_mem_growth_mb']} MB consumer)")
    result = {
        "bench": "core",
        "push_ratio": push_ratio,
        "curve_push_ratio": push["curve_push_ratio"],
        "query_ratio": query_ratio,
        "producer_mem_growth_mb": growth,
        "framework_steady_logs_per_s": push["framework_steady_logs_per_s"],
        "framework_e2e_logs_per_s": push["framework_e2e_logs_per_s"],
        "raw_steady_logs_per_s": push["raw_steady_logs_per_s"],
        "raw_e2e_logs_per_s": push["raw_e2e_logs_per_s"],
        "framework_query_p50_us": query["framework_p50_us"],
        "framework_query_p99_us": query["framework_p99_us"],
        "raw_query_p50_us": query["raw_p50_us"],
        "raw_query_p99_us": query["raw_p99_us"],
        "raw_query_beside_topology_p50_us": query["raw_beside_topology_p50_us"],
        "raw_query_beside_topology_p99_us": query["raw_beside_topology_p99_us"],
        "raw_nodecode_steady_logs_per_s": push["raw_nodecode_steady_logs_per_s"],
        "push": push,
        "query": query,
        "memory": memory,
        "cpus": os.cpu_count(),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result, separators=(",", ":")), flush=True)
