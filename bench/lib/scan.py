"""bench/run scan: EQL scans over the bench dataset's region on one core.

The dataset is lib/press.py's (tools/gen_events.py, 20,000 users by default:
5,368,433 events). It is pressed once by the sample store (a master and one
caretaker on loopback, topologies/samplestore.topo, then `datablox fetch`)
into one region file kept next to the dataset, under the system's temporary
folder. Each query of QUERIES (lib/cell_clickhouse.py's eight, in EQL) runs
through `datablox query --region ... -o json` after one warm-up, ROUNDS
times; its figure is the median of the tool's own stats: `ms` (the scan, the
region already checked), `check_ms` (checking the whole region once) and the
process's wall time. One JSON line per query, the last line every query's
scan ms.

long_sessions_by_os filters sessions by their count of events (`where
count(user.sessions.events) > 40`): each session's vector length, its
events never walked.

ClickHouse in this machine (lib/cell_clickhouse.py, 2 server threads, the
same rows in a MergeTree ordered by user, session, ts; over HTTP, median of
5), for reference: count 17 ms, distinct users 267, buys by country 129,
iOS value by day 109, avg sessions per user 114, funnel in a session 1,097,
long sessions by os 393, events by hour 83. The cell runs 2 workers, each
scanning its half: one core's scan of the whole region ties at ~2x those."""
import json
import os
import statistics
import subprocess
import tempfile
import time

from lib.common import ROOT, build, log
from lib.daemons import Cluster
from lib.press import dataset, DEFAULT_USERS

ROUNDS = 5
SCHEMA = os.path.join(ROOT, "topologies", "unity.brio")
EV = "user.sessions.events"
QUERIES = {
    "count_events": f"select count({EV}) from schema unity",
    "distinct_users": "select count(distinct user.id) from schema unity",
    "buys_by_country": f"select user.country, count({EV}) from schema unity where {EV}.type = 'purchase' "
                       "group by user.country",
    "ios_value_by_day": f"select day({EV}.ts), sum({EV}.value) from schema unity where user.os = 'ios' and "
                        f"{EV}.ts >= 1700500000000 and {EV}.ts < 1701500000000 group by day({EV}.ts)",
    "avg_sessions_per_user": "select count(user), count(user.sessions) from schema unity",
    "funnel_in_session": f"select funnel(user.sessions within DAYS(1): {EV}.type = 'start' then "
                         f"{EV}.type = 'click' then {EV}.type = 'purchase') from schema unity",
    "long_sessions_by_os": f"select user.os, count(user.sessions) from schema unity where count({EV}) > 40 "
                           "group by user.os",
    "events_by_hour": f"select hour({EV}.ts), count({EV}) from schema unity group by hour({EV}.ts)",
}


def region_file(datablox, users):
    """The dataset pressed into one region file, made once per dataset."""
    files, _ = dataset(users)
    where = os.path.dirname(files[0])
    path = os.path.join(where, "events.brgn")
    if os.path.exists(path):
        return path
    log(f"scan: pressing {where} into {path} (sample store + fetch)")
    with tempfile.TemporaryDirectory(prefix="datablox-bench-scan-") as work:
        views = os.path.join(work, "views")
        os.mkdir(views)
        with open(os.path.join(ROOT, "topologies", "samplestore", "events.view.toml")) as f:
            view = f.read()
        view = view.replace('schema = "../unity.brio"', f'schema = "{SCHEMA}"')
        view = view.replace('location = "../../data/events"', f'location = "{where}"')
        with open(os.path.join(views, "events.view.toml"), "w") as f:
            f.write(view)
        with open(os.path.join(ROOT, "topologies", "samplestore.topo")) as f:
            topology = f.read().replace('"topologies/samplestore"', f'"{views}"')
        cluster = Cluster(datablox, work, nodes=("n1",))
        try:
            cluster.start()
            cluster.submit("samplestore", topology)
            cluster.wait_status("samplestore",
                                lambda s: all(e["state"] == "running" and e.get("pid") for e in s["elements"]),
                                "the sample store to run", timeout=120)
            partial = path + ".part"
            r = cluster.cli("fetch", "store", "events", "--out", partial, "-o", "json", timeout=3600)
            if r.returncode != 0:
                raise RuntimeError(f"fetch exited {r.returncode}: {r.stderr[-1000:]}\n{cluster.log_tails()}")
            os.rename(partial, path)
        finally:
            cluster.close()
    return path


def run_query(datablox, region, text):
    began = time.perf_counter()
    r = subprocess.run([datablox, "query", "--region", region, "--schema", SCHEMA, text, "-o", "json"],
                       capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    wall = (time.perf_counter() - began) * 1000
    if r.returncode != 0:
        raise RuntimeError(f"query exited {r.returncode}: {r.stderr[-800:]}")
    out = json.loads(r.stdout)
    return out, wall


def scan(args):
    build_dir = os.path.abspath(args.build_dir)
    if not args.no_build:
        build(build_dir, ["datablox"])
    datablox = os.path.join(build_dir, "bin", "datablox")
    region = region_file(datablox, args.users or DEFAULT_USERS)
    log(f"scan: {region}, {os.path.getsize(region) / 1e6:.1f} MB")
    figures = {}
    for name, text in QUERIES.items():
        out, _ = run_query(datablox, region, text)  # the warm-up: the file in the page cache
        runs = [run_query(datablox, region, text) for _ in range(ROUNDS)]
        stats = [o["stats"] for o, _ in runs]
        line = {
            "query": name,
            "ms": round(statistics.median(s["ms"] for s in stats), 1),
            "check_ms": round(statistics.median(s.get("check_ms", 0) for s in stats), 1),
            "wall_ms": round(statistics.median(w for _, w in runs), 1),
            "rows_scanned": stats[0]["rows_scanned"],
            "rows": out["rows"][:30],
        }
        figures[name] = line["ms"]
        print(json.dumps(line), flush=True)
    scan_ms = list(figures.values())
    figures["geomean_ms"] = round(statistics.geometric_mean(scan_ms), 1)
    print(json.dumps({"scan_ms": figures}), flush=True)
