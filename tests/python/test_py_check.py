"""`datablox check` (and `run`, which checks first) on topologies with py:
classes: the class's ports and parameters are read from Python and checked
like those of a C++ class; a module that cannot be loaded is an error on the
topology line that names it."""

import json
import textwrap


from .py_support import diagnostics, jsonl, ok

BAD_USE = """\
src :: Sequence(count: 5)
tag :: py:pyt_flow.Tag(prefix: 3)
sum :: py:pyt_flow.Summarize(offset: 1, colour: "red")
gen :: py:pyt_life.Chunks(chunk: 2)
out :: JsonLinesSink(path: "never.jsonl")
src -> tag.inn
tag -> sum.input
sum -> out
gen -> out
"""


def test_wrong_param_type_unknown_param_and_unknown_port_of_a_python_class(tmp_path, cli):
    (tmp_path / "bad.topo").write_text(BAD_USE)
    result = cli("check", "bad.topo", cwd=tmp_path)
    assert result.returncode == 65, result.stderr
    found = diagnostics(result.stderr)
    expected = [
        (2, 32, "parameter 'prefix' of py:pyt_flow.Tag for 'tag' must be a string, found int 3"),
        (3, 41, "unknown parameter 'colour' of py:pyt_flow.Summarize; valid parameters: offset"),
        (4, 8, "missing required parameter 'count' (int) of py:pyt_life.Chunks for 'gen'"),
        (6, 12, "unknown port 'inn' of 'tag' (py:pyt_flow.Tag); its push input ports: in"),
        (7, 12, "unknown port 'input' of 'sum' (py:pyt_flow.Summarize); its push input ports: in"),
    ]
    for line, col, message in expected:
        assert any(d[0] == "bad.topo" and d[1] == line and d[2] == col and message in d[3] for d in found), \
            f"no 'bad.topo:{line}:{col}: error: {message}' in:\n{result.stderr}"
    assert all(d[0] == "bad.topo" for d in found)
    # `run` checks first: same exit, nothing started, no output.
    run = cli("run", "bad.topo", "-q", cwd=tmp_path, timeout=60)
    assert run.returncode == 65, run.stderr
    assert not (tmp_path / "never.jsonl").exists()


SCHEMAS = '''\
import datablox

class NeedsName(datablox.Element):
    ports = [datablox.push_in("in", schema={"name": "string", "seq": "int"})]

class NeedsSeqText(datablox.Element):
    ports = [datablox.push_in("in", schema={"seq": "string"})]

class NeedsLabelInt(datablox.Element):
    ports = [datablox.push_in("in", schema={"label": "int"})]

class FreeForm(datablox.Element):
    ports = [datablox.push_out("out")]
'''

SCHEMA_TOPOLOGY = """\
src  :: Sequence(count: 5)
tag  :: py:pyt_flow.Tag
a    :: py:schemas.NeedsName
b    :: py:schemas.NeedsSeqText
c    :: py:schemas.NeedsLabelInt
free :: py:schemas.FreeForm
d    :: py:schemas.NeedsName
src -> a
src -> b
src -> tag -> c
free -> d
"""


def test_schema_mismatches_involving_python_ports(tmp_path, cli):
    # No built-in C++ class declares a schema on an input port, so the C++
    # side here is Sequence's out port {seq: int}; Tag's out port is Python.
    (tmp_path / "schemas.py").write_text(SCHEMAS)
    (tmp_path / "schemas.topo").write_text(SCHEMA_TOPOLOGY)
    result = cli("check", "schemas.topo", cwd=tmp_path)
    assert result.returncode == 65, result.stderr
    found = [(d[1], d[2], d[3]) for d in diagnostics(result.stderr)]
    assert (8, 5, "'src.out' does not provide field 'name' (string) that 'a.in' requires; it provides: seq (int)") \
        in found, result.stderr
    assert (9, 5, "field 'seq' is int at 'src.out' but 'b.in' requires string") in found, result.stderr
    assert (10, 12, "field 'label' is string at 'tag.out' but 'c.in' requires int") in found, result.stderr
    # An out port without a schema promises nothing, and is not checked (as in C++).
    assert not any(line == 11 for line, _, _ in found), result.stderr
    assert len(found) == 3, result.stderr


def test_a_python_out_port_that_satisfies_the_in_port_checks_clean(tmp_path, cli):
    (tmp_path / "good.topo").write_text("""\
src :: Sequence(count: 5)
tag :: py:pyt_flow.Tag(prefix: "x")
sum :: py:pyt_flow.Summarize
out :: JsonLinesSink(path: "out.jsonl")
src -> tag -> sum -> out
""")
    result = cli("check", "good.topo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "good.topo: ok: 4 elements, 3 connections" in result.stdout + result.stderr


BROKEN_MODULES = {
    "syntax.py": "import datablox\n\nclass A(datablox.Element)\n    pass\n",
    "raises.py": "import datablox\n\nVALUE = undefined_name + 1\n",
    "badport.py": ("import datablox\n\nclass A(datablox.Element):\n"
                   "    ports = [datablox.push_in('in', schema={'x': 'str'})]\n"),
    "plain.py": "class NotAnElement:\n    pass\n",
    "strports.py": "import datablox\n\nclass A(datablox.Element):\n    ports = ['in']\n",
}

LOAD_ERRORS = """\
# every class below fails to load
a   :: py:syntax.A
b   :: py:nosuchmodule.B
c   :: py:raises.C
d   :: py:badport.A
e   :: py:plain.NotAnElement
f   :: py:plain.Missing
g   :: py:strports.A
h   :: py:nodot
"""


def test_modules_that_cannot_be_loaded_are_errors_on_their_topology_line(tmp_path, cli):
    for name, text in BROKEN_MODULES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "load.topo").write_text(LOAD_ERRORS)
    result = cli("check", "load.topo", cwd=tmp_path)
    assert result.returncode == 65, result.stderr
    by_line = {}
    for file, line, col, message in diagnostics(result.stderr):
        assert file == "load.topo"
        by_line.setdefault(line, []).append((col, message))
    expected = {
        2: ["cannot load class 'py:syntax.A'", "SyntaxError", "syntax.py, line 3"],
        3: ["cannot load class 'py:nosuchmodule.B'", "ModuleNotFoundError: No module named 'nosuchmodule'"],
        4: ["cannot load class 'py:raises.C'", "NameError", "undefined_name"],
        5: ["cannot load class 'py:badport.A'", "ValueError", "field 'x' has unknown type 'str'"],
        6: ["cannot load class 'py:plain.NotAnElement'", "'plain.NotAnElement' is not a subclass of datablox.Element"],
        7: ["cannot load class 'py:plain.Missing'", "module 'plain' has no class 'Missing'"],
        8: ["cannot load class 'py:strports.A'", "ports must be made with datablox.push_in"],
        9: ["py:module.Class"],
    }
    for line, pieces in expected.items():
        messages = by_line.get(line, [])
        assert any(col == 8 and all(p in m for p in pieces) for col, m in messages), \
            f"line {line}: no error at column 8 with {pieces} in:\n{result.stderr}"
    assert 1 not in by_line
    # The message is one line: no Python traceback is dumped into the check's output.
    assert "Traceback" not in result.stderr and "\nAt:" not in result.stderr


def test_run_of_a_topology_with_a_broken_module_starts_nothing(tmp_path, cli):
    (tmp_path / "syntax.py").write_text(BROKEN_MODULES["syntax.py"])
    (tmp_path / "t.topo").write_text("""\
src :: Sequence(count: 1)
a   :: py:syntax.A
out :: JsonLinesSink(path: "out.jsonl")
src -> out
""")
    result = cli("run", "t.topo", "-q", cwd=tmp_path, timeout=60)
    assert result.returncode == 65, result.stderr
    assert any(d[1] == 2 and "SyntaxError" in d[3] for d in diagnostics(result.stderr)), result.stderr
    assert not (tmp_path / "out.jsonl").exists()


ELSEWHERE = '''\
import datablox

class Stamp(datablox.Element):
    """adds where="lib" """
    ports = [datablox.push_in("in"), datablox.push_out("out")]

    def on_log(self, port, log):
        self.emit({"seq": log["seq"], "where": "lib"})
'''

USES_ELSEWHERE = """\
src :: Sequence(count: 3)
st  :: py:elsewhere.Stamp
out :: JsonLinesSink(path: "stamped.jsonl")
src -> st -> out
"""


def test_datablox_pythonpath_is_honoured(tmp_path, cli, monkeypatch):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "elsewhere.py").write_text(ELSEWHERE)
    (tmp_path / "topo").mkdir()
    (tmp_path / "topo" / "t.topo").write_text(USES_ELSEWHERE)

    monkeypatch.delenv("DATABLOX_PYTHONPATH")
    result = cli("check", "topo/t.topo", cwd=tmp_path)
    assert result.returncode == 65, result.stderr
    assert [(d[1], d[2]) for d in diagnostics(result.stderr)] == [(2, 8)], result.stderr
    assert "No module named 'elsewhere'" in result.stderr

    # Relative entries resolve against the working directory; empty ones are skipped.
    monkeypatch.setenv("DATABLOX_PYTHONPATH", f"{tmp_path / 'nothing'}::lib")
    result = cli("check", "topo/t.topo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr

    monkeypatch.setenv("DATABLOX_PYTHONPATH", str(tmp_path / "lib"))
    result = cli("run", "topo/t.topo", "-q", cwd=tmp_path, timeout=60)
    ok(result)
    assert jsonl(tmp_path / "stamped.jsonl") == [{"seq": i, "where": "lib"} for i in range(3)]


def where_module(tag):
    return textwrap.dedent(f'''\
        import datablox

        class Where(datablox.Element):
            ports = [datablox.push_in("in"), datablox.push_out("out")]

            def on_log(self, port, log):
                self.emit({{"from": "{tag}"}})
        ''')


def write_shadowed(tmp_path):
    """The same module `shadow` in the topology's folder, in lib1 and in lib2."""
    for folder, tag in ((tmp_path, "topology"), (tmp_path / "lib1", "lib1"), (tmp_path / "lib2", "lib2")):
        folder.mkdir(exist_ok=True)
        (folder / "shadow.py").write_text(where_module(tag))
    (tmp_path / "t.topo").write_text("""\
src :: Sequence(count: 1)
w   :: py:shadow.Where
out :: JsonLinesSink(path: "where.jsonl")
src -> w -> out
""")


def test_earlier_datablox_pythonpath_entries_win(tmp_path, run_topology, monkeypatch):
    write_shadowed(tmp_path)
    (tmp_path / "shadow.py").unlink()
    monkeypatch.setenv("DATABLOX_PYTHONPATH", "lib1:lib2")
    result = ok(run_topology(tmp_path, (tmp_path / "t.topo").read_text(), "-q"))
    assert jsonl(tmp_path / "where.jsonl") == [{"from": "lib1"}], result.stderr


def test_the_topology_folder_comes_before_datablox_pythonpath(tmp_path, run_topology, monkeypatch):
    write_shadowed(tmp_path)
    monkeypatch.setenv("DATABLOX_PYTHONPATH", "lib1")
    result = ok(run_topology(tmp_path, (tmp_path / "t.topo").read_text(), "-q"))
    assert jsonl(tmp_path / "where.jsonl") == [{"from": "topology"}], result.stderr


DESCRIBED = '''\
import datablox

class Described(datablox.Element):
    """adds one thing

    And says so at length."""

    ports = [datablox.push_in("in", schema={"seq": "int"}), datablox.push_out("out", required=False, doc="the logs"),
             datablox.query_in("query", doc="asks")]
    params = [datablox.param("factor", "int", 2, "the multiplier"), datablox.param("name", "string")]
    handlers = {"count": "logs seen"}
'''


def test_describe_reads_a_python_class(tmp_path, cli):
    (tmp_path / "described.py").write_text(DESCRIBED)
    result = cli("describe", "-o", "json", "py:described.Described", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    spec = json.loads(result.stdout)
    assert spec["class"] == "py:described.Described"
    assert spec["summary"] == "adds one thing"
    assert spec["description"] == "And says so at length."  # dedented
    assert spec["ports"] == [
        {"name": "in", "kind": "push", "direction": "in", "required": True, "schema": {"seq": "int"}, "doc": ""},
        {"name": "out", "kind": "push", "direction": "out", "required": False, "schema": {}, "doc": "the logs"},
        {"name": "query", "kind": "query", "direction": "in", "required": False, "schema": {}, "doc": "asks"},
    ]
    assert [(p["name"], p["type"], p["required"]) for p in spec["params"]] == [("factor", "int", False),
                                                                             ("name", "string", True)]
    assert spec["handlers"] == [{"name": "count", "doc": "logs seen"}]


def test_describe_finds_a_class_on_datablox_pythonpath(tmp_path, cli, monkeypatch):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "described.py").write_text(DESCRIBED)
    monkeypatch.setenv("DATABLOX_PYTHONPATH", str(tmp_path / "lib"))
    result = cli("describe", "py:described.Described", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("py:described.Described(factor, name)\n  adds one thing\n"), result.stdout


def test_describe_says_why_a_python_class_did_not_load(tmp_path, cli):
    (tmp_path / "syntax.py").write_text(BROKEN_MODULES["syntax.py"])
    result = cli("describe", "py:syntax.A", cwd=tmp_path)
    assert result.returncode == 64, result.stderr
    assert result.stderr.startswith("error: cannot load class 'py:syntax.A': SyntaxError: expected ':' (syntax.py, "
                                    "line 3)"), result.stderr


def test_an_expression_parameter_of_a_python_class_is_compiled_by_the_checker(tmp_path, cli):
    (tmp_path / "expr.topo").write_text("""\
p :: py:pyt_life.Params(n: 1, cond: "seq % 2 == 0 &&")
q :: py:pyt_life.Params(n: 1, set: "b = ")
r :: py:pyt_life.Params(n: 1, cond: "len(name) > 2", set: "b = seq * 2")
o :: Null
p -> o
q -> o
r -> o
""")
    result = cli("check", "expr.topo", cwd=tmp_path)
    assert result.returncode == 65, result.stderr
    found = [(d[1], d[2], d[3]) for d in diagnostics(result.stderr)]
    assert any(line == 1 and col == 53 and "invalid expression in parameter 'cond' of 'p'" in m
               for line, col, m in found), result.stderr
    assert any(line == 2 and col == 41 and "invalid assignments in parameter 'set' of 'q'" in m
               for line, col, m in found), result.stderr
    assert [line for line, _, _ in found] == [1, 2], result.stderr
