"""The command line: check, run of a bad or missing file, describe, classes."""

import json
import re

import pytest

from conftest import REPO, jsonl


BUILT_INS = ["Aggregate", "Ask", "Counter", "Dedup", "Filter", "JsonLinesSink", "JsonLinesSource", "Map", "Null",
             "Print", "Route", "Sample", "Sequence", "SqliteStore", "Throttle"]

# One mistake per line, on lines 2, 3, 4, 6, 7 and 8.
BAD = """\
# every statement below has a mistake
src  :: Sequense(count: 10)
gen  :: Sequence(count: "many")
cnt  :: Counter(key: "seq", colour: "red")
out  :: JsonLinesSink(path: "never.jsonl")
gen -> ghost -> out
gen.out => cnt.query
policy out { queue: 0 }
"""

# (line, column, a piece of the message) of every error BAD must report.
BAD_ERRORS = [
    (2, 9, "unknown class 'Sequense'"),
    (3, 25, "'count'"),
    (4, 29, "unknown parameter 'colour'"),
    (6, 8, "undeclared element 'ghost'"),
    (7, 5, "'=>'"),
    (8, 21, "queue"),
]

DIAGNOSTIC = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.+)$")


def diagnostics(stderr):
    return [m.groupdict() for m in map(DIAGNOSTIC.match, stderr.splitlines()) if m]


def assert_reports_every_error(stderr, file):
    found = diagnostics(stderr)
    assert found, stderr
    assert all(d["file"] == file for d in found), stderr
    for line, col, piece in BAD_ERRORS:
        assert any(int(d["line"]) == line and int(d["col"]) == col and piece in d["msg"] for d in found), \
            f"no '{file}:{line}:{col}: error: ...{piece}...' in:\n{stderr}"
    # Every diagnostic line is well-formed: nothing else looks like one.
    for text in stderr.splitlines():
        if ": error: " in text and text.startswith(file):
            assert DIAGNOSTIC.match(text), text


def test_check_reports_every_error_with_its_position(tmp_path, cli):
    (tmp_path / "bad.topo").write_text(BAD)
    result = cli("check", "bad.topo", cwd=tmp_path)
    assert result.returncode == 65
    assert_reports_every_error(result.stderr, "bad.topo")
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.topo"]


def test_check_json_lists_every_error(tmp_path, cli):
    (tmp_path / "bad.topo").write_text(BAD)
    result = cli("check", "-o", "json", "bad.topo", cwd=tmp_path)
    assert result.returncode == 65
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["file"] == "bad.topo"
    for line, col, piece in BAD_ERRORS:
        assert any(e["line"] == line and e["column"] == col and piece in e["message"] for e in report["errors"]), \
            (line, col, piece, report["errors"])


def test_run_of_a_bad_topology_starts_nothing(tmp_path, run_topology):
    result = run_topology(tmp_path, BAD, name="bad.topo")
    assert result.returncode == 65
    assert_reports_every_error(result.stderr, "bad.topo")
    assert "nothing was started" in result.stderr
    # No element ran: no output, no partial output, not even a status sample.
    assert not (tmp_path / "never.jsonl").exists()
    assert not (tmp_path / "never.jsonl.partial").exists()
    assert result.snapshots == []
    assert not any(p.name.endswith(".stats.jsonl") for p in tmp_path.iterdir())


def test_check_of_a_good_file_prints_one_summary_line(tmp_path, cli):
    (tmp_path / "good.topo").write_text("""
src  :: Sequence(count: 10)   # comment after a statement
even :: Filter(expr: "seq % 2 == 0")
out  :: JsonLinesSink(path: "out.jsonl") @ local
src -> even -> out; even.rejected -> sink
sink :: Null
policy src { batch: 5 }
""")
    result = cli("check", "good.topo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith("good.topo: ok")
    assert "4 elements" in lines[0] and "3 connections" in lines[0] and "1 polic" in lines[0]
    assert "error" not in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_run_of_a_missing_file_fails_clearly(tmp_path, cli):
    result = cli("run", "no-such.topo", cwd=tmp_path)
    assert result.returncode != 0
    assert "no-such.topo" in result.stderr
    assert re.search(r"cannot read|no such file|not found", result.stderr, re.I), result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_check_of_a_missing_file_fails_clearly(tmp_path, cli):
    result = cli("check", "no-such.topo", cwd=tmp_path)
    assert result.returncode != 0
    assert "no-such.topo" in result.stderr
    assert re.search(r"cannot read|no such file|not found", result.stderr, re.I), result.stderr


def test_unknown_class_gets_a_suggestion(tmp_path, cli):
    (tmp_path / "typo.topo").write_text('src :: Sequense(count: 10)\nout :: Null\nsrc -> out\n')
    result = cli("check", "typo.topo", cwd=tmp_path)
    assert result.returncode == 65
    assert "typo.topo:1:8: error: unknown class 'Sequense'; did you mean 'Sequence'?" in result.stderr.splitlines()


def test_classes_lists_every_built_in(cli):
    result = cli("classes")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CLASS", "SUMMARY"]
    names = [line.split()[0] for line in lines[1:]]
    assert set(BUILT_INS) <= set(names)
    assert names == sorted(names)

    as_json = json.loads(cli("classes", "-o", "json").stdout)
    assert set(BUILT_INS) <= {c["class"] for c in as_json}
    assert all(c["summary"] for c in as_json)


def test_describe_filter_json_has_its_declared_ports_and_params(cli):
    result = cli("describe", "Filter", "-o", "json")
    assert result.returncode == 0, result.stderr
    spec = json.loads(result.stdout)
    assert spec["class"] == "Filter"
    assert spec["summary"]
    ports = {p["name"]: p for p in spec["ports"]}
    assert set(ports) == {"in", "out", "rejected"}
    assert (ports["in"]["kind"], ports["in"]["direction"], ports["in"]["required"]) == ("push", "in", True)
    assert (ports["out"]["kind"], ports["out"]["direction"], ports["out"]["required"]) == ("push", "out", True)
    assert (ports["rejected"]["kind"], ports["rejected"]["direction"], ports["rejected"]["required"]) == \
        ("push", "out", False)
    params = {p["name"]: p for p in spec["params"]}
    assert set(params) == {"expr"}
    assert params["expr"]["required"] is True
    assert params["expr"]["type"] in ("expr", "expression")
    assert {h["name"] for h in spec["handlers"]} == {"passed", "dropped", "errors"}


def test_describe_every_built_in(cli):
    for name in BUILT_INS:
        result = cli("describe", name, "-o", "json")
        assert result.returncode == 0, (name, result.stderr)
        spec = json.loads(result.stdout)
        assert spec["class"] == name
        for port in spec["ports"]:
            assert port["kind"] in ("push", "query") and port["direction"] in ("in", "out")
    sequence = json.loads(cli("describe", "Sequence", "-o", "json").stdout)
    assert [p["name"] for p in sequence["params"]] == ["count", "start", "rate", "pad"]
    assert sequence["ports"][0]["schema"] == {"seq": "int"}
    counter = json.loads(cli("describe", "Counter", "-o", "json").stdout)
    assert {(p["name"], p["kind"], p["direction"]) for p in counter["ports"]} == \
        {("in", "push", "in"), ("out", "push", "out"), ("query", "query", "in")}


def test_describe_table_and_unknown_class(cli):
    result = cli("describe", "Sequence")
    assert result.returncode == 0
    assert result.stdout.startswith("Sequence(count, start, rate, pad)")
    assert re.search(r"^out\s+push\s+out\s+yes\s+\{seq: int\}", result.stdout, re.M), result.stdout
    unknown = cli("describe", "NoSuchClass")
    assert unknown.returncode == 64
    assert "NoSuchClass" in unknown.stderr
    assert unknown.stdout == ""


EXAMPLES = sorted((REPO / "topologies").glob("*.topo"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_shipped_example_checks_and_runs(example, tmp_path, cli, run_topology, monkeypatch):
    # The run copies the file into tmp_path: its Python modules stay in topologies/.
    monkeypatch.setenv("DATABLOX_PYTHONPATH", str(REPO / "topologies"))
    checked = cli("check", example)
    assert checked.returncode == 0, checked.stderr
    if example.stem in ("samplestore", "catalog", "cell_worker", "cell"):  # services, until stopped:
        return  # test_samplestore.py, test_catalog.py, test_cell_worker.py, test_cell.py run them
    assert len(checked.stdout.splitlines()) == 1
    result = run_topology(tmp_path, example.read_text(), "-q", name=example.name)
    assert result.returncode == 0, result.stderr
    if example.stem == "filter_chain":
        logs = jsonl(tmp_path / "even_squares.jsonl")
        assert logs == [{"seq": s, "square": s * s, "label": f"n{s}"} for s in range(0, 100000, 2)]
    elif example.stem == "counter_query":
        assert jsonl(tmp_path / "counts.jsonl") == [{"count": 10000, "groups": {"even": 5000, "odd": 5000}}]
    elif example.stem == "sqlite_store":
        rows = []
        for word, seqs in (("fizz", range(0, 5000, 3)), ("other", [s for s in range(5000) if s % 3])):
            rows.append({"word": word, "n": len(seqs), "total": sum(s / 2 for s in seqs)})
        (line,) = result.stdout.splitlines()
        assert line.startswith("answer: ")
        assert json.loads(line[len("answer: "):]) == {"rows": rows, "count": 2}
