"""EQL over a real region (issue 12, items 3 and 6, at the library level):
tools/gen_events.py writes a few hundred users of flat event rows, the
sample store presses them (`datablox submit topologies/samplestore.topo`,
`datablox fetch` through Nexus into one region file), and `datablox query
--region` answers queries that SQLite, over the same JSON rows, answers
too: counts at every level, sums, min/max/avg, distinct, every dimension
function, `in`, `or`, `not`, a filter at each level (and one on a level's
count of instances below it), funnels within a session, over a session,
within a time window, and `limit`.
(fixtures: cluster_runtime.py)"""

import json
import subprocess

import pytest

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from conftest import REPO
from eql_sqlite import NOW, QUERIES, gen_events, load_sqlite, wrong_answers

SCHEMA = REPO / "topologies" / "unity.brio"
VIEW = (REPO / "topologies" / "samplestore" / "events.view.toml").read_text()
EXIT_DATAERR = 65  # runtime/core/exit_codes.h: kDataErr
EXIT_NOINPUT = 66  # kNoInput


@pytest.fixture
def pressed(cluster, tmp_path):
    """The region file and the SQLite database of one generated dataset."""
    data, views = tmp_path / "data", tmp_path / "views"
    views.mkdir()
    gen_events.generate(str(data), users=300, files=3, seed=7, partition="user")
    view = VIEW.replace('schema = "../unity.brio"', f'schema = "{SCHEMA}"')
    (views / "events.view.toml").write_text(view.replace('location = "../../data/events"', f'location = "{data}"'))
    cluster.submit("samplestore", (REPO / "topologies" / "samplestore.topo").read_text().replace(
        '"topologies/samplestore"', f'"{views}"'))
    cluster.wait_status("samplestore", lambda s: all(e["state"] == "running" and e.get("pid") for e in s["elements"]),
                        "the sample store to run")
    r = cluster.cli("fetch", "store", "events", "--out", "events.brgn", "-o", "json")
    assert r.returncode == 0, r.stderr + cluster.log()
    return cluster, tmp_path / "events.brgn", load_sqlite(data, tmp_path / "events.db")


def query(cluster, region, text, *args):
    return cluster.local("query", "--region", region, "--schema", SCHEMA, "--now", NOW, text, *args)


def test_queries_agree_with_sqlite_over_the_same_rows(pressed):
    cluster, region, db = pressed

    def ask(eql):
        r = query(cluster, region, eql, "-o", "json")
        assert r.returncode == 0, f"{eql}\n{r.stderr}"
        return json.loads(r.stdout)
    wrong = wrong_answers(ask, db)
    assert not wrong, "\n".join(wrong)
    assert len(QUERIES) >= 12


def test_json_has_columns_and_stats_and_the_table_has_headers(pressed):
    cluster, region, db = pressed
    r = query(cluster, region, 'select user.os, count(user) as "users" from schema unity group by user.os', "-o",
              "json")
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["columns"] == ["user.os", "users"]
    users, sessions = db.execute("select count(distinct user), count(distinct session) from events").fetchone()
    assert answer["stats"]["blobs"] == users == 300
    assert answer["stats"]["rows_scanned"] == users  # only the users' level is walked
    assert answer["stats"]["ms"] >= 0
    r = query(cluster, region, 'select user.os, count(user) as "users" from schema unity group by user.os')
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["USER.OS", "USERS"]
    assert [line.split()[0] for line in lines[1:]] == sorted(os for (os,) in db.execute("select distinct os from events"))


def test_a_query_that_does_not_check_exits_65_with_every_error_at_line_and_column(tmp_path, datablox):
    r = cluster_free(datablox, tmp_path, "select sum(user.country),\n  count(user.sesions) from schema unity")
    assert r.returncode == EXIT_DATAERR, r.stderr
    assert r.stderr.splitlines() == [
        "1:12: error: sum() takes a numeric field; 'user.country' is a string",
        "2:14: error: user has no field 'sesions' (its fields: id, country, os, sessions, traits, segments)",
        "query: 2 errors"]
    r = cluster_free(datablox, tmp_path, "select count(user from schema unity where")
    assert r.returncode == EXIT_DATAERR
    assert r.stderr.splitlines()[0] == "1:19: error: expected ')' to close the aggregate, found 'from'"


def test_a_region_is_checked_whole_before_the_scan_and_a_corrupt_blob_exits_65(pressed):
    cluster, region, _ = pressed
    r = query(cluster, region, "select count(user) from schema unity", "-o", "json")
    assert r.returncode == 0, r.stderr
    stats = json.loads(r.stdout)["stats"]
    assert stats["blobs"] == 300 and stats["check_ms"] >= 0 and stats["ms"] >= 0
    data = bytearray(region.read_bytes())
    index = int.from_bytes(data[16:24], "little")
    last = int.from_bytes(data[index + 8 * 299:index + 8 * 300], "little")
    data[last] ^= 0x5A  # the last blob's magic: the region's header and index still check
    bad = region.with_name("bad.brgn")
    bad.write_bytes(bytes(data))
    r = query(cluster, bad, "select count(user) from schema unity", "-o", "json")
    assert r.returncode == EXIT_DATAERR, r.stdout + r.stderr
    assert "blob 299: blob byte 0: not a Brio blob (bad magic)" in r.stderr and r.stdout == ""


def test_an_unreadable_region_exits_66(tmp_path, datablox):
    r = cluster_free(datablox, tmp_path, "select count(user) from schema unity")
    assert r.returncode == EXIT_NOINPUT, r.stderr
    assert "cannot read region" in r.stderr and "missing.brgn" in r.stderr
    (tmp_path / "bad.brgn").write_bytes(b"not a region at all")
    r = cluster_free(datablox, tmp_path, "select count(user) from schema unity", region="bad.brgn")
    assert r.returncode == EXIT_DATAERR, r.stderr


def cluster_free(datablox, cwd, text, region="missing.brgn"):
    """`datablox query` with no daemons: what fails before any scan."""
    return subprocess.run([str(datablox), "query", "--region", region, "--schema", str(SCHEMA), text], cwd=cwd,
                          capture_output=True, text=True, timeout=30)
