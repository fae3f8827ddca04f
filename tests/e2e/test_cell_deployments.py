"""The cell's deployment scenarios (issue 12, item 6; the Alloy design's):
one cell worker with one sample-store worker, two with one, two with two,
and a cell answering two views held by two different sample stores (the
supervisor asks each view's store by its element's name, over one `stores`
port wired to both); and a worker whose slice is flushed under a small
memory watermark, read again from disk. Each answers the same queries as SQLite over the same
JSON rows, so all answer them identically. (the cell's verbs: cell_runtime.py)"""

import json

import pytest

from cell_runtime import Cell
from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from conftest import wait_until
from eql_sqlite import QUERIES, wrong_answers

# Counts at every level, sums and min/max/avg, distinct, a dimension, a
# filter with `in`, and a funnel: the shapes whose merge over workers differs.
SOME = [QUERIES[i] for i in (0, 1, 2, 3, 8, 13)]


@pytest.mark.parametrize("cell_workers, store_workers", [(1, 1), (2, 1), (2, 2)])
def test_each_deployment_answers_as_sqlite(cluster, tmp_path, cell_workers, store_workers):
    cell = Cell(cluster, tmp_path, cell_workers=cell_workers, store_workers=store_workers)
    cell.generate(users=200, files=4)
    cell.submit()
    wrong = wrong_answers(cell.answer, cell.sqlite(), SOME)
    assert not wrong, "\n".join(wrong)
    stats = cell.answer("select count(user) from schema unity")["stats"]
    # A locus per sample-store worker; a cell worker dealt none scans nothing and is not listed.
    r = cluster.cli("call", "cell/store.view", '{"view": "events"}')
    loci = len(json.loads(r.stdout)["loci"])
    assert loci == store_workers
    assert stats["workers"] == min(cell_workers, loci) and stats["blobs"] == 200


def test_two_views_from_two_sample_stores_each_answer_their_own_rows(cluster, tmp_path):
    cell = Cell(cluster, tmp_path, stores=2)
    cell.generate(users=150, files=2, n=1, seed=7)
    cell.generate(users=90, files=2, n=2, seed=8)
    cell.submit()
    for n in (1, 2):
        wrong = wrong_answers(lambda eql: cell.answer(eql, view=cell.view(n)), cell.sqlite(n), SOME)
        assert not wrong, f"view {cell.view(n)}:\n" + "\n".join(wrong)
    one = cell.answer("select count(user) from schema unity", view="events")
    two = cell.answer("select count(user) from schema unity", view="events2")
    assert (one["rows"], two["rows"]) == ([[150]], [[90]])
    assert one["stats"]["generation"] == cell.store_generation(1)
    assert two["stats"]["generation"] == cell.store_generation(2)
    assert one["stats"]["generation"] != two["stats"]["generation"]


def test_a_worker_over_its_memory_watermark_flushes_and_the_next_query_reads_its_slice_from_disk(cluster, tmp_path):
    # 4 KB of memory: any hot slice is over 40% of it, so eviction (every
    # 50 ms) unmaps it to warm; the next scan maps it again from disk.
    cell = Cell(cluster, tmp_path, worker_params=", memory_bytes: 4096, evict_ms: 50")
    cell.generate(users=200, files=2)
    cell.submit()
    db = cell.sqlite()
    first = cell.answer(SOME[0][0])
    assert first["stats"]["sources"] == {"nexus": 2}
    for member in ("workers/0", "workers/1"):
        # "flushed=N dropped=N"
        wait_until(lambda: int(cell.handler(member, "evictions").split()[0].split("=")[1]) >= 1,
                   f"{member} to flush its slice")
    again = cell.answer(SOME[0][0])
    assert again["stats"]["sources"] == {"disk": 2}
    assert again["rows"] == first["rows"]
    wrong = wrong_answers(cell.answer, db, SOME)
    assert not wrong, "\n".join(wrong)
