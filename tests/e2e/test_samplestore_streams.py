"""The sample store's streams under load and failure (issue 11, the open
ends of items 4 and 5): a nested view's big file cut into byte ranges over
two workers, fetched with every item once; a locus replicated on both
workers, whose primary is SIGKILLed by its pid mid-fetch, pulled again
from its replica with the exact count; and a slow requester (`fetch
--max-parcels-per-s`) pulling a view many times larger than a bound that
the worker's resident memory (VmRSS) stays within. Real master, caretaker,
element processes, sockets and files (fixtures: cluster_runtime.py)."""

import json
import os
import signal
import subprocess
import time

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from conftest import wait_until
from test_samplestore import SCHEMA, Store, expected_users, fetched_users, read_rows, store  # noqa: F401

NESTED_VIEW = """schema = "{schema}"
shape = "nested"
location = "{location}"
loci.rangeBytes = {range_bytes}
load.concurrency = 2
"""


def nested_store(cluster, tmp_path, lines, range_bytes, name="users"):
    """A Store with a view `name` over one nested file of `lines` users."""
    store = Store(cluster, tmp_path)
    location = tmp_path / name
    location.mkdir()
    (store.views / f"{name}.view.toml").write_text(
        NESTED_VIEW.format(schema=SCHEMA, location=location, range_bytes=range_bytes))
    with open(location / "big.jsonl", "w") as f:
        f.writelines(lines)
    return store


def user_line(n, events):
    evs = ",".join(f'{{"ts":{t},"type":"v","value":{t}.5}}' for t in range(events))
    return f'{{"id":"u{n}","country":"DE","sessions":[{{"id":{n},"start":5,"events":[{evs}]}}]}}\n'


def fetch(store, view, out, *args):
    r = store.cluster.cli("fetch", "store", view, "--out", out, "--stream-timeout-ms", 3000, *args, "-o", "json")
    assert r.returncode == 0, r.stderr + store.cluster.log()
    return json.loads(r.stdout), r.stderr


class BackgroundFetch:
    """`datablox fetch` of `view` running in a session of its own while the
    test watches (or kills) the workers; ended by its process group if the
    test leaves before it does."""

    def __init__(self, store, view, out, *args):
        self.process = subprocess.Popen(
            [str(store.cluster.datablox), "fetch", "store", view, "--out", out, *map(str, args), "-o", "json",
             "--master", store.cluster.cli.endpoint],
            cwd=store.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
            start_new_session=True)

    def running(self):
        return self.process.poll() is None

    def finish(self, timeout):
        """(exit status, stdout, stderr); fails when it has not ended within `timeout` s."""
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        return False


def test_a_big_nested_file_is_cut_into_ranges_over_both_workers_each_item_once(cluster, tmp_path):
    lines = [user_line(n, 1 + n % 30) for n in range(6000)]  # about 3 MB, lines of 80..1000 bytes
    lines[-1] = lines[-1].rstrip("\n")  # the last line without its newline
    store = nested_store(cluster, tmp_path, lines, range_bytes=65536)
    store.submit()
    r = store.cluster.cli("call", "store.view", '{"view": "users"}')
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["files"] == 1 and len(answer["loci"]) == 2
    ranges = sorted((g["begin"], g["end"]) for locus in answer["loci"] for g in locus["ranges"])
    assert ranges[0][0] == 0 and ranges[-1][1] == answer["bytes"] and len(ranges) > 2
    result, _ = fetch(store, "users", "users.brgn")
    assert (result["loci"], result["items"], result["rejected"]) == (2, 6000, 0)
    ids = [blob["id"] for blob in store.dump("users.brgn")]
    assert sorted(ids) == sorted(f"u{n}" for n in range(6000))  # every user once
    items = [int(store.handler(w, "items")) for w in ("workers/0", "workers/1")]
    assert sum(items) == 6000 and all(items), items


def test_a_replicated_locus_whose_worker_is_killed_mid_fetch_comes_from_its_replica(store):
    store.generate(users=1200, files=4)
    view = store.views / "events.view.toml"
    view.write_text(view.read_text().replace("loci.replication = 1", "loci.replication = 2"))
    store.submit()
    answer = store.loci()
    assert all(len(locus["addresses"]) == 2 for locus in answer["loci"])
    victim = store.pid("workers/0")
    # Slow: 2 parcels a second over the fetch (about 16 parcels in all), so
    # the kill lands mid-stream although handlers are seen a second late.
    with BackgroundFetch(store, "events", "events.brgn", "--stream-timeout-ms", 2000, "--max-parcels-per-s", 2) as f:
        wait_until(lambda: int(store.handler("workers/0", "read_bytes")) > 0, "workers/0 to press its locus", 30)
        os.kill(victim, signal.SIGKILL)
        code, out, err = f.finish(timeout=120)
    assert code == 0, err + store.cluster.log()
    result = json.loads(out)
    assert result["retries"] >= 1, (result, err)
    assert "pulled from" in err, err
    assert (result["items"], result["rejected"]) == (1200, 0)
    assert fetched_users(store.dump()) == expected_users(read_rows(store.data))  # each once, none lost


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def test_a_slow_requester_keeps_the_workers_memory_flat(cluster, tmp_path):
    # The worker's resident memory may grow by this much at most (it grows by
    # about 15 MiB: a 4 MiB chunk and its carry, the parcels queued and in
    # flight); before chunked reads it held the whole file, ten times more.
    bound_kb = 24 << 10
    line = user_line(0, 60)
    lines = [line.replace('"u0"', f'"u{n}"', 1) for n in range(80000)]  # about 170 MB of JSON
    store = nested_store(cluster, tmp_path, lines, range_bytes=0)  # one file, one locus, one worker
    json_bytes = os.path.getsize(tmp_path / "users" / "big.jsonl")
    store.submit()
    pids = {w: store.pid(w) for w in ("workers/0", "workers/1")}
    baseline = {w: rss_kb(pid) for w, pid in pids.items()}
    peak = dict(baseline)
    with BackgroundFetch(store, "users", "users.brgn", "--max-parcels-per-s", 60, "--window", 2) as f:
        deadline = time.monotonic() + 300
        while f.running() and time.monotonic() < deadline:
            for w, pid in pids.items():
                peak[w] = max(peak[w], rss_kb(pid))
            time.sleep(0.05)
        code, out, err = f.finish(timeout=10)
    assert code == 0, err + store.cluster.log()
    result = json.loads(out)
    assert result["items"] == 80000
    streamed_kb = result["parcel_bytes"] >> 10
    assert streamed_kb > 4 * bound_kb, (streamed_kb, bound_kb)  # the data outgrew the bound several times
    presser = max(pids, key=lambda w: int(store.handler(w, "read_bytes")))
    assert int(store.handler(presser, "read_bytes")) == json_bytes
    growth = peak[presser] - baseline[presser]
    assert growth < bound_kb, f"{presser}'s RSS grew by {growth} kB streaming {streamed_kb} kB ({baseline}, {peak})"
