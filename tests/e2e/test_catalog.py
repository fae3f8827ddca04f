"""The cell's catalog (issue 12, item 1): topologies/catalog.topo on a real
master and caretaker, `datablox catalog` adding a domain, a view
(topologies/samplestore/events.view.toml) and a saved query, listing and
showing them as tables and JSON, refusing a view whose schema does not
check with its FILE:LINE:COL, counting a malformed request, removing; the
data survives the element's SIGKILL (its caretaker restarts it), and
`--db FILE` reads the same SQLite file once the topology is gone.
(fixtures: cluster_runtime.py)"""

import json
import os
import signal

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from cluster_runtime import elements
from conftest import REPO

VIEW_FILE = REPO / "topologies" / "samplestore" / "events.view.toml"
EXIT_DATAERR = 65  # runtime/core/exit_codes.h: kDataErr
EXIT_UNAVAILABLE = 69  # kUnavailable
EXIT_FAILED = 1  # kFailed: the element answered with an error


def ok(r):
    assert r.returncode == 0, f"exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r.stdout


def table(text):
    """A table's rows as lists of cells (columns split on 2+ spaces)."""
    import re
    return [re.split(r"\s{2,}", line.strip()) for line in text.strip().splitlines()]


def start(cluster):
    cluster.submit("catalog", (REPO / "topologies" / "catalog.topo").read_text())
    return cluster.wait_status("catalog", lambda s: all(e["state"] == "running" and e.get("pid")
                                                        for e in s["elements"]), "the catalog to run")


def add_all(cluster):
    assert ok(cluster.cli("catalog", "add", "domain", "unity", "--property", "owner=games")) == \
        "added domain unity (key 1)\n"
    assert ok(cluster.cli("catalog", "add", "view", "events", "--domain", "unity", "--view-file", VIEW_FILE,
                          "--store", "samplestore/store", "--property", "ttl=3600")) == "added view events (key 1)\n"
    assert ok(cluster.cli("catalog", "add", "query", "buyers", "--view", "events",
                          "select count(user) from schema unity")) == "added query buyers (key 1)\n"


def test_catalog_adds_lists_shows_refuses_and_removes(cluster, tmp_path):
    r = cluster.cli("catalog", "list")  # a master, but no catalog yet
    assert r.returncode == EXIT_UNAVAILABLE and "no element 'catalog'" in r.stderr, (r.returncode, r.stderr)
    start(cluster)
    add_all(cluster)

    listed = ok(cluster.cli("catalog", "list")).split("\n\n")
    assert table(listed[0]) == [["KEY", "DOMAIN", "PROPERTIES"], ["1", "unity", "owner=games"]]
    assert table(listed[1]) == [["KEY", "VIEW", "DOMAIN", "SHAPE", "GENERATION", "STORE", "FILE"],
                                ["1", "events", "unity", "flat", "0", "samplestore/store", str(VIEW_FILE)]]
    assert table(listed[2]) == [["KEY", "QUERY", "VIEW", "TEXT"],
                                ["1", "buyers", "events", "select count(user) from schema unity"]]

    views = cluster.json("catalog", "list", "views")
    assert list(views) == ["views"]
    view = views["views"][0]
    assert view == {"key": 1, "moniker": "events", "domain": "unity", "view_file": str(VIEW_FILE),
                    "schema": str(REPO / "topologies" / "unity.brio"), "shape": "flat", "levels": 3,
                    "store": "samplestore/store", "location": str(REPO / "data" / "events"),
                    "properties": {"ttl": "3600"}, "generation": 0}
    assert cluster.json("catalog", "show", "view", "events") == {"view": view}
    shown = dict(row for row in table(ok(cluster.cli("catalog", "show", "view", "events")))[1:])
    assert shown["KEY"] == "1" and shown["MONIKER"] == "events" and shown["SHAPE"] == "flat"
    assert shown["VIEW FILE"] == str(VIEW_FILE) and shown["PROPERTIES"] == "ttl=3600"
    assert cluster.json("catalog", "show", "query", "buyers")["query"]["text"] == \
        "select count(user) from schema unity"

    # A view whose schema does not check: refused, with the checker's positions.
    (tmp_path / "broken.brio").write_text("schema broken {\n  version: 1\n  root) user : Nobody\n}\n")
    (tmp_path / "broken.view.toml").write_text('schema = "broken.brio"\nshape = "nested"\nlocation = "."\n')
    r = cluster.cli("catalog", "add", "view", "broken", "--domain", "unity", "--view-file",
                    tmp_path / "broken.view.toml")
    assert r.returncode == EXIT_DATAERR, r.stderr
    assert f"{tmp_path}/broken.brio:3:16: error: unknown structure 'Nobody'" in r.stderr, r.stderr
    assert [v["moniker"] for v in cluster.json("catalog", "list", "views")["views"]] == ["events"]
    r = cluster.cli("catalog", "add", "domain", "unity")
    assert r.returncode == EXIT_DATAERR and "a domain 'unity' exists already" in r.stderr, r.stderr

    # A malformed request: an error answer, counted; the element lives on.
    r = cluster.cli("call", "catalog.query", '{"op": "drop"}')
    assert r.returncode == EXIT_FAILED and "unknown op 'drop'" in r.stderr, r.stderr
    assert ok(cluster.cli("handler", "catalog/catalog.malformed")).strip() == "1"
    assert ok(cluster.cli("handler", "catalog/catalog.refused")).strip() == "2"

    # Removing: refused while something refers to it, then in order.
    r = cluster.cli("catalog", "remove", "view", "events")
    assert r.returncode == EXIT_DATAERR and "still has saved queries: buyers" in r.stderr, r.stderr
    assert ok(cluster.cli("catalog", "remove", "query", "buyers")) == "removed query buyers (key 1)\n"
    r = cluster.cli("catalog", "show", "query", "buyers")
    assert r.returncode == EXIT_DATAERR and "no saved query 'buyers'" in r.stderr, r.stderr
    assert cluster.json("catalog", "list", "queries") == {"queries": []}


def test_catalog_survives_a_restart_and_its_file_is_read_directly(cluster, tmp_path):
    status = start(cluster)
    add_all(cluster)
    assert cluster.json("catalog", "bump", "events")["view"]["generation"] == 1
    before = cluster.json("catalog", "list")

    victim = elements(status)["catalog"]["pid"]
    os.kill(victim, signal.SIGKILL)
    cluster.wait_status("catalog", lambda s: elements(s)["catalog"]["pid"] not in (None, victim)
                        and elements(s)["catalog"]["state"] == "running", "the catalog to be restarted")
    assert cluster.json("catalog", "list") == before
    assert cluster.json("catalog", "show", "view", "events")["view"]["generation"] == 1

    # With the cell gone, --db reads and writes the same file.
    ok(cluster.cli("kill", "catalog"))
    cluster.wait_finished("catalog")
    r = cluster.cli("catalog", "list", "--timeout-ms", 500)
    assert r.returncode == EXIT_UNAVAILABLE and "is a Catalog running?" in r.stderr, (r.returncode, r.stderr)
    r = cluster.local("catalog", "--db", tmp_path / "catalog.db", "list", "-o", "json")
    assert json.loads(ok(r)) == before
    r = cluster.local("catalog", "--db", tmp_path / "catalog.db", "add", "domain", "second")
    assert ok(r) == "added domain second (key 2)\n"


def test_catalog_without_a_master_cannot_be_reached(cli, tmp_path):
    from conftest import free_port
    r = cli("catalog", "list", "--master", f"tcp://127.0.0.1:{free_port()}", cwd=tmp_path)
    assert r.returncode == EXIT_UNAVAILABLE, r.stderr
    assert "cannot reach the master" in r.stderr, r.stderr
