"""The cell's worker (issue 12, item 2): a CellWorker beside the sample
store (a supervisor and two workers over a gen_events dataset) on a real
master and caretaker. Asked for the loci the supervisor answers, it loads
them through Nexus into its cache, one Brio region per core on disk, mapped
(hot); its regions hold the dataset's users, as `datablox fetch` gets them.
SIGKILLed, its caretaker restarts it and the same load answers from disk
with no stream opened; a small memory watermark flushes it to warm.
(fixtures: cluster_runtime.py; the dataset's helpers: test_samplestore.py)"""

import json
import os
import signal

import pytest

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from cluster_runtime import elements
from conftest import REPO, wait_until
from test_samplestore import SCHEMA, Store, expected_users, fetched_users, read_rows

TOPOLOGY = (REPO / "topologies" / "cell_worker.topo").read_text()


class Cell(Store):
    """The sample store and a CellWorker whose cache is in tmp_path."""

    name = "cellw"  # the topology's

    def submit(self, **cell_params):
        params = "".join(f", {k}: {v}" for k, v in cell_params.items())
        text = TOPOLOGY.replace('"topologies/samplestore"', f'"{self.views}"')
        text = text.replace('CellWorker(cache_dir: "cell-cache", cores: 2)',
                            f'CellWorker(cache_dir: "{self.tmp / "cache"}", cores: 2{params})')
        self.cluster.submit(self.name, text)
        self.wait_running()

    def wait_running(self, not_pid=None):
        self.cluster.wait_status(self.name, lambda s: all(e["state"] == "running" and e.get("pid")
                                                        and e["pid"] != not_pid for e in s["elements"]),
                                 "the cell worker and the sample store to run")

    def loci(self):
        r = self.cluster.cli("call", f"{self.name}/store.view", '{"view": "events"}')
        assert r.returncode == 0, r.stderr + self.cluster.log()
        return json.loads(r.stdout)

    def call(self, port, request, timeout_ms=30000):
        """`datablox call` of ELEMENT.PORT (as `fetch` does, a port not bound
        yet right after a (re)start is waited for)."""
        def answered():
            r = self.cluster.cli("call", f"{self.name}/{port}", request, "--timeout-ms", timeout_ms)
            starting = "has no bound query port" in r.stderr or "not wired yet" in r.stderr
            return None if starting else r
        return wait_until(answered, f"{port} to be bound")

    def load(self, answer, domain="unity", **extra):
        """The supervisor's answer with a domain, asked of the CellWorker."""
        return self.call("cell.load", json.dumps(dict(answer, domain=domain, **extra)))

    def handler(self, element, name):
        r = self.cluster.cli("handler", f"{self.name}/{element}.{name}")
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()

    def pid(self, element):
        return elements(self.cluster.status(self.name))[element]["pid"]

    def regions(self):
        """The region files of the cache, as the listing names them."""
        listing = json.loads(self.handler("cell", "cache"))
        paths = []
        for generation in listing["generations"]:
            for s in generation["slices"]:
                folder = self.tmp / "cache" / generation["domain"] / generation["view"]
                # The folder is named by the generation's number (load_request.h), found by its slice.
                (slice_dir,) = [d for d in folder.glob(f"*/slice-{s['worker']}")]
                paths.extend(slice_dir / r["file"] for r in s["regions"])
        return listing, paths

    def blobs(self, path):
        return sorted(json.dumps(b, sort_keys=True) for b in self.dump(str(path)))


def shown(status, *names):
    """The CellWorker's handlers as `datablox status` shows them."""
    handlers = elements(status)["cell"].get("stats", {}).get("handlers", {})
    return tuple(handlers.get(name) for name in names)


@pytest.fixture
def cell(cluster, tmp_path):
    return Cell(cluster, tmp_path)


def test_a_load_fills_the_cache_with_the_datasets_users_and_a_restart_finds_them_on_disk(cell):
    cell.generate(users=120, files=4)
    cell.submit()
    answer = cell.loci()
    assert len(answer["loci"]) == 2
    r = cell.load(answer)
    assert r.returncode == 0, r.stderr + cell.cluster.log()
    loaded = json.loads(r.stdout)
    assert (loaded["state"], loaded["source"], loaded["items"], loaded["regions"]) == ("hot", "nexus", 120, 2)
    assert loaded["generation"] == answer["generation"]
    assert cell.handler("cell", "streams_opened") == "2"
    assert cell.handler("cell", "slices") == "cold=0 warm=0 hot=1 no_data=0 failed=0"
    # `datablox status` shows them too, once the element's next stats have come.
    cell.cluster.wait_status("cellw", lambda s: shown(s, "slices", "loaded_items") == (
        "cold=0 warm=0 hot=1 no_data=0 failed=0", "120"), "the status to show the hot slice")

    listing, paths = cell.regions()
    (generation,) = listing["generations"]
    assert (generation["view"], generation["generation"]) == ("events", answer["generation"])
    assert [s["state"] for s in generation["slices"]] == ["hot"]
    assert len(paths) == 2 and all(p.exists() for p in paths)
    blobs = [b for p in paths for b in cell.dump(str(p))]
    assert fetched_users(blobs) == expected_users(read_rows(cell.data))
    # The same blobs as `datablox fetch` pulls from the same loci.
    f = cell.cluster.cli("fetch", "cellw/store", "events", "--out", "fetched.brgn", "-o", "json")
    assert f.returncode == 0, f.stderr
    assert sorted(b for p in paths for b in cell.blobs(p)) == cell.blobs(cell.tmp / "fetched.brgn")

    # Asked again: loaded once, answered from memory.
    again = json.loads(cell.load(answer).stdout)
    assert (again["state"], again["source"], again["items"]) == ("hot", "memory", 120)
    assert cell.handler("cell", "streams_opened") == "2"

    # Killed by its pid: its caretaker restarts it, and it finds the slice on disk.
    served = [cell.handler(w, "streams") for w in ("workers/0", "workers/1")]
    victim = cell.pid("cell")
    os.kill(victim, signal.SIGKILL)
    cell.wait_running(not_pid=victim)
    assert cell.handler("cell", "recovered") == "1"
    assert cell.handler("cell", "slices") == "cold=0 warm=1 hot=0 no_data=0 failed=0"
    r = cell.load(answer)
    assert r.returncode == 0, r.stderr
    from_disk = json.loads(r.stdout)
    assert (from_disk["state"], from_disk["source"], from_disk["items"]) == ("hot", "disk", 120)
    assert cell.handler("cell", "streams_opened") == "0"  # this life opened none
    assert [cell.handler(w, "streams") for w in ("workers/0", "workers/1")] == served  # and none was served
    assert sorted(b for p in cell.regions()[1] for b in cell.blobs(p)) == cell.blobs(cell.tmp / "fetched.brgn")


def test_asking_without_waiting_shows_the_load_and_a_failed_locus_is_named(cell):
    cell.generate(users=30, files=2)
    cell.submit(stream_timeout_ms=2000)
    answer = cell.loci()
    r = cell.load(answer, wait=False)
    assert r.returncode == 0, r.stderr
    first = json.loads(r.stdout)
    assert first["state"] in ("loading", "hot"), first
    r = cell.load(answer)  # waits for the same load (or answers the slice it made)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["items"] == 30
    assert cell.handler("cell", "streams_opened") == "2"
    # A locus whose worker address serves nothing: the error names the locus and the address.
    broken = json.loads(json.dumps(answer))
    broken["loci"][1]["addresses"] = ["tcp://127.0.0.1:9"]
    r = cell.load(broken, domain="other")  # another slice: that one is held already
    assert r.returncode != 0
    assert "locus 1 at tcp://127.0.0.1:9" in r.stderr, r.stderr
    assert "failed=1" in cell.handler("cell", "slices")
    assert cell.handler("cell", "load_failures") == "1"
    # Asked again, with its worker's address: the failed slice is loaded anew.
    r = cell.load(answer, domain="other")
    assert r.returncode == 0, r.stderr
    assert (json.loads(r.stdout)["state"], json.loads(r.stdout)["items"]) == ("hot", 30)
    assert cell.handler("cell", "slices") == "cold=0 warm=0 hot=2 no_data=0 failed=0"


def test_a_small_memory_watermark_flushes_a_hot_slice_to_warm(cell):
    cell.generate(users=60, files=2)
    cell.submit(memory_bytes=1000, evict_ms=100)
    answer = cell.loci()
    r = cell.load(answer)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["state"] == "hot"
    wait_until(lambda: cell.handler("cell", "slices") == "cold=0 warm=1 hot=0 no_data=0 failed=0",
               "the slice to be flushed")
    assert cell.handler("cell", "evictions").startswith("flushed=")
    assert int(cell.handler("cell", "evictions").split()[0].split("=")[1]) >= 1
    assert cell.handler("cell", "memory_bytes") == "0"
    again = json.loads(cell.load(answer).stdout)
    assert (again["source"], again["items"]) == ("disk", 60)  # mapped again from its files
    assert cell.handler("cell", "streams_opened") == "2"
