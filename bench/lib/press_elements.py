"""bench/run press's headline: the bench's dataset pressed through the
sample-store elements, as a user would get it. A master and one caretaker
(lib/daemons.py, each daemon in a process group of its own) run
bench/topologies/press.topo: a SampleStoreSupervisor and a shard of 2
SampleStoreWorker members, over a view the bench writes into its temporary
folder (the cached dataset's 2 files: one locus per member). Each round is
one `datablox fetch store events` into a file of that folder, timed wall
clock from the fetch's start (its request for the loci) to its exit, after
it checked every stream's completion counts; the file is then removed.

`datablox run` is not used: its embedded master listens on a port it keeps
to itself, where `datablox fetch` could not ask it; these daemons are the
ones `run` starts, with an address the bench chooses."""
import json
import os
import time

from lib.common import ROOT, log
from lib.daemons import Cluster, ClusterError

TOPOLOGY = os.path.join(ROOT, "bench", "topologies", "press.topo")
NODE = "n1"
MEMBERS = 2

VIEW = """# bench/run press: the cached dataset's locus files, pressed as topologies/samplestore/events.view.toml
schema = "{schema}"
shape = "flat"
location = "{location}"
files = ["locus-*.jsonl"]
load.concurrency = 1
loci.replication = 1
json.rootVersion = 2

[[level]]
fields = {{ id = "user", country = "country", os = "os" }}
keys = ["id"]
child = "sessions"

[[level]]
fields = {{ id = "session", start = "session_start" }}
keys = ["id"]
child = "events"

[[level]]
fields = {{ ts = "ts", type = "type", value = "value" }}
"""


def write_view(workdir, files):
    views = os.path.join(workdir, "views")
    os.makedirs(views, exist_ok=True)
    with open(os.path.join(views, "events.view.toml"), "w") as f:
        f.write(VIEW.format(schema=os.path.join(ROOT, "topologies", "unity.brio"),
                            location=os.path.dirname(os.path.abspath(files[0]))))


def peak_rss_mb(pid):
    """VmHWM of a live process, in MB (1e6 bytes); None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) * 1024 / 1e6, 1)
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def fetch_round(cluster, out, expected_items):
    """One fetch of the view: its seconds and its summary (fetch's -o json)."""
    began = time.monotonic()
    r = cluster.cli("fetch", "store", "events", "--out", out, "--stream-timeout-ms", 30000, "-o", "json",
                    timeout=1800)
    seconds = time.monotonic() - began
    try:
        if r.returncode != 0:
            raise ClusterError(f"fetch exited {r.returncode}: {r.stderr.strip()[-800:]}")
        summary = json.loads(r.stdout.strip().splitlines()[-1])
        if summary["loci"] != MEMBERS or summary["items"] != expected_items or summary["rejected"] != 0:
            raise ClusterError(f"fetch got {summary['loci']} loci, {summary['items']} items, {summary['rejected']} "
                               f"rejected; expected {MEMBERS} loci, {expected_items} items, none rejected")
    finally:
        if os.path.exists(out):
            os.remove(out)
    return seconds, summary


def press_through_elements(datablox, files, expected_items, json_bytes, rounds, workdir):
    """Best of `rounds` fetches through the elements: a dict of figures."""
    write_view(workdir, files)
    cluster = Cluster(datablox, workdir, nodes=(NODE,))
    runs = []
    try:
        cluster.start()
        with open(TOPOLOGY) as f:
            cluster.submit("press", f.read())
        members = [f"workers/{k}" for k in range(MEMBERS)]

        def running(s):
            states = {e["name"]: e.get("state") for e in s.get("elements", [])}
            return all(states.get(n) == "running" for n in ["store", *members])

        status, _ = cluster.wait_status("press", running, "the sample store running", timeout=30)
        out = os.path.join(workdir, "events.brgn")
        for k in range(rounds):
            seconds, summary = fetch_round(cluster, out, expected_items)
            runs.append({"seconds": round(seconds, 3), "mb_per_s": round(json_bytes / 1e6 / seconds, 1),
                         "file_bytes": summary["file_bytes"], "parcel_bytes": summary["parcel_bytes"]})
            log(f"press: elements round {k + 1}: {seconds:.2f} s, {runs[-1]['mb_per_s']} MB/s")
        status = cluster.try_status("press") or status
        workers = {e["name"]: e for e in status.get("elements", []) if e["name"] in members}
        rss = [peak_rss_mb(w["pid"]) for w in workers.values() if w.get("pid")]
    finally:
        try:
            cluster.stop_topology("press")
        finally:
            cluster.close()
    best = min(runs, key=lambda r: r["seconds"])
    return {"mb_per_s": best["mb_per_s"], "seconds": best["seconds"], "pressed_bytes": best["file_bytes"],
            "runs": runs, "worker_peak_rss_mb": max((r for r in rss if r is not None), default=None)}
