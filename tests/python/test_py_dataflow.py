"""Logs through Python elements between C++ ones: exact outputs, every value
type both ways, forwarding without re-encoding, and the life of a received
Log."""

import json

from .py_support import assert_no_process_left, final_status, jsonl, ok, stats

MIXED = """
src  :: Sequence(count: 1000)
tag  :: py:pyt_flow.Tag(prefix: "n")         # Python, per-log hook
keep :: Filter(expr: "seq % 3 != 0")         # C++
sum  :: py:pyt_flow.Summarize(offset: 5)     # Python, batch hook emitting dicts
out  :: JsonLinesSink(path: "out.jsonl")     # C++
src -> tag -> keep -> sum -> out
policy src { batch: 37 }
policy tag { batch: 50 }
"""


def test_mixed_cpp_and_python_chain_exact_output(tmp_path, run_topology):
    result = ok(run_topology(tmp_path, MIXED, "-q", "-o", "json"))
    logs = jsonl(tmp_path / "out.jsonl")
    kept = [s for s in range(1000) if s % 3 != 0]
    assert [log["seq"] for log in logs] == kept  # every seq once, in order (one path)
    assert logs == [{"seq": s, "total": s * s + 5, "label": f"N{s:04d}", "fields": 4} for s in kept]
    assert (stats(result, "tag")["logs_in"], stats(result, "tag")["logs_out"]) == (1000, 1000)
    assert (stats(result, "sum")["logs_in"], stats(result, "sum")["logs_out"]) == (len(kept), len(kept))
    assert stats(result, "keep")["handlers"]["dropped"] == str(1000 - len(kept))
    status = final_status(result)
    assert status["ok"] is True and status["state"] == "done"
    assert {e["name"]: e["class"] for e in status["elements"]}["sum"] == "py:pyt_flow.Summarize"


def test_values_python_emits_and_reads(tmp_path, run_topology):
    text = """
src :: Sequence(count: 1, pad: 3)
val :: py:pyt_flow.Values
typ :: py:pyt_flow.Types
out :: JsonLinesSink(path: "values.jsonl")
tys :: JsonLinesSink(path: "types.jsonl")
src -> val -> out
val -> typ -> tys
"""
    ok(run_topology(tmp_path, text, "-q"))
    raw = (tmp_path / "values.jsonl").read_text()
    assert '"three":3.0' in raw and '"half":1.5' in raw  # floats stay floats, even 3.0
    [v] = jsonl(tmp_path / "values.jsonl")
    received = {"seq": 0, "pad": "xxx"}
    expected = {
        "none": None, "yes": True, "no": False, "neg": -7, "max": 2 ** 63 - 1, "min": -2 ** 63, "half": 1.5,
        "three": 3.0, "text": "ü€ \"quoted\"", "list": [1, "a", [2.5, None]], "tuple": [1, 2],
        "map": {"k": {"n": 1}, "e": {}}, "received": received, "keys": ["seq", "pad"], "len": 2,
        "has_seq": True, "has_nope": False, "get_default": 5, "get_none": None, "missing": "KeyError 'nope'",
        "copy": received, "as_dict": received, "items": ["pad", "seq"], "iter": ["seq", "pad"],
        "repr": 'Log({"pad":"xxx","seq":0})',
    }
    v.pop("raw")  # bytes: JSON has no bytes; read back in Python below
    assert v == expected
    # Python to Python: every type arrives as it left (tuples as lists).
    [t] = jsonl(tmp_path / "types.jsonl")
    assert t["bytes_hex"] == "00ff6162"
    assert t["types"] == t["copy_types"]
    assert t["types"] == {"none": "NoneType", "yes": "bool", "no": "bool", "neg": "int", "max": "int", "min": "int",
                          "half": "float", "three": "float", "raw": "bytes", "text": "str", "list": "list",
                          "tuple": "list", "map": "dict", "received": "dict", "keys": "list", "len": "int",
                          "has_seq": "bool", "has_nope": "bool", "get_default": "int", "get_none": "NoneType",
                          "missing": "str", "copy": "dict", "as_dict": "dict", "items": "list", "iter": "list",
                          "repr": "str"}
    assert '"three":3.0' in (tmp_path / "types.jsonl").read_text()


def test_forwarding_a_log_a_batch_or_a_list_of_logs(tmp_path, run_topology):
    text = """
src :: Sequence(count: 777, pad: 10)
a   :: py:pyt_flow.Forward(mode: "log")
b   :: py:pyt_flow.Forward(mode: "batch")
c   :: py:pyt_flow.Forward(mode: "list")
oa  :: JsonLinesSink(path: "a.jsonl")
ob  :: JsonLinesSink(path: "b.jsonl")
oc  :: JsonLinesSink(path: "c.jsonl")
src -> a -> oa
src -> b -> ob
src -> c -> oc
policy src { batch: 64 }
"""
    result = ok(run_topology(tmp_path, text, "-q", "-o", "json"))
    expected = [{"seq": i, "pad": "x" * 10} for i in range(777)]
    for name in "abc":
        assert jsonl(tmp_path / f"{name}.jsonl") == expected, name
        assert stats(result, name)["logs_out"] == 777


def test_each_log_names_its_input_port(tmp_path, run_topology):
    text = """
a   :: Sequence(count: 3)
b   :: Sequence(count: 2, start: 100)
two :: py:pyt_flow.TwoInputs
out :: JsonLinesSink(path: "ports.jsonl")
a -> two.left
b -> two.right
two -> out
"""
    ok(run_topology(tmp_path, text, "-q"))
    logs = sorted(jsonl(tmp_path / "ports.jsonl"), key=lambda log: log["seq"])
    assert logs == [{"port": "left", "seq": 0}, {"port": "left", "seq": 1}, {"port": "left", "seq": 2},
                    {"port": "right", "seq": 100}, {"port": "right", "seq": 101}]


def test_emit_of_what_cannot_be_a_log_raises_value_error(tmp_path, run_topology):
    text = """
src :: Sequence(count: 1)
bad :: py:pyt_flow.EmitErrors
out :: JsonLinesSink(path: "errors.jsonl")
src -> bad -> out
"""
    ok(run_topology(tmp_path, text, "-q"))
    assert jsonl(tmp_path / "errors.jsonl") == [{"seq": 0, "errors": {
        "not_a_dict": "ValueError: emit: a log must be a dict, not int",
        "int_key": "ValueError: emit: a log's keys must be strings",
        "set_value": "ValueError: emit: field 's': a value of type set (logs hold None, bool, int, float, str, "
                     "bytes, list, dict)",
        "too_big": "ValueError: emit: field 'n': an int out of the 64-bit signed range",
        "nested_key": "ValueError: emit: field 'm': a map key that is not a string",
        "surrogate": "ValueError: emit: field 's': a string that is not valid UTF-8",
        "no_port": "ValueError: bad has no such output port 'nowhere'",
    }}]


KEEP = """
src  :: Sequence(count: 5)
keep :: py:pyt_flow.KeepLogs(catch: {catch})
out  :: JsonLinesSink(path: "kept.jsonl")
src -> keep -> out
"""

EXPIRED_LOG = "this log was received by a hook that has returned; keep dict(log) instead of the log"
EXPIRED_BATCH = "this batch was received by a hook that has returned; keep batch.to_list() instead"


def test_a_log_kept_past_its_hook_raises_value_error(tmp_path, run_topology):
    ok(run_topology(tmp_path, KEEP.format(catch="true"), "-q"))
    assert jsonl(tmp_path / "kept.jsonl") == [{
        "read": f"ValueError: {EXPIRED_LOG}", "len": f"ValueError: {EXPIRED_BATCH}",
        "emit_log": f"ValueError: {EXPIRED_LOG}", "emit_batch": f"ValueError: {EXPIRED_BATCH}",
        "repr": "Log(<expired>)", "copy": {"seq": 0},
    }]


def test_reading_a_kept_log_uncaught_fails_the_element(tmp_path, run_topology):
    result = run_topology(tmp_path, KEEP.format(catch="false"), "-o", "json")
    assert result.returncode == 1, result.stderr
    assert (f"error: element 'keep' (py:pyt_flow.KeepLogs) failed: on_inputs_ended raised ValueError: {EXPIRED_LOG}"
            in result.stderr)
    assert 'self.log["seq"]  # raises: the element fails' in result.stderr  # the traceback's line
    assert json.loads(result.stdout)["state"] == "failed"
    assert not (tmp_path / "kept.jsonl").exists()
    assert_no_process_left(result)


def test_a_python_source_is_held_back_by_backpressure(tmp_path, run_topology):
    # One produce() call emits all 5000 logs; each emit waits while the
    # link to the throttle has no credit, so at most `queue` are in flight.
    text = """
gen  :: py:pyt_life.Chunks(count: 5000, chunk: 5000)
slow :: Throttle(rate: 20000)
out  :: JsonLinesSink(path: "out.jsonl")
gen -> slow -> out
policy slow { queue: 100 }
policy gen { batch: 10 }
"""
    result = ok(run_topology(tmp_path, text, "-q", "-o", "json"))
    assert jsonl(tmp_path / "out.jsonl") == [{"i": i, "call": 1} for i in range(5000)]
    [link] = stats(result, "gen")["out_links"]
    assert link["window"] == 100 and 0 < link["peak_in_flight"] <= 100, link
