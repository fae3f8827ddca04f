"""bench/run cell (issue 12, item 7): the whole cell against ClickHouse, the
same data and the same questions, side by side in one run.

The data is lib/press.py's dataset (tools/gen_events.py, 20,000 users by
default: ~770 MB of flat JSON rows in two files split by user). The cell is
topologies/cell.topo (the catalog, the supervisor, 2 cell workers, the
sample store's supervisor and 2 workers) on a master and one caretaker on
loopback (lib/daemons.py), its views, catalog and caches in a temporary
folder. ClickHouse is lib/cell_clickhouse.py's: a private server (max_threads
2) with the same rows in a MergeTree ordered by user, session, ts. They run
one after the other, each with the machine's two cores to itself.

- load_s: from `datablox catalog add view` to the first answer of the view
  (the sample-store workers press the files, the cell workers stream their
  loci through Nexus into memory, then scan): JSON files to a hot cell.
  clickhouse_load_s: the two INSERT ... FORMAT JSONEachRow at once (its
  OPTIMIZE ... FINAL after, clickhouse_optimize_s, is not counted).
- cell_ms: the round trip of the query from a client that stays connected
  to the supervisor's query port (lib/cell_client.py), median of ROUNDS after
  one warm-up, every slice in the workers' memory; clickhouse_ms: over one
  kept-alive HTTP connection, median of ROUNDS after one warm-up. Beside
  them: cell_supervisor_ms (the supervisor's own stats.ms) and cell_cli_ms
  (the wall time of a `datablox query --cell` process, median of CLI_ROUNDS).
- The answers are compared row by row (lib/cell_figures.py): numbers as
  floats to a relative 1e-9, order ignored.

One JSON line per query, then the last line: every figure."""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from lib import cell_clickhouse
from lib import cell_figures as figures
from lib.cell_client import CellError, SupervisorClient
from lib.clickhouse import ensure_installed
from lib.common import ROOT, build, log
from lib.daemons import Cluster, ClusterError
from lib.press import DEFAULT_USERS, WORKERS, dataset
from lib.scan import QUERIES, SCHEMA

ROUNDS = 5
CLI_ROUNDS = 3
VIEW = "events"
LOAD_TIMEOUT_MS = 1800 * 1000  # the first query waits for the whole press and load
QUERY_TIMEOUT_MS = 120 * 1000


def cell_topology(work, views):
    """cell.topo with its catalog, caches and views in `work`."""
    with open(os.path.join(ROOT, "topologies", "cell.topo")) as f:
        text = f.read()
    text = text.replace('Catalog(path: "cell-catalog.db")', f'Catalog(path: "{work}/catalog.db")')
    text = text.replace('"cell-cache/{member}"', f'"{work}/cache/{{member}}"')
    if "members: 2, merge: custom" not in text:
        raise RuntimeError("topologies/cell.topo no longer has 2 cell workers")
    return text.replace('"topologies/samplestore"', f'"{views}"')


def write_view(views, data):
    with open(os.path.join(ROOT, "topologies", "samplestore", "events.view.toml")) as f:
        view = f.read()
    view = view.replace('schema = "../unity.brio"', f'schema = "{SCHEMA}"')
    view = view.replace('location = "../../data/events"', f'location = "{data}"')
    os.makedirs(views)
    path = os.path.join(views, f"{VIEW}.view.toml")
    with open(path, "w") as f:
        f.write(view)
    return path


def catalog(cluster, *args):
    r = cluster.cli("catalog", "--catalog", "cell/catalog", *args, timeout=120)
    if r.returncode != 0:
        raise ClusterError(f"catalog {' '.join(map(str, args))} exited {r.returncode}: {r.stderr[-800:]}")


def cli_ms(cluster, text):
    """The median wall time of a `datablox query --cell` process."""
    times = []
    for _ in range(CLI_ROUNDS):
        began = time.perf_counter()
        r = cluster.cli("query", "--cell", "cell/supervisor", "--view", VIEW, "--timeout-ms", QUERY_TIMEOUT_MS,
                        "-o", "json", text, timeout=QUERY_TIMEOUT_MS / 1000 + 30)
        times.append((time.perf_counter() - began) * 1000)
        if r.returncode != 0:
            raise CellError(f"datablox query --cell exited {r.returncode}: {r.stderr[-600:]}")
    return round(statistics.median(times), 2)


def timed_queries(client, cluster):
    """{name: {"ms", "supervisor_ms", "cli_ms", "sources", "rows"}} of every query, hot."""
    out = {}
    for name, text in QUERIES.items():
        answer, _ = client.ask(text, VIEW, QUERY_TIMEOUT_MS)  # the warm-up, as ClickHouse's
        runs = [client.ask(text, VIEW, QUERY_TIMEOUT_MS) for _ in range(ROUNDS)]
        out[name] = {
            "ms": round(statistics.median(ms for _, ms in runs), 2),
            "supervisor_ms": round(statistics.median(a["stats"]["ms"] for a, _ in runs), 2),
            "cli_ms": cli_ms(cluster, text),
            "sources": runs[-1][0]["stats"].get("sources"),
            "rows_scanned": runs[-1][0]["stats"].get("rows_scanned"),
            "rows": answer["rows"],
        }
        log(f"cell: {name} {out[name]['ms']} ms (supervisor {out[name]['supervisor_ms']}, "
            f"CLI {out[name]['cli_ms']}), sources {out[name]['sources']}")
    return out


def run_cell(datablox, files, work):
    """{"load_s", "load_stats", "queries"} of the cell over `files`."""
    views = os.path.join(work, "views")
    view_file = write_view(views, os.path.dirname(files[0]))
    cluster = Cluster(datablox, work, nodes=("n1",))
    try:
        cluster.start()
        cluster.submit("cell", cell_topology(work, views))
        status, _ = cluster.wait_status(
            "cell", lambda s: all(e["state"] == "running" and e.get("pid") and e.get("endpoints", {}).get("query")
                                  for e in s["elements"] if e["name"] == "supervisor")
            and all(e["state"] == "running" and e.get("pid") for e in s["elements"]), "the cell to run", timeout=120)
        endpoint = next(e["endpoints"]["query"] for e in status["elements"] if e["name"] == "supervisor")
        catalog(cluster, "add", "domain", "unity")
        with SupervisorClient(endpoint) as client:
            began = time.monotonic()
            catalog(cluster, "add", "view", VIEW, "--domain", "unity", "--view-file", view_file,
                    "--store", "cell/store")
            first, _ = client.ask(QUERIES["count_events"], VIEW, LOAD_TIMEOUT_MS)
            load_s = time.monotonic() - began
            log(f"cell: JSON to a hot cell in {load_s:.1f} s ({first['stats']})")
            return {"load_s": round(load_s, 2), "load_stats": first["stats"], "queries": timed_queries(client, cluster)}
    except (ClusterError, CellError, subprocess.TimeoutExpired) as e:
        raise RuntimeError(f"{e}\n{cluster.log_tails()}") from e
    finally:
        cluster.close()


def compared(cell_side, clickhouse):
    """{name: the per-query line} and the summary over them."""
    per_query = {}
    for name in QUERIES:
        c, h = cell_side["queries"][name], clickhouse["queries"][name]
        rows = figures.cell_shaped_as_sql(name, c["rows"])
        why = figures.difference(rows, h["rows"])
        per_query[name] = {
            "cell_ms": c["ms"], "clickhouse_ms": h["ms"], "ratio": figures.ratio(c["ms"], h["ms"]),
            "agree": why is None, "cell_supervisor_ms": c["supervisor_ms"], "cell_cli_ms": c["cli_ms"],
            "cli_ratio": figures.ratio(c["cli_ms"], h["ms"]), "cell_sources": c["sources"],
            "cell_rows_scanned": c["rows_scanned"], "cell_rows": rows[:30],
        }
        if why:
            per_query[name]["difference"] = why
            per_query[name]["clickhouse_rows"] = h["rows"][:30]
    return per_query, figures.summary(per_query, cell_side["load_s"], clickhouse["load_s"])


def cell(args):
    build_dir = os.path.abspath(args.build_dir)
    if not args.no_build:
        build(build_dir, ["datablox"])
    datablox = os.path.join(build_dir, "bin", "datablox")
    users = args.users or DEFAULT_USERS
    files, data = dataset(users)
    log(f"cell: {data['rows']} rows of {users} users, {data['bytes'] / 1e6:.0f} MB of JSON in {len(files)} files")
    why = ensure_installed()
    if why:
        sys.exit(f"error: no ClickHouse to compare with: {why}")
    work = tempfile.mkdtemp(prefix="datablox-bench-cell-")
    try:
        cell_side = run_cell(datablox, files, work)
    finally:
        if args.keep:
            log(f"cell: its folder is kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    log("cell: ClickHouse: loading and asking the same questions")
    clickhouse = cell_clickhouse.answers(files, threads=WORKERS, rounds=ROUNDS)
    per_query, overall = compared(cell_side, clickhouse)
    for name, line in per_query.items():
        print(json.dumps({"query": name, **line}), flush=True)
    result = {
        "bench": "cell", **overall,
        "load_s": cell_side["load_s"], "clickhouse_load_s": clickhouse["load_s"],
        "clickhouse_optimize_s": clickhouse.get("optimize_s"),
        "queries": per_query, "load_stats": cell_side["load_stats"],
        "missed_targets": {k: {"figure": f, "target": t} for k, (f, t) in figures.missed_targets(overall).items()},
        "targets": figures.TARGETS, "rows": data["rows"], "json_mb": round(data["bytes"] / 1e6, 1), "users": users,
        "cell_workers": WORKERS, "clickhouse_threads": WORKERS, "rounds": ROUNDS, "cpus": os.cpu_count(),
    }
    print(json.dumps(result, separators=(",", ":")), flush=True)
    if not overall["answers_agree"]:
        sys.exit(1)
