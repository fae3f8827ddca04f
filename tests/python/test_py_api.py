"""The datablox package in this process, without an element host: the
declaration helpers, subclassing, and what a hook-only call does outside a
host."""

import importlib
import sys

import pytest

import datablox
from .py_support import BUILD_PYTHON, ELEMENTS


def test_the_package_is_the_one_of_the_build_tree():
    assert datablox.__file__.startswith(str(BUILD_PYTHON)), datablox.__file__
    assert set(datablox.__all__) == {"Element", "Log", "Batch", "Responder", "Port", "push_in", "push_out",
                                     "query_in", "query_out", "param", "REQUIRED", "KeyGroups", "ShardLoad",
                                     "key_text"}
    for name in datablox.__all__:
        assert hasattr(datablox, name), name


def test_a_hook_port_equals_its_index_and_its_name():
    left, right = datablox.Port("left", 0), datablox.Port("right", 1)
    assert left == 0 and 0 == left and left == "left" and "left" == left
    assert left != 1 and left != "right" and right == 1 and right != 0
    assert (left.index, left.name, int(right), str(right)) == (0, "left", 1, "right")
    assert ["a", "b"][right] == "b"                 # indexes a list
    assert {"left": 1}[left] == 1                   # hashes as its name
    assert isinstance(left, str) and f"{left}" == "left"
    assert repr(right) == "datablox.Port('right', 1)"


def test_port_declarations():
    assert datablox.push_in() == {"name": "in", "kind": "push", "direction": "in", "schema": {}, "required": True,
                                  "doc": ""}
    assert datablox.push_out() == {"name": "out", "kind": "push", "direction": "out", "schema": {}, "required": True,
                                   "doc": ""}
    assert datablox.push_in("words", schema={"word": "string", "n": "int"}, required=False, doc="some words") == {
        "name": "words", "kind": "push", "direction": "in", "schema": {"word": "string", "n": "int"},
        "required": False, "doc": "some words"}
    assert datablox.query_in() == {"name": "query", "kind": "query", "direction": "in", "schema": {},
                                   "required": False, "doc": ""}
    assert datablox.query_out("lookup", doc="d") == {"name": "lookup", "kind": "query", "direction": "out",
                                                     "schema": {}, "required": True, "doc": "d"}
    every_type = {t: t for t in ("nil", "bool", "int", "float", "string", "bytes", "array", "map")}
    assert datablox.push_out("all", schema=every_type)["schema"] == every_type


def test_a_schema_is_copied():
    schema = {"a": "int"}
    port = datablox.push_in("in", schema=schema)
    schema["b"] = "string"
    assert port["schema"] == {"a": "int"}


@pytest.mark.parametrize("make", [datablox.push_in, datablox.push_out])
def test_unknown_field_type_is_refused(make):
    with pytest.raises(ValueError) as e:
        make("p", schema={"seq": "integer"})
    assert "port 'p': field 'seq' has unknown type 'integer'" in str(e.value)
    assert "'int'" in str(e.value)  # the valid ones are listed


def test_param_declarations():
    assert datablox.param("factor", "int", 2, "the multiplier") == {
        "name": "factor", "type": "int", "required": False, "default": 2, "doc": "the multiplier"}
    assert datablox.param("path") == {"name": "path", "type": "string", "required": True, "default": None, "doc": ""}
    assert datablox.param("path", default=datablox.REQUIRED)["required"] is True
    # A default of None is a default, not a requirement.
    assert datablox.param("maybe", "string", None)["required"] is False
    for t in ("int", "float", "string", "bool", "list", "expr", "assignments", "secret"):
        assert datablox.param("p", t, datablox.REQUIRED)["type"] == t


def test_unknown_param_type_is_refused():
    with pytest.raises(ValueError) as e:
        datablox.param("n", "integer", 1)
    assert "param 'n': unknown type 'integer'" in str(e.value)
    assert "'int'" in str(e.value)


def test_required_sentinel():
    assert repr(datablox.REQUIRED) == "datablox.REQUIRED"
    assert datablox.REQUIRED is datablox.REQUIRED
    assert datablox.param("x", "int", datablox.REQUIRED)["default"] is None


class Plain(datablox.Element):
    """a summary line

    More words."""

    ports = [datablox.push_in("in"), datablox.push_out("out")]
    params = [datablox.param("n", "int", 1)]

    def on_log(self, port, log):
        self.emit(log)


class WithInit(datablox.Element):
    def __init__(self, value=7):
        super().__init__()
        self.value = value


class Grandchild(Plain):
    ports = Plain.ports + [datablox.query_in()]


def test_subclassing():
    e = Plain()
    assert isinstance(e, datablox.Element)
    assert e.name == ""  # named by the host
    assert Plain.ports[0]["name"] == "in" and Plain.params[0]["default"] == 1
    assert WithInit().value == 7 and WithInit(3).value == 3
    g = Grandchild()
    assert isinstance(g, Plain) and [p["name"] for p in g.ports] == ["in", "out", "query"]


HOST_ONLY = {
    "emit": lambda e: e.emit({"a": 1}),
    "emit_list": lambda e: e.emit([{"a": 1}]),
    "emit_to_port": lambda e: e.emit({"a": 1}, port="out"),
    "ask": lambda e: e.ask("ask", {}, lambda reply, error: None),
    "ask_timeout": lambda e: e.ask("ask", {}, lambda reply, error: None, timeout_ms=10),
    "set_timer": lambda e: e.set_timer(10),
    "set_timer_period": lambda e: e.set_timer(10, 10),
    "cancel_timer": lambda e: e.cancel_timer(1),
    "add_read_handler": lambda e: e.add_read_handler("h", lambda: "x"),
    "add_write_handler": lambda e: e.add_write_handler("h", lambda value: None),
    "reject": lambda e: e.reject("why"),
    "fail": lambda e: e.fail("why"),
}


@pytest.mark.parametrize("call", sorted(HOST_ONLY))
def test_hook_calls_outside_a_host_raise_value_error(call):
    with pytest.raises(ValueError) as e:
        HOST_ONLY[call](Plain())
    assert str(e.value) == "this element is not running in a host (datablox run starts it)"


def test_logs_are_made_by_the_host_only():
    with pytest.raises(TypeError):
        datablox.Log()
    with pytest.raises(TypeError):
        datablox.Batch()


def test_the_test_element_modules_import_and_declare_valid_ports():
    sys.path.insert(0, str(ELEMENTS))
    try:
        for name in ("pyt_flow", "pyt_query", "pyt_life"):
            module = importlib.import_module(name)
            classes = [v for v in vars(module).values()
                       if isinstance(v, type) and issubclass(v, datablox.Element) and v is not datablox.Element]
            assert classes, name
            for cls in classes:
                for port in getattr(cls, "ports", []):
                    assert set(port) == {"name", "kind", "direction", "schema", "required", "doc"}, (cls, port)
    finally:
        sys.path.remove(str(ELEMENTS))
