"""The sample store as elements (issue 11, items 4 and 6): a
SampleStoreSupervisor and two SampleStoreWorkers on a real master and
caretaker, a dataset from tools/gen_events.py, and `datablox fetch` pulling
a view's loci through Nexus into one Brio region file, read back with
`datablox dump-region` and compared with the generator's rows. Files added
or changed make a new generation with the new data; a worker SIGKILLed
mid-fetch fails the fetch with a clear error, no hang; rejects are counted.
(fixtures: cluster_runtime.py)"""

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
from collections import defaultdict

import pytest

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from cluster_runtime import elements
from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import gen_events  # noqa: E402

SCHEMA = REPO / "topologies" / "unity.brio"
VIEW = (REPO / "topologies" / "samplestore" / "events.view.toml").read_text()
EXIT_UNAVAILABLE = 69  # runtime/core/exit_codes.h: kUnavailable
WORKERS = ("workers/0", "workers/1")  # the shard's members


def row(user, session, start, ts, kind, value, country="DE", os_name="ios"):
    return json.dumps({"user": user, "session": session, "session_start": start, "ts": ts, "type": kind,
                       "value": value, "country": country, "os": os_name}, separators=(",", ":")) + "\n"


def read_rows(folder):
    rows = []
    for path in sorted(folder.iterdir()):
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt") as f:
            rows.extend(json.loads(line) for line in f if line.strip().startswith("{"))
    return rows


def expected_users(rows):
    """The generator's rows grouped as the view groups them: {user: tree}."""
    users = {}
    sessions = defaultdict(dict)
    for r in rows:
        users.setdefault(r["user"], {"country": r["country"], "os": r["os"]})
        s = sessions[r["user"]].setdefault(r["session"], {"id": r["session"], "start": r["session_start"],
                                                         "events": []})
        s["events"].append((r["ts"], r["type"], r["value"]))
    for user, tree in users.items():
        tree["sessions"] = sorted(sessions[user].values(), key=lambda s: (s["start"], s["id"]))
        for s in tree["sessions"]:
            s["events"].sort()
    return users


def fetched_users(blobs):
    users = {}
    for blob in blobs:
        assert blob["id"] not in users, f"user {blob['id']} pressed twice: its rows are in two loci"
        sessions = blob["sessions"]
        assert [(s["start"], s["id"]) for s in sessions] == sorted((s["start"], s["id"]) for s in sessions)
        for s in sessions:
            assert [e["ts"] for e in s["events"]] == sorted(e["ts"] for e in s["events"])
            s["events"] = sorted((e["ts"], e["type"], e["value"]) for e in s["events"])
        users[blob["id"]] = {"country": blob["country"], "os": blob["os"], "sessions": sessions}
    return users


class Store:
    """The topology with its views and dataset in tmp_path, and its verbs."""

    def __init__(self, cluster, tmp_path):
        self.cluster, self.tmp = cluster, tmp_path
        self.data = tmp_path / "data"
        self.views = tmp_path / "views"
        self.views.mkdir()
        view = VIEW.replace('schema = "../unity.brio"', f'schema = "{SCHEMA}"')
        view = view.replace('location = "../../data/events"', f'location = "{self.data}"')
        (self.views / "events.view.toml").write_text(view)

    def generate(self, users, files, **kw):
        return gen_events.generate(str(self.data), users=users, files=files, seed=5, partition="user", **kw)

    def submit(self):
        self.cluster.submit("samplestore", (REPO / "topologies" / "samplestore.topo").read_text().replace(
            '"topologies/samplestore"', f'"{self.views}"'))
        self.cluster.wait_status("samplestore", lambda s: all(e["state"] == "running" and e.get("pid")
                                                              for e in s["elements"]), "the sample store to run")

    def loci(self):
        r = self.cluster.cli("call", "store.view", '{"view": "events"}')
        assert r.returncode == 0, r.stderr + self.cluster.log()
        return json.loads(r.stdout)

    def fetch(self, out="events.brgn", *args):
        return self.cluster.cli("fetch", "store", "events", "--out", out, "--stream-timeout-ms", 3000, *args,
                                "-o", "json")

    def dump(self, path="events.brgn"):
        r = self.cluster.local("dump-region", path, "--schema", SCHEMA)
        assert r.returncode == 0, r.stderr
        return [json.loads(line) for line in r.stdout.splitlines()]

    def handler(self, element, name):
        """A handler's value (a shard member's by samplestore/workers/N)."""
        r = self.cluster.cli("handler", f"samplestore/{element}.{name}")
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()

    def pid(self, element):
        return elements(self.cluster.status("samplestore"))[element]["pid"]


@pytest.fixture
def store(cluster, tmp_path):
    return Store(cluster, tmp_path)


def test_generator_partitions_rows_by_user_when_asked(tmp_path):
    summary = gen_events.generate(str(tmp_path / "d"), users=200, files=3, seed=2, partition="user")
    owners = defaultdict(set)
    for k, path in enumerate(summary["files"]):
        with open(path) as f:
            for line in f:
                owners[json.loads(line)["user"]].add(k)
    assert len(owners) == 200
    assert all(len(files) == 1 for files in owners.values())
    assert {k for files in owners.values() for k in files} == {0, 1, 2}


def test_fetch_pulls_every_user_once_as_the_generator_wrote_it(store):
    summary = store.generate(users=150, files=4)
    store.submit()
    answer = store.loci()
    assert answer["files"] == 4 and len(answer["loci"]) == 2
    assert sorted(f for locus in answer["loci"] for f in locus["files"]) == sorted(
        os.path.basename(p) for p in summary["files"])
    r = store.fetch()
    assert r.returncode == 0, r.stderr + store.cluster.log()
    result = json.loads(r.stdout)
    assert result["generation"] == answer["generation"]
    assert (result["loci"], result["items"], result["rejected"]) == (2, 150, 0)
    assert not (store.tmp / "events.brgn.partial").exists()
    assert fetched_users(store.dump()) == expected_users(read_rows(store.data))
    # Both workers pressed their locus: the handlers say so.
    items = [int(store.handler(w, "items")) for w in WORKERS]
    assert sum(items) == 150 and all(items)


def test_added_and_changed_files_make_new_generations_with_the_new_data(store):
    store.generate(users=60, files=2, compress=True)  # gzip'd: read through zlib
    store.submit()
    first = store.loci()
    (store.data / "late.jsonl").write_text(row("x1", 1, 100, 101, "view", 1.5) + row("x1", 1, 100, 102, "click", 2.5))
    added = store.loci()
    assert added["generation"] != first["generation"] and added["files"] == 3
    r = store.fetch("added.brgn")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["items"] == 61
    with open(store.data / "late.jsonl", "a") as f:  # changed: a new user in a file already there
        f.write(row("x2", 7, 500, 501, "ad", 0.25, "FR", "linux"))
    changed = store.loci()
    assert changed["generation"] not in (first["generation"], added["generation"])
    r = store.fetch("changed.brgn")
    assert r.returncode == 0, r.stderr
    users = fetched_users(store.dump("changed.brgn"))
    assert len(users) == 62
    assert users["x2"] == {"country": "FR", "os": "linux",
                           "sessions": [{"id": 7, "start": 500, "events": [(501, "ad", 0.25)]}]}
    (store.data / "late.jsonl").unlink()  # removed
    assert store.loci()["generation"] != changed["generation"]
    # The supervisor's poll noticed the changes too (a handler, not a log line).
    assert int(store.handler("store", "changes")) >= 3


def test_rejected_lines_are_counted_with_their_reasons(store):
    store.generate(users=20, files=2)
    (store.data / "bad.jsonl").write_text("not json\n[1, 2]\n" + row("z1", 1, 1, 2, "view", 1.0)
                                          + '{"session": 3, "ts": 4}\n')
    store.submit()
    r = store.fetch()
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert (result["items"], result["rejected"]) == (21, 3)
    rejects = [store.handler(w, "rejects") for w in WORKERS]
    assert any("malformed=1 not_object=1 missing_key=1" in text for text in rejects), rejects


def test_a_stale_generation_is_refused_by_the_worker(store):
    store.generate(users=10, files=1)
    store.submit()
    locus = store.loci()["loci"][0]
    (store.data / "new.jsonl").write_text(row("y1", 1, 1, 2, "view", 1.0))
    # The locus of before, asked of its worker directly (a Nexus client of its own).
    r = subprocess.run([str(store.cluster.datablox.parent / "nexus_peer"), "fetch", "--connect", locus["addresses"][0],
                        "--streams", "1", "--paradata", locus["paradata"], "--timeout-ms", "5000"],
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "stale generation" in r.stdout, r.stdout
    stale = sum(int(store.handler(w, "stale")) for w in WORKERS)
    assert stale == 1
    r = store.fetch()  # fetch asks anew: the new generation, with the new file
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["items"] == 11


def test_a_worker_killed_mid_fetch_fails_the_fetch_with_a_clear_error(store):
    store.generate(users=1500, files=4)
    store.submit()
    # The fetch writes into a pipe this test reads: reading 1 MiB and then
    # nothing holds the fetch (and, through its credit, the workers) mid-stream.
    partial = store.tmp / "events.brgn.partial"
    os.mkfifo(partial)
    fetch = subprocess.Popen([str(store.cluster.datablox), "fetch", "store", "events", "--out", "events.brgn",
                              "--window", "1", "--stream-timeout-ms", "2000", "--master", store.cluster.cli.endpoint],
                             cwd=store.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        pipe = open(partial, "rb")
        got = 0
        while got < 1 << 20:
            chunk = pipe.read(64 << 10)
            assert chunk, "the fetch ended before it had sent 1 MiB"
            got += len(chunk)
        victim = store.pid("workers/0")
        os.kill(victim, signal.SIGKILL)
        drain = threading.Thread(target=lambda: [None for _ in iter(lambda: pipe.read(1 << 16), b"")], daemon=True)
        drain.start()
        out, err = fetch.communicate(timeout=60)
        drain.join(timeout=10)
        pipe.close()
    finally:
        if fetch.poll() is None:
            os.killpg(fetch.pid, signal.SIGKILL)
            fetch.wait()
    assert fetch.returncode == EXIT_UNAVAILABLE, (fetch.returncode, err)
    assert "error: fetch events" in err and "nexus stream" in err, err
    assert not (store.tmp / "events.brgn").exists()
    assert not partial.exists()
    # Its caretaker restarted it; a new fetch gets everything.
    store.cluster.wait_status("samplestore", lambda s: elements(s)["workers/0"]["pid"] not in (None, victim)
                              and elements(s)["workers/0"]["state"] == "running", "workers/0 to be restarted")
    r = store.fetch()
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["items"] == 1500


def test_fetch_of_an_unknown_view_says_why(store):
    store.generate(users=5, files=1)
    store.submit()
    r = store.cluster.cli("fetch", "store", "nope", "--out", "x.brgn")
    assert r.returncode == 1
    assert "store.view answered" in r.stderr and "nope.view.toml" in r.stderr, r.stderr
    assert not (store.tmp / "x.brgn").exists()
