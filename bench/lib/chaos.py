"""The long chaos run of bench/run exactly-once (the test suite's is
bounded, tests/e2e/test_checkpoints_cluster.py): a master and caretakers
n1, n2, n3 on loopback; Sequence(count: 60000, rate: 1000) -> Map ->
keyed Counter -> JsonLinesSink and SqliteStore, checkpointed every 250 ms;
for about 60 s a SIGKILL every second: a random element's host, once
(at about 20 s) the whole node n3 with the counter on it, once (at about
40 s) the master, started again on its registry. Identical when the file
and the table equal, row for row, what a fault-free run writes (computed:
the chain is deterministic) and the count is 60000."""
import json
import os
import random
import signal
import sqlite3
import time

from lib.common import log
from lib.daemons import Cluster, element, host_alive

CHAOS_LOGS = 60000
CHAOS = """
src   :: Sequence(count: {count}, rate: 1000) @ n1
key   :: Map(expr: "k = seq % 7") @ n2
count :: Counter(key: "k") @ n3
out   :: JsonLinesSink(path: "{out}") @ n2
store :: SqliteStore(path: "{db}", table: "rows") @ n1
src -> key -> count
count -> out
count -> store
policy * {{ checkpoint: 250, restart_limit: 1000 }}  # a kill a second is no crash loop to stop
"""
NODE_AT_S, MASTER_AT_S = 20, 40


def chaos(datablox, workdir):
    """(identical, kills): kills counts every SIGKILL'd process group."""
    cluster = Cluster(datablox, workdir, nodes=("n1", "n2", "n3"))
    out, db = os.path.join(workdir, "chaos.jsonl"), os.path.join(workdir, "chaos.db")
    kills, chance, faults = 0, random.Random(2026), []
    try:
        cluster.start()
        cluster.submit("chaos", CHAOS.format(count=CHAOS_LOGS, out=out, db=db))
        began = time.monotonic()
        while time.monotonic() - began < 120:
            s = cluster.try_status("chaos")
            if s and s.get("state") in ("done", "failed", "stopped"):
                break
            time.sleep(1.0)
            s = cluster.try_status("chaos")
            live = [e for e in (s or {}).get("elements", []) if e.get("state") == "running" and e.get("pid")]
            if not live:
                continue
            elapsed = time.monotonic() - began
            if "node" not in faults and elapsed >= NODE_AT_S:
                cluster.kill_node("n3", s)
                faults.append("node")
            elif "master" not in faults and elapsed >= MASTER_AT_S:
                cluster.kill_master()
                cluster.start_master()
                faults.append("master")
            else:
                victim = chance.choice(live)
                if not host_alive(victim["pid"], f"chaos/{victim['name']}"):
                    continue
                os.kill(victim["pid"], signal.SIGKILL)
                faults.append(victim["name"])
            kills += 1
        final, _ = cluster.wait_status("chaos", lambda s: s.get("state") == "done", "the chaos run to end", 120)
        with open(out) as f:
            lines = [json.loads(line) for line in f]
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        rows = connection.execute("SELECT seq, k FROM rows ORDER BY rowid").fetchall()
        connection.close()
        counted = int(element(final, "count")["stats"]["handlers"]["count"])
        identical = (lines == [{"seq": i, "k": i % 7} for i in range(CHAOS_LOGS)]
                     and rows == [(i, i % 7) for i in range(CHAOS_LOGS)] and counted == CHAOS_LOGS
                     and "node" in faults and "master" in faults)
        log(f"  chaos: {kills} kills in {time.monotonic() - began:.0f} s ({faults.count('node')} node, "
            f"{faults.count('master')} master); {len(lines)} lines, {len(rows)} rows, count {counted}: "
            f"{'identical' if identical else 'DIFFERENT'} to a fault-free run")
        return identical, kills
    finally:
        cluster.close()
