"""Handlers declared = handlers registered: every built-in class runs with
exactly the handlers its spec() declares (the host fails an element whose
registrations and declaration differ), and `describe` shows each with its doc."""

import json
import sqlite3

from conftest import final_elements

# Every built-in class, each in one element, all in one run.
EVERY_BUILT_IN = """
src    :: Sequence(count: 20)
lines  :: JsonLinesSource(path: "in.jsonl")
rows   :: SqliteSource(path: "rows.db", table: "t")
even   :: Filter(expr: "seq % 2 == 0")
sq     :: Map(expr: "sq = seq * seq")
cnt    :: Counter(key: "seq")
slow   :: Throttle(rate: 100000)
shown  :: Print(prefix: "> ")
store  :: SqliteStore(path: "store.db")
sink   :: JsonLinesSink(path: "out.jsonl")
odd    :: Null
ask    :: Ask(request: "{}")
agg    :: Aggregate(compute: "n = count()")
dedup  :: Dedup(within: 4)
route  :: Route(cases: ["seq > 5"])
sample :: Sample(every: 2)
src -> even -> sq -> cnt -> slow -> shown -> store -> sink
even.rejected -> dedup -> route
route.case0 -> sample -> agg -> odd
rows -> odd
lines -> ask
ask.ask => cnt.query
"""

# The sample store's classes and the cell's (catalog, workers, supervisor)
# are services (the sample-store supervisor rescans its views until
# stopped): run apart, stopped by --timeout.
SERVICES = """
lines    :: JsonLinesSource(path: "in.jsonl")
views    :: SampleStoreSupervisor(views_dir: "views")
pressers :: shard SampleStoreWorker(views_dir: "views") { members: 1 }
askv     :: Ask(request: "{\\"view\\": \\"items\\"}")
catalog  :: Catalog(path: "catalog.db")
cell     :: shard CellWorker(cache_dir: "cache/{member}") { members: 1, merge: custom }
sup      :: CellSupervisor()
views.workers => pressers.loci
sup.catalog => catalog.query
sup.stores => views.view
sup.workers => cell.scan
lines -> askv
askv.ask => views.view
"""
SERVICE_CLASSES = {"SampleStoreSupervisor", "SampleStoreWorker", "Catalog", "CellWorker", "CellSupervisor"}
TINY_SCHEMA = """schema tiny {
  version: 1
  root) item : Item
  structure Item {
    0) id : long key
  }
}
"""
TINY_VIEW = """schema = "tiny.brio"
shape = "nested"
location = "../data"
files = ["*.jsonl"]
"""
# What the host registers itself for a class that serves streams (stream.h).
HOST_STREAM_HANDLER_PREFIXES = ("streams_out_", "stream_out_")


def classes(cli):
    result = cli("classes", "-o", "json")
    assert result.returncode == 0, result.stderr
    return {c["class"] for c in json.loads(result.stdout)}


def declared_handlers(cli, class_name):
    result = cli("describe", class_name, "-o", "json")
    assert result.returncode == 0, result.stderr
    return {h["name"]: h["doc"] for h in json.loads(result.stdout)["handlers"]}


def test_every_built_in_registers_exactly_what_it_declares(tmp_path, cli, run_topology):
    (tmp_path / "in.jsonl").write_text('{"a": 1}\n')
    with sqlite3.connect(tmp_path / "rows.db") as db:
        db.execute("CREATE TABLE t (a INTEGER)")
        db.execute("INSERT INTO t VALUES (1)")
    result = run_topology(tmp_path, EVERY_BUILT_IN, "-o", "json")
    assert result.returncode == 0, result.stderr
    assert "handler" not in result.stderr, result.stderr
    # Print's lines come first on stdout, then the final status.
    status = result.stdout[result.stdout.index("\n{") + 1:]
    elements = final_elements(json.loads(status))
    assert {e["class"] for e in elements.values()} | SERVICE_CLASSES == classes(cli), \
        "a built-in class this test does not run"
    for element in elements.values():
        assert_registered_as_declared(cli, element)


def assert_registered_as_declared(cli, element, host_added=()):
    declared = declared_handlers(cli, element["class"])
    # The status shows the readable handlers: all declared ones but the
    # write-only (Counter's reset), and those the host adds.
    readable = {h for h in element["stats"]["handlers"] if not h.startswith(host_added)} if host_added \
        else set(element["stats"]["handlers"])
    assert readable <= set(declared), (element["class"], readable, declared)
    assert set(declared) - readable <= {"reset"}, (element["class"], readable, declared)


def test_the_sample_store_services_register_exactly_what_they_declare(tmp_path, cli, run_topology):
    (tmp_path / "in.jsonl").write_text('{"a": 1}\n')
    (tmp_path / "views").mkdir()
    (tmp_path / "views" / "tiny.brio").write_text(TINY_SCHEMA)
    (tmp_path / "views" / "items.view.toml").write_text(TINY_VIEW)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.jsonl").write_text('{"id": 1}\n')
    result = run_topology(tmp_path, SERVICES, "-o", "json", "--timeout", "4")
    # Stopped by --timeout, as a service is: a non-zero exit that says so.
    assert result.returncode == 1 and "stopped" in result.stderr, result.stderr
    assert "handler" not in result.stderr.replace("stopped", ""), result.stderr
    elements = final_elements(json.loads(result.stdout))
    services = [e for e in elements.values() if e["class"] in SERVICE_CLASSES]
    assert {e["class"] for e in services} == SERVICE_CLASSES
    assert elements["views"]["stats"]["handlers"]["requests"] == "1", elements["views"]
    for element in services:
        host_added = HOST_STREAM_HANDLER_PREFIXES if element["class"] == "SampleStoreWorker" else ()
        assert_registered_as_declared(cli, element, host_added)
    worker = elements["pressers/0"]["stats"]["handlers"]
    assert {"streams_out_done", "stream_out_items"} <= set(worker), worker


def test_describe_shows_every_handler_with_its_doc(cli):
    for class_name in classes(cli):
        for name, doc in declared_handlers(cli, class_name).items():
            assert doc, f"{class_name}'s handler '{name}' has no doc"
    assert set(declared_handlers(cli, "Counter")) == {"count", "groups", "reset"}
    table = cli("describe", "Counter").stdout
    assert "\nreset " in table and "start again from zero" in table, table
