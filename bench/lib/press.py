"""bench/run press: pressing flat JSON event rows into Brio blobs, against
simdjson merely parsing the same bytes (the limit) and against ClickHouse
loading them (what a user would otherwise pick), on the same two cores.

The dataset is tools/gen_events.py's (20,000 users by default: ~770 MB of
flat rows, out of order), made once per (users, seed) and kept under the
system's temporary folder. It is split by user into two files, one per
presser process: the two cores' share, as two sample-store workers would
press their loci (all of a user's rows in one locus, so each user is one
blob). Until the sample store's
workers are elements, the pressers are bench_press processes (the same
FlatPresser the workers will run)."""
import json
import os
import zlib
import shutil
import subprocess
import sys
import tempfile

from lib.clickhouse import EVENTS_TABLE, ClickHouse, ensure_installed, load_files
from lib.common import ROOT, build, log
from lib.daemons import ClusterError
from lib.press_elements import press_through_elements

sys.path.insert(0, os.path.join(ROOT, "tools"))
import gen_events  # noqa: E402

DEFAULT_USERS = 20000
WORKERS = 2  # presser processes, ClickHouse inserts and ClickHouse threads: the two cores
SEED = 1
TARGETS = {"press_vs_clickhouse_ratio": 2.0, "press_vs_simdjson_ratio": 0.5, "pressed_vs_json_size": 0.25}


def dataset(users):
    """The generated files (one per worker), made once per (users, seed)."""
    where = os.path.join(tempfile.gettempdir(), f"datablox-bench-press-{users}-users-seed-{SEED}-by-user")
    done = os.path.join(where, "summary.json")
    if not os.path.exists(done):
        shutil.rmtree(where, ignore_errors=True)
        log(f"press: generating {users} users of flat event rows into {where}")
        summary = gen_events.generate(os.path.join(where, "all"), users=users, seed=SEED, files=1)
        summary["files"] = split_by_user(summary["files"][0], where)
        shutil.rmtree(os.path.join(where, "all"), ignore_errors=True)
        with open(done, "w") as f:
            json.dump(summary, f)
    with open(done) as f:
        summary = json.load(f)
    return summary["files"], summary


def split_by_user(path, where):
    """The rows of `path` dealt into WORKERS files by a hash of their user
    (each row starts {"user":"ID",...), in the order they came."""
    paths = [os.path.join(where, f"locus-{k}.jsonl") for k in range(WORKERS)]
    outs = [open(p, "wb", buffering=1 << 20) for p in paths]
    try:
        with open(path, "rb") as rows:
            for row in rows:
                outs[zlib.crc32(row.split(b'"', 4)[3]) % WORKERS].write(row)
    finally:
        for out in outs:
            out.close()
    return paths


def press_in_parallel(bench_press, files, rounds):
    """Each file pressed by its own bench_press process, all at once: the
    JSON objects they printed last."""
    processes = [subprocess.Popen([bench_press, "--input", path, "--rounds", str(rounds)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for path in files]
    results = []
    for process, path in zip(processes, files):
        out, err = process.communicate(timeout=1800)
        if process.returncode != 0:
            raise RuntimeError(f"bench_press {path} exited {process.returncode}: {err[-800:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def clickhouse_load(files):
    """Seconds for ClickHouse to load every file (one INSERT ... FORMAT
    JSONEachRow per file, all at once, max_threads WORKERS) into a MergeTree
    table, the rows it holds after, and its on-disk size."""
    with ClickHouse(threads=WORKERS) as ch:
        ch.query(EVENTS_TABLE.format(name="events"))
        seconds = load_files(ch, files)
        rows = int(ch.query("SELECT count() FROM events"))
        size = int(ch.query("SELECT sum(bytes_on_disk) FROM system.parts WHERE table = 'events' AND active") or 0)
    return seconds, rows, size


def press(args):
    build_dir = os.path.abspath(args.build_dir)
    if not args.no_build:
        build(build_dir, ["bench_press", "datablox"])
    bench_press = os.path.join(build_dir, "bin", "bench_press")
    users = args.users or DEFAULT_USERS
    files, summary = dataset(users)
    json_bytes = summary["bytes"]
    json_mb = json_bytes / 1e6
    log(f"press: {summary['rows']} rows of {users} users, {json_mb:.0f} MB of JSON in {len(files)} files")
    errors = {}
    elements = {}
    workdir = tempfile.mkdtemp(prefix="datablox-bench-press-")
    try:
        elements = press_through_elements(os.path.join(build_dir, "bin", "datablox"), files, users, json_bytes,
                                          args.rounds, workdir)
    except (ClusterError, RuntimeError, OSError, ValueError, KeyError) as e:
        errors["elements"] = str(e)[-1500:]
    finally:
        if args.keep:
            log(f"press: the element path's folder is kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    pressed = []
    try:
        pressed = press_in_parallel(bench_press, files, args.rounds)
    except RuntimeError as e:
        errors["press"] = str(e)[-800:]
    clickhouse = {}
    why = ensure_installed()
    if why:
        errors["clickhouse"] = why
    else:
        try:
            seconds, rows, size = clickhouse_load(files)
            clickhouse = {"seconds": round(seconds, 2), "mb_per_s": round(json_mb / seconds, 1), "rows": rows,
                          "bytes_on_disk": size}
            if rows != summary["rows"]:
                errors["clickhouse"] = f"ClickHouse holds {rows} rows, not {summary['rows']}"
        except RuntimeError as e:
            errors["clickhouse"] = str(e)[-800:]
    # Each process's rate is its bytes over its own CPU seconds; on two
    # cores, at once, they add up to the two cores' rate.
    library_rate = sum(p["press_mb_per_s"] for p in pressed) if pressed else None
    press_rate = elements.get("mb_per_s")
    # The faster of simdjson's two ways in each process (a stream over the
    # text, on this code); the line-by-line parse is kept as the _line keys.
    simdjson_rate = sum(p["simdjson_mb_per_s"] for p in pressed) if pressed else None
    simdjson_line_rate = sum(p["simdjson_line_mb_per_s"] for p in pressed) if pressed else None
    pressed_bytes = sum(p["pressed_bytes"] for p in pressed) if pressed else None
    result = {
        "bench": "press",
        "press_mb_per_s": round(press_rate, 1) if press_rate else None,
        "library_press_mb_per_s": round(library_rate, 1) if library_rate else None,
        "press_vs_simdjson_ratio": round(press_rate / simdjson_rate, 3) if press_rate and simdjson_rate else None,
        "press_vs_simdjson_line_ratio": round(press_rate / simdjson_line_rate, 3)
        if press_rate and simdjson_line_rate else None,
        "press_vs_clickhouse_ratio": round(press_rate / clickhouse["mb_per_s"], 3)
        if press_rate and clickhouse.get("mb_per_s") else None,
        "pressed_vs_json_size": round(pressed_bytes / json_bytes, 4) if pressed_bytes else None,
        "library_press_vs_simdjson_ratio": round(library_rate / simdjson_rate, 3)
        if library_rate and simdjson_rate else None,
        "simdjson_mb_per_s": round(simdjson_rate, 1) if simdjson_rate else None,
        "simdjson_baseline": "+".join(sorted({p["simdjson_baseline"] for p in pressed})) if pressed else None,
        "simdjson_line_mb_per_s": round(simdjson_line_rate, 1) if simdjson_line_rate else None,
        "clickhouse_mb_per_s": clickhouse.get("mb_per_s"),
        "clickhouse_vs_json_size": round(clickhouse["bytes_on_disk"] / json_bytes, 4)
        if clickhouse.get("bytes_on_disk") else None,
        "clickhouse": clickhouse,
        # Each presser process's peak RSS (ru_maxrss): its input file read whole, the kept rows, the region.
        "press_peak_rss_mb": max(p["press_peak_rss_mb"] for p in pressed) if pressed else None,
        # Each sample-store worker host's peak RSS (VmHWM), over every round.
        "worker_peak_rss_mb": elements.get("worker_peak_rss_mb"),
        "press_memory_budget_mb": pressed[0]["memory_budget_mb"] if pressed else None,
        "press_spills": sum(p["spills"] for p in pressed) if pressed else None,
        "items": sum(p["items"] for p in pressed) if pressed else None,
        "rejected": sum(p["rejected"] for p in pressed) if pressed else None,
        "pressers": pressed,
        "elements": elements,
        "json_mb": round(json_mb, 1), "rows": summary["rows"], "users": users, "workers": WORKERS,
        "rounds": args.rounds, "targets": TARGETS, "cpus": os.cpu_count(),
        "note": "nexus_vs_tcp_ratio is bench/run nexus's",
    }
    if errors:
        result["errors"] = errors
    print(f"press      {result['press_mb_per_s']} MB/s of JSON through {WORKERS} sample-store workers "
          f"(the library alone {result['library_press_mb_per_s']}); "
          f"{result['press_vs_simdjson_ratio']} x simdjson parsing ({result['simdjson_mb_per_s']} MB/s, "
          f"{result['simdjson_baseline']}; a line at a time {result['press_vs_simdjson_line_ratio']} x), "
          f"{result['press_vs_clickhouse_ratio']} x ClickHouse loading ({result['clickhouse_mb_per_s']} MB/s); "
          f"pressed {result['pressed_vs_json_size']} of the JSON's size (ClickHouse {result['clickhouse_vs_json_size']})")
    print(json.dumps(result, separators=(",", ":")), flush=True)
    if errors:
        sys.exit(1)
