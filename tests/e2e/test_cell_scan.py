"""Scans inside the cell's workers (issue 12, items 2-4): a shard of two
CellWorkers beside the sample store (a supervisor and two workers over a
gen_events dataset) on a real master and caretaker, asked a scan by a
requester (shard_classes/scan_relay.py, standing in for the supervisor)
whose host sends it to both members and merges their partials with the
CellWorker's custom merge. The merged answer is the one `datablox query
--region` gives over the same loci fetched into one region; asked again,
the members answer from memory with no stream opened; a changed deal
reloads; a member SIGKILLed answers from its slice on disk after its
restart; a query that does not compile is an error at LINE:COL naming the
member. (fixtures: cluster_runtime.py; the dataset's helpers:
test_samplestore.py)"""

import json
import os
import shutil
import signal
import threading

import msgpack
import pytest

import test_cell_worker
from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from conftest import REPO
from eql_sqlite import NOW, same
from test_samplestore import SCHEMA

HERE = REPO / "tests" / "e2e"
MEMBERS = ("cells/0", "cells/1")
QUERY = ("select user.country, count(user), count(user.sessions), count(user.sessions.events), "
         "sum(user.sessions.events.value) from schema unity group by user.country")


def topology(views, cache):
    return f"""
store   :: SampleStoreSupervisor(views_dir: "{views}")
workers :: shard SampleStoreWorker(views_dir: "{views}") {{ members: 2 }}
cells   :: shard CellWorker(cache_dir: "{cache}", cores: 2) {{ members: 2, merge: custom }}
relay   :: py:scan_relay.ScanRelay
store.workers => workers.loci
relay.ask => cells.scan
"""


class Cell(test_cell_worker.Cell):
    """The sample store, a CellWorker shard whose cache is in tmp_path, and the relay that asks it."""

    name = "cells"

    def submit(self):
        shutil.copy(HERE / "shard_classes" / "scan_relay.py", self.tmp)
        self.cluster.submit(self.name, topology(self.views, self.tmp / "cache"))
        self.wait_running()

    def scan(self, answer, deal, query=QUERY, domain="unity"):
        """Asks the shard through the relay; (exit code, reply or stderr)."""
        request = json.dumps({"domain": domain, "view": "events", "generation": answer["generation"],
                              "loci": answer["loci"], "deal": deal, "query": query,
                              "schema": SCHEMA.read_text(), "now": NOW, "timeout_ms": 30000})
        r = self.call("relay.scan", request, timeout_ms=60000)
        return r.returncode, (json.loads(r.stdout) if r.returncode == 0 else r.stderr)


def partial_rows(reply):
    """The merged partial (cell/query/partial_codec.h), read here with msgpack:
    one row per group, [country, count(user), count(sessions), count(events), sum(value)]."""
    tag, version, key_parts, shapes, rows_scanned, blobs, groups = msgpack.unpackb(
        bytes.fromhex(reply["partial_hex"]), raw=False)
    assert (tag, version, key_parts, len(shapes)) == ("eql-partial", 1, 1, 4)
    rows = []
    for key, states in groups:
        users, sessions, events, total = states
        rows.append([key[0], users, sessions, events, total[2]])  # a double's sum: [count, int_sum, double_sum, ...]
    return sorted(rows), rows_scanned, blobs


def same_rows(got, expected):
    return len(got) == len(expected) and all(
        len(g) == len(e) and all(same(x, y) for x, y in zip(g, e)) for g, e in zip(got, expected))


@pytest.fixture
def cell(cluster, tmp_path):
    return Cell(cluster, tmp_path)


def test_a_scan_over_two_members_answers_what_one_region_of_the_same_loci_does(cell):
    cell.generate(users=200, files=4)
    cell.submit()
    answer = cell.loci()
    assert len(answer["loci"]) == 2
    # What the local form of a scan answers over the same loci in one region.
    f = cell.cluster.cli("fetch", "cells/store", "events", "--out", "fetched.brgn", "-o", "json")
    assert f.returncode == 0, f.stderr
    local = cell.cluster.local("query", "--region", "fetched.brgn", "--schema", SCHEMA, "--now", NOW, QUERY,
                               "-o", "json")
    assert local.returncode == 0, local.stderr
    expected = sorted(json.loads(local.stdout)["rows"])
    assert sum(row[1] for row in expected) == 200

    code, reply = cell.scan(answer, {"0": [0], "1": [1]})
    assert code == 0, reply + cell.cluster.log()
    rows, rows_scanned, blobs = partial_rows(reply)
    assert same_rows(rows, expected), f"{rows}\n{expected}"
    assert blobs == 200
    assert reply["generation"] == answer["generation"]
    workers = reply["workers"]
    assert [w["worker"] for w in workers] == [0, 1]  # in member order
    assert [w["source"] for w in workers] == ["nexus", "nexus"]
    assert sum(w["blobs"] for w in workers) == 200 and all(w["blobs"] > 0 for w in workers)
    assert sum(w["rows_scanned"] for w in workers) == rows_scanned
    assert [cell.handler(m, "streams_opened") for m in MEMBERS] == ["1", "1"]
    assert [cell.handler(m, "scans") for m in MEMBERS] == ["1", "1"]
    assert int(cell.handler("cells/0", "rows_scanned")) == workers[0]["rows_scanned"]

    # Asked again: the same answer from memory, no stream opened.
    code, again = cell.scan(answer, {"0": [0], "1": [1]})
    assert code == 0, again
    assert partial_rows(again)[0] == rows
    assert [w["source"] for w in again["workers"]] == ["memory", "memory"]
    assert [cell.handler(m, "streams_opened") for m in MEMBERS] == ["1", "1"]
    assert [cell.handler(m, "reloads") for m in MEMBERS] == ["0", "0"]

    # Another deal: member 0 holds both loci now (reloaded), member 1 none (an empty partial).
    code, moved = cell.scan(answer, {"0": [0, 1]})
    assert code == 0, moved
    assert same_rows(partial_rows(moved)[0], expected)
    assert [(w["worker"], w["source"], w["blobs"]) for w in moved["workers"]] == [(0, "nexus", 200)]
    assert cell.handler("cells/0", "reloads") == "1"
    assert cell.handler("cells/0", "streams_opened") == "3"
    assert cell.handler("cells/1", "streams_opened") == "1"

    # Member 0 SIGKILLed by its pid: restarted by its caretaker, it answers from its slice on disk.
    victim = cell.pid("cells/0")
    os.kill(victim, signal.SIGKILL)
    cell.wait_running(not_pid=victim)
    assert cell.handler("cells/0", "recovered") == "1"
    code, restarted = cell.scan(answer, {"0": [0, 1]})
    assert code == 0, restarted
    assert same_rows(partial_rows(restarted)[0], expected)
    assert [(w["worker"], w["source"]) for w in restarted["workers"]] == [(0, "disk")]
    assert cell.handler("cells/0", "streams_opened") == "0"  # this life opened none


def test_a_query_that_does_not_compile_fails_the_scan_at_line_and_column_naming_the_member(cell):
    cell.generate(users=20, files=2)
    cell.submit()
    answer = cell.loci()
    code, stderr = cell.scan(answer, {"0": [0], "1": [1]},
                             query="select sum(user.country),\n  count(user.sesions) from schema unity")
    assert code != 0
    assert "cells/0: 1:12" in stderr or "cells/1: 1:12" in stderr, stderr  # the first member to answer
    assert "1:12: error: sum() takes a numeric field; 'user.country' is a string" in stderr, stderr
    assert "2:14: error: user has no field 'sesions'" in stderr, stderr
    assert [cell.handler(m, "scan_failures") for m in MEMBERS] == ["1", "1"]
    assert [cell.handler(m, "streams_opened") for m in MEMBERS] == ["0", "0"]  # refused before anything loads
    # A deal naming a locus that is not there: refused by name, nothing loaded.
    code, stderr = cell.scan(answer, {"0": [5]})
    assert code != 0 and "\"deal\" member 0: 5 is no index into the 2 loci" in stderr, stderr


def test_scans_at_once_share_one_load_and_a_locus_that_cannot_load_fails_its_scan_naming_it(cell):
    cell.generate(users=60, files=2)
    cell.submit()
    answer = cell.loci()
    deal = {"0": [0], "1": [1]}
    results = [None, None]

    def ask(i):
        results[i] = cell.scan(answer, deal)
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(r is not None and r[0] == 0 for r in results), results
    assert partial_rows(results[0][1])[0] == partial_rows(results[1][1])[0]
    assert sum(row[1] for row in partial_rows(results[0][1])[0]) == 60
    assert [cell.handler(m, "scans") for m in MEMBERS] == ["2", "2"]
    assert [cell.handler(m, "streams_opened") for m in MEMBERS] == ["1", "1"]  # each slice loaded once

    # Member 1's locus at an address that serves nothing: its scan fails naming the locus, no hang.
    broken = json.loads(json.dumps(answer))
    broken["loci"][1]["addresses"] = ["tcp://127.0.0.1:9"]
    code, stderr = cell.scan(broken, deal, domain="other")  # another slice: the held one is not asked for
    assert code != 0 and "cells/1: " in stderr and "locus 1 at tcp://127.0.0.1:9" in stderr, stderr
    assert cell.handler("cells/1", "scan_failures") == "1"
    # The held generation still answers, from memory.
    code, again = cell.scan(answer, deal)
    assert code == 0, again
    assert [w["source"] for w in again["workers"]] == ["memory", "memory"]
