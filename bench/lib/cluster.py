"""bench/run cluster: the start of 100 elements, a restart after a crash and
the loss of a node, against what starting a process costs."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from lib.common import NICE, build, log, median
from lib.daemons import CLUSTER_NODES, NODE_TIMEOUT_S, Cluster, ClusterError, element, host_alive, timed

RECOVERY_TIMEOUT_S = 10.0  # restart and re-placement: fail, do not hang
TARGETS = {"restart_s": 0.5, "node_loss_s": 3.0, "start_100_s": 2.0}  # from the issue; shown, not asserted

RESTART_TOPOLOGY = """\
src :: Sequence(count: 100000000, rate: 200000) @ n1
mid :: Map(expr: "double = seq * 2") @ {mid_node}
sink :: Null @ n2
src -> mid -> sink
"""


def cluster_baselines(datablox, workdir, rounds):
    """The floors the cluster figures are read against: one fork/exec of the
    binary, and a whole 2-element topology through `datablox run` (a master,
    a caretaker and two hosts started, one log through, everything ended)."""
    timed([datablox, "--version"])  # page cache warm
    exec_runs = [timed([datablox, "--version"]) for _ in range(10)]
    describe_runs = [timed([datablox, "describe", "Null"]) for _ in range(5)]
    path = os.path.join(workdir, "two.topo")
    with open(path, "w") as f:
        f.write("src :: Sequence(count: 1)\nsink :: Null\nsrc -> sink\n")
    run_runs = [timed(NICE + [datablox, "run", path, "-q"]) for _ in range(rounds)]
    return {
        "exec_s": round(median(exec_runs), 4), "exec_min_s": round(min(exec_runs), 4),
        "describe_s": round(median(describe_runs), 4),
        "run_2_s": round(median(run_runs), 3), "run_2_min_s": round(min(run_runs), 3),
        "exec_runs": [round(x, 4) for x in exec_runs], "run_2_runs": [round(x, 3) for x in run_runs],
    }


def start_100(cluster, rounds, rate, chains=50):
    """Submit 50 chains Sequence -> Null (100 elements, the master spreads
    them); time to status showing the topology and every element running."""
    text = "".join(f"s{k} :: Sequence(count: 1000000000, rate: {rate})\nn{k} :: Null\ns{k} -> n{k}\n"
                   for k in range(chains))
    runs = []
    for i in range(rounds):
        name = f"start100-{i}"
        wall0, began = time.time(), time.monotonic()
        try:
            cluster.submit(name, text)
            submitted = time.monotonic() - began

            def all_running(s):
                es = s.get("elements", [])
                return s.get("state") == "running" and len(es) == 2 * chains and \
                    all(e.get("state") == "running" and e.get("pid") for e in es)

            s, polls = cluster.wait_status(name, all_running, f"the {2 * chains} elements of '{name}' to run", 60.0)
            # The moment lies between the previous call's question (not all
            # running yet) and this call's answer: the answer is the figure.
            r = {"start_s": round(polls[-1][1] - began, 3),
                 "start_lower_s": round((polls[-2][0] if len(polls) > 1 else began) - began, 3),
                 "submit_s": round(submitted, 3), "status_polls": len(polls),
                 "status_call_s": round(median([b - a for a, b in polls]), 3)}
            spread = {}
            for e in s["elements"]:
                spread[e["node"]] = spread.get(e["node"], 0) + 1
            r["spread"] = dict(sorted(spread.items()))
            # From the hosts' own clocks: when the last host began, and when
            # the last chain carried its first log (waited for, briefly).
            sinks = lambda st: [e.get("stats", {}) for e in st["elements"] if e["class"] == "Null"]
            try:
                s, _ = cluster.wait_status(name, lambda st: all(x.get("first_in_unix_ms") for x in sinks(st)),
                                           "every chain's first log", 5.0)
            except ClusterError:
                pass
            started = [e["stats"].get("started_unix_ms", 0) for e in s["elements"] if e.get("stats")]
            if len(started) == 2 * chains and all(started):
                r["first_host_started_s"] = round(min(started) / 1000.0 - wall0, 3)
                r["last_host_started_s"] = round(max(started) / 1000.0 - wall0, 3)
            firsts = [x.get("first_in_unix_ms", 0) for x in sinks(s)]
            if len(firsts) == chains and all(firsts):
                r["last_chain_flowing_s"] = round(max(firsts) / 1000.0 - wall0, 3)
            runs.append(r)
            log(f"  start_100 #{i + 1}: {r['start_s']:.3f} s to all running (after {r['start_lower_s']:.3f} s; "
                f"status took {r['status_call_s']:.3f} s a call); hosts started from {r.get('first_host_started_s')} to "
                f"{r.get('last_host_started_s')} s, last chain flowing at {r.get('last_chain_flowing_s')} s; "
                f"spread {r['spread']}")
        finally:
            cluster.stop_topology(name)
    return runs


def wait_flowing(cluster, topology, name, after_wall=0.0, timeout=30.0):
    """Every element running, and `name` has taken logs in this incarnation."""
    def flowing(s):
        e = element(s, name)
        return all(x.get("state") == "running" and x.get("pid") for x in s["elements"]) and \
            e.get("stats", {}).get("first_in_unix_ms", 0) > after_wall * 1000 and \
            e.get("stats", {}).get("logs_in", 0) > 0
    return cluster.wait_status(topology, flowing, f"'{name}' of '{topology}' to take logs", timeout)[0]


def wait_recovered(cluster, topology, name, old_pid, killed_wall, timeout, moved_from=None, hint=""):
    """Polls until `name` runs as a new host (another pid; on another node
    when moved_from is given) that took a log after the kill; returns
    (status, element)."""
    def recovered(s):
        e = element(s, name)
        st = e.get("stats", {})
        return e.get("pid") and e["pid"] != old_pid and (moved_from is None or e.get("node") != moved_from) and \
            st.get("first_in_unix_ms", 0) > killed_wall * 1000 and st.get("started_unix_ms", 0) >= killed_wall * 1000 - 1
    what = f"'{name}' to run again" + (f" off {moved_from}" if moved_from else "") + " and take a log"
    s, _ = cluster.wait_status(topology, recovered, what, timeout, hint)
    return s, element(s, name)


def recovery_figures(e, killed_wall):
    st = e["stats"]
    return {"recovery_s": round(st["first_in_unix_ms"] / 1000.0 - killed_wall, 3),
            "host_started_s": round(st["started_unix_ms"] / 1000.0 - killed_wall, 3),
            "node": e.get("node"), "restarts": e.get("restarts")}


def restart(cluster, rounds):
    """SIGKILL the middle element's host, once per round, each round on a
    fresh topology: from the kill to the first log the new incarnation
    processed. (A fresh one each time: a second crash within 10 s is a crash
    loop, which waits its backoff_ms on purpose.)"""
    runs = []
    for i in range(rounds):
        name = f"restart-{i}"
        cluster.submit(name, RESTART_TOPOLOGY.format(mid_node="n3"))
        try:
            s = wait_flowing(cluster, name, "mid")
            time.sleep(0.5)  # steady flow before the kill
            s = cluster.try_status(name) or s
            mid = element(s, "mid")
            old_pid, restarts0 = mid["pid"], mid.get("restarts", 0)
            if not host_alive(old_pid, f"{name}/mid"):
                raise ClusterError(f"pid {old_pid} of {name}/mid is not its host")
            killed = time.time()
            os.kill(old_pid, signal.SIGKILL)
            s, mid = wait_recovered(cluster, name, "mid", old_pid, killed, RECOVERY_TIMEOUT_S)
            r = recovery_figures(mid, killed)
            r["restarts_counted"] = (mid.get("restarts") or 0) - (restarts0 or 0)
            runs.append(r)
            log(f"  restart #{i + 1}: {r['recovery_s']:.3f} s from SIGKILL to the first log processed "
                f"(new host started after {r['host_started_s']:.3f} s, restarts {restarts0} -> {mid.get('restarts')})")
        finally:
            cluster.stop_topology(name)
    return runs


def node_loss(cluster, rounds):
    """`mid @ n4`; n4 dies (caretaker and hosts, SIGKILL); from the kill to
    the first log the re-placed mid processed on another node. n4's caretaker
    is started again between rounds."""
    runs = []
    for i in range(rounds):
        name = f"nodeloss-{i}"
        if "n4" not in cluster.caretakers:
            cluster.start_caretaker("n4")
            cluster.wait_nodes(["n4"], timeout=RECOVERY_TIMEOUT_S)
        cluster.submit(name, RESTART_TOPOLOGY.format(mid_node="n4"))
        try:
            s = wait_flowing(cluster, name, "mid")
            time.sleep(0.5)
            s = cluster.try_status(name) or s
            mid = element(s, "mid")
            if mid.get("node") != "n4":
                raise ClusterError(f"mid was placed on {mid.get('node')}, not n4 as `@ n4` asks")
            killed = cluster.kill_node("n4", s)
            hint = "" if "--node-timeout" in cluster.master_flags else " (this master has no --node-timeout)"
            s, mid = wait_recovered(cluster, name, "mid", mid["pid"], killed, NODE_TIMEOUT_S + RECOVERY_TIMEOUT_S,
                                    moved_from="n4", hint=hint)
            r = recovery_figures(mid, killed)
            runs.append(r)
            log(f"  node_loss #{i + 1}: {r['recovery_s']:.3f} s from killing n4 to mid's first log on {r['node']} "
                f"(new host started after {r['host_started_s']:.3f} s)")
        finally:
            cluster.stop_topology(name)
    return runs


def summary(runs, key="recovery_s"):
    values = [r[key] for r in runs]
    return {"median": round(median(values), 3), "best": min(values), "worst": max(values), "runs": values}


def cluster_bench(args):
    build_dir = os.path.abspath(args.build_dir)
    if not args.no_build:
        build(build_dir, ["datablox"])
    datablox = os.path.join(build_dir, "bin", "datablox")
    workdir = tempfile.mkdtemp(prefix="datablox-bench-cluster-")
    rounds, rate = args.rounds, args.start_rate
    errors, parts = {}, {}
    cluster = Cluster(datablox, workdir)
    try:
        log(f"cluster: baselines (exec of the binary x10, `datablox run` of 2 elements x{rounds})")
        base = cluster_baselines(datablox, workdir, rounds)
        log(f"  exec {base['exec_s'] * 1000:.1f} ms, describe {base['describe_s'] * 1000:.1f} ms, "
            f"run of 2 elements {base['run_2_s']:.3f} s")
        missing = [f for f in ("--registry", "--node-timeout") if f not in cluster.master_flags]
        log(f"cluster: master + {len(CLUSTER_NODES)} caretakers on {cluster.endpoint}"
            + (f" (this master has no {' '.join(missing)})" if missing else ""))
        cluster.start()
        base["cli_call_s"] = round(median([timed([datablox, "nodes", "--master", cluster.endpoint])
                                           for _ in range(5)]), 4)
        for key, what, function in (
                ("start_100", f"100 elements (Sequence at {rate} logs/s -> Null, x50) submitted until all run",
                 lambda c, n: start_100(c, n, rate)),
                ("restart", "SIGKILL of a middle element until its next log", restart),
                ("node_loss", "a node killed until its element's next log elsewhere", node_loss)):
            log(f"cluster: {key}: {what}, {rounds} rounds")
            try:
                parts[key] = function(cluster, rounds)
            except (ClusterError, subprocess.TimeoutExpired) as e:
                errors[key] = str(e)
                log(f"  {key} FAILED: {e}")
    except (ClusterError, subprocess.TimeoutExpired) as e:
        log(f"error: {e}")
        errors["setup"] = str(e)
    finally:
        try:
            cluster.close()
        finally:
            if args.keep or errors:
                log(f"daemon logs and topologies kept in {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
    if "setup" in errors:
        sys.exit(1)

    exec_s = base["exec_s"]
    result = {"bench": "cluster", "restart_s": None, "node_loss_s": None, "start_100_s": None,
              "statistic": "median", "rounds": rounds, "targets": TARGETS,
              "exec_s": exec_s, "run_2_s": base["run_2_s"]}
    print(f"baseline   exec of the binary {exec_s * 1000:.1f} ms (median of 10), `datablox run` of 2 elements "
          f"{base['run_2_s']:.3f} s (median of {rounds}), a CLI call to the master {base['cli_call_s'] * 1000:.1f} ms")
    if "start_100" in parts:
        runs = parts["start_100"]
        sm = summary(runs, "start_s")
        result["start_100_s"] = sm["median"]
        result["start_100_vs_run_2_ratio"] = round(sm["median"] / base["run_2_s"], 1)
        result["start_100"] = {**sm, "rate": rate, "details": runs}
        print(f"start_100  {sm['median']:.3f} s median of {len(runs)} (runs {sm['runs']})  target <= "
              f"{TARGETS['start_100_s']} s;  {result['start_100_vs_run_2_ratio']} x a 2-element `datablox run`; "
              f"status took {median([r['status_call_s'] for r in runs]) * 1000:.0f} ms a call meanwhile")
    else:
        print(f"start_100  FAILED: {errors.get('start_100', 'not run')[:300]}  target <= {TARGETS['start_100_s']} s")
    for key, label, target in (("restart", "restart   ", "restart_s"), ("node_loss", "node_loss ", "node_loss_s")):
        if key not in parts:
            print(f"{label} FAILED: {errors.get(key, 'not run')[:300]}  target <= {TARGETS[target]} s")
            continue
        runs = parts[key]
        sm = summary(runs)
        hosts = summary(runs, "host_started_s")
        result[target] = sm["median"]
        result[f"{key}_vs_exec_ratio"] = round(sm["median"] / exec_s, 1)
        result[key] = {**sm, "host_started_median_s": hosts["median"], "details": runs}
        extra = ""
        if key == "node_loss" and "--node-timeout" in cluster.master_flags:
            result[key]["node_timeout_s"] = NODE_TIMEOUT_S
            extra = f"; {sm['median'] - NODE_TIMEOUT_S:.3f} s past the {NODE_TIMEOUT_S} s node timeout"
        print(f"{label} {sm['median']:.3f} s median of {len(runs)} (runs {sm['runs']})  target <= {TARGETS[target]} s;  "
              f"{result[f'{key}_vs_exec_ratio']} x one exec of the binary; new host started after "
              f"{hosts['median']:.3f} s{extra}")
    result["baselines"] = base
    result["master_flags"] = cluster.master_flags
    if errors:
        result["errors"] = errors
    result["cpus"] = os.cpu_count()
    result["loadavg_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, separators=(",", ":")), flush=True)
    if errors:
        sys.exit(1)
