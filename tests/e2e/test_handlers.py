"""Handlers declared = handlers registered: every built-in class runs with
exactly the handlers its spec() declares (the host fails an element whose
registrations and declaration differ), and `describe` shows each with its doc."""

import json

from conftest import final_elements

# Every built-in class, each in one element, all in one run.
EVERY_BUILT_IN = """
src    :: Sequence(count: 20)
lines  :: JsonLinesSource(path: "in.jsonl")
even   :: Filter(expr: "seq % 2 == 0")
sq     :: Map(expr: "sq = seq * seq")
cnt    :: Counter(key: "seq")
slow   :: Throttle(rate: 100000)
shown  :: Print(prefix: "> ")
store  :: SqliteStore(path: "store.db")
sink   :: JsonLinesSink(path: "out.jsonl")
odd    :: Null
ask    :: Ask(request: "{}")
src -> even -> sq -> cnt -> slow -> shown -> store -> sink
even.rejected -> odd
lines -> ask
ask.ask => cnt.query
"""


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
    result = run_topology(tmp_path, EVERY_BUILT_IN, "-o", "json")
    assert result.returncode == 0, result.stderr
    assert "handler" not in result.stderr, result.stderr
    # Print's lines come first on stdout, then the final status.
    status = result.stdout[result.stdout.index("\n{") + 1:]
    elements = final_elements(json.loads(status))
    assert {e["class"] for e in elements.values()} == classes(cli), "a built-in class this test does not run"
    for element in elements.values():
        declared = declared_handlers(cli, element["class"])
        # The status shows the readable handlers: all declared ones but
        # the write-only (Counter's reset).
        readable = set(element["stats"]["handlers"])
        assert readable <= set(declared), (element["class"], readable, declared)
        assert set(declared) - readable <= {"reset"}, (element["class"], readable, declared)


def test_describe_shows_every_handler_with_its_doc(cli):
    for class_name in classes(cli):
        for name, doc in declared_handlers(cli, class_name).items():
            assert doc, f"{class_name}'s handler '{name}' has no doc"
    assert set(declared_handlers(cli, "Counter")) == {"count", "groups", "reset"}
    table = cli("describe", "Counter").stdout
    assert "\nreset " in table and "start again from zero" in table, table
