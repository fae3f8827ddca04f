"""What every benchmark shares: paths, building, processes, stats files."""
import json
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOPOLOGIES = os.path.join(ROOT, "bench", "topologies")
BENCH_TARGETS = ["datablox", "bench_raw_push", "bench_query_client", "bench_raw_query_server"]
NICE = ["nice", "-n", "5"]
PAD = 80


def log(message):
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ building

def build(build_dir, targets=BENCH_TARGETS):
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        log(f"configuring {build_dir}")
        subprocess.run(["cmake", "-S", ROOT, "-B", build_dir], check=True, stdout=sys.stderr)
    else:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as cache:
            if "DATABLOX_BENCH:BOOL=OFF" in cache.read():
                subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-DDATABLOX_BENCH=ON"], check=True,
                               stdout=sys.stderr)
    command = NICE + ["cmake", "--build", build_dir, "--target"] + targets + ["-j1"]
    for attempt in range(1, 6):
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode == 0:
            return
        # Another build may hold the directory: wait and retry.
        log(f"build attempt {attempt} failed; retrying in 30 s\n{result.stdout[-2000:]}")
        time.sleep(30)
    sys.exit("error: could not build " + " ".join(targets))


# ------------------------------------------------------------------ helpers

def stop(process, sig=signal.SIGTERM, grace=15.0):
    """Ends a process we started, by its pid: politely, then for sure."""
    if process.poll() is not None:
        return process.returncode
    process.send_signal(sig)
    try:
        return process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def run(command, timeout, **kwargs):
    process = subprocess.Popen(command, **kwargs)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(process)
        out, err = process.communicate()
        raise RuntimeError(f"{command[len(NICE)]} did not finish within {timeout} s")
    return process.returncode, out, err


def read_samples(path):
    """The complete JSON lines of a --stats-file (the last may be half-written)."""
    samples = []
    try:
        with open(path) as f:
            for line in f:
                if line.endswith("\n"):
                    try:
                        samples.append(json.loads(line))
                    except json.JSONDecodeError:
                        pass
    except FileNotFoundError:
        pass
    return samples


def element_series(samples, name):
    """One element's (element, stats) per distinct host report, in time order."""
    series, seen = [], set()
    for sample in samples:
        for element in sample.get("elements", []):
            if element.get("name") != name:
                continue
            stats = element.get("stats", {})
            key = (stats.get("time_ms"), stats.get("logs_in"), stats.get("logs_out"), element.get("state"))
            if stats.get("time_ms") is None or key in seen:
                continue
            seen.add(key)
            series.append((element, stats))
    series.sort(key=lambda es: es[1]["time_ms"])
    return series


def topology_with_count(name, count, workdir):
    path = os.path.join(TOPOLOGIES, name)
    if count is None:
        return path
    with open(path) as f:
        text = f.read()
    text = text.replace("count: 10000000", f"count: {count}")
    copy = os.path.join(workdir, name)
    with open(copy, "w") as f:
        f.write(text)
    return copy


def stats_of(status, name):
    for element in status.get("elements", []):
        if element.get("name") == name:
            return element.get("stats", {})
    return {}


def best(runs, key, highest=True):
    good = [r for r in runs if r.get(key)]
    if not good:
        return {}
    return (max if highest else min)(good, key=lambda r: r[key])


def median(values):
    values = sorted(values)
    n = len(values)
    return (values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2) if n else None


def steady_rate(stats_file, name, count):
    """(logs/s, window ms) of element `name`'s logs_in between its first
    report with logs in it and its last (the "ended" report, made as soon as
    the last batch is in): process start-up and shutdown are excluded. None
    when the run was too short for two reports."""
    series = [s for _, s in element_series(read_samples(stats_file), name)]
    first = next((s for s in series if s.get("logs_in", 0) > 0), None)
    last = series[-1] if series else None
    if first and last and last["time_ms"] > first["time_ms"] and last["logs_in"] == count:
        window = last["time_ms"] - first["time_ms"]
        return round((last["logs_in"] - first["logs_in"]) / (window / 1000.0)), window
    return None, None


def datablox_run(datablox, topology, stats_file, env=None, flags=()):
    """`datablox run TOPOLOGY -q -o json [FLAGS]` to its end; (final status, wall s)."""
    began = time.monotonic()
    code, out, err = run(NICE + [datablox, "run", topology, "-q", "-o", "json", "--stats-file", stats_file, *flags],
                         timeout=600, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    wall = time.monotonic() - began
    if code != 0:
        raise RuntimeError(f"datablox run {topology} exited {code}: {err[-1000:]}")
    return json.loads(out), wall
