"""The other hooks and calls of a Python element: produce() sources, timers,
handlers, reject, fail, exceptions in hooks, construction, stop()."""

import json
import signal
import time

import pytest

from .py_support import assert_no_process_left, e2e, element_pids, final_status, jsonl, ok, stats

wait_hosts_gone, wait_group_gone = e2e.wait_hosts_gone, e2e.wait_group_gone


@pytest.mark.parametrize("end", ["false", "none"])
def test_produce_true_until_false_or_none(tmp_path, run_topology, end):
    text = f"""
gen :: py:pyt_life.Chunks(count: 20, chunk: 7, end: "{end}")
out :: JsonLinesSink(path: "out.jsonl")
gen -> out
"""
    result = ok(run_topology(tmp_path, text, "-q", "-o", "json"))
    # Three calls: 7 + 7 + 6 logs; the third returns False (or None) and there is no fourth.
    assert jsonl(tmp_path / "out.jsonl") == [{"i": i, "call": i // 7 + 1} for i in range(20)]
    assert stats(result, "gen")["logs_out"] == 20


def test_produce_returning_a_delay(tmp_path, run_topology):
    text = """
gen :: py:pyt_life.Chunks(count: 10, chunk: 3, delay_ms: 5)
out :: JsonLinesSink(path: "out.jsonl")
gen -> out
"""
    ok(run_topology(tmp_path, text, "-q"))
    assert jsonl(tmp_path / "out.jsonl") == [{"i": i, "call": i // 3 + 1} for i in range(10)]


def test_produce_returning_something_else_fails_the_element(tmp_path, run_topology):
    text = """
gen :: py:pyt_life.BadProduce
out :: Null
gen -> out
"""
    result = run_topology(tmp_path, text)
    assert result.returncode == 1, result.stderr
    assert ("error: element 'gen' (py:pyt_life.BadProduce) failed: produce() must return True, False/None or a "
            "delay in milliseconds") in result.stderr
    assert_no_process_left(result)


def test_timers_periodic_one_shot_and_cancelled(tmp_path, run_topology):
    text = """
tick :: py:pyt_life.Ticker(ticks: 4, period_ms: 10)
out  :: JsonLinesSink(path: "ticks.jsonl")
tick -> out
"""
    ok(run_topology(tmp_path, text, "-q"))
    logs = jsonl(tmp_path / "ticks.jsonl")
    # The one-shot timer fires once (at 1 ms, before the first period); the
    # periodic one exactly 4 times, then is cancelled (no tick in the grace
    # period after); the timer cancelled at once never fires.
    assert sorted(logs, key=lambda log: log["tick"]) == (
        [{"tick": -1, "timer": "once"}] + [{"tick": i, "timer": "periodic"} for i in range(4)])
    assert [log["tick"] for log in logs if log["timer"] == "periodic"] == [0, 1, 2, 3]


def test_read_handlers_and_reject_show_in_the_status(tmp_path, run_topology):
    text = """
src :: Sequence(count: 10)
h   :: py:pyt_life.Handlers
src -> h
"""
    result = ok(run_topology(tmp_path, text, "-o", "json"))
    h = stats(result, "h")
    assert h["handlers"] == {"seen": "10", "last": "seq=9", "broken": "error: ZeroDivisionError: division by zero"}
    assert h["rejected"] == 4  # seq 0, 3, 6, 9
    assert h["logs_in"] == 10
    assert "seq 0 is divisible by 3" in result.stderr  # the first reason is logged


def test_fail_ends_the_run_naming_the_element(tmp_path, run_topology):
    text = """
src  :: Sequence(count: 100000000, rate: 2000)
unlucky :: py:pyt_life.Fails(at: 3)
src -> unlucky
"""
    result = run_topology(tmp_path, text, "-o", "json")
    assert result.returncode == 1, result.stderr
    assert "error: element 'unlucky' (py:pyt_life.Fails) failed: seq 3 is unlucky" in result.stderr
    status = json.loads(result.stdout)
    assert status["state"] == "failed"
    assert status["failure"] == "element 'unlucky' (py:pyt_life.Fails) failed: seq 3 is unlucky"
    assert_no_process_left(result)


def test_an_exception_in_a_hook_fails_the_run_with_its_traceback(tmp_path, run_topology):
    text = """
src :: Sequence(count: 100000000, rate: 2000)
div :: py:pyt_life.Divides
out :: Null
src -> div -> out
"""
    result = run_topology(tmp_path, text, "-o", "json")
    assert result.returncode == 1, result.stderr
    err = result.stderr
    assert "Traceback (most recent call last):" in err
    assert 'pyt_life.py", line' in err and "in on_log" in err
    assert 'self.emit({"q": 100 // (log["seq"] - 2)})' in err  # the raising line
    assert "ZeroDivisionError: integer division or modulo by zero" in err
    assert ("error: element 'div' (py:pyt_life.Divides) failed: on_log raised ZeroDivisionError: integer division "
            "or modulo by zero") in err
    assert err.index("Traceback") < err.index("error: element 'div'")
    status = final_status(result)
    assert status["state"] == "failed" and "on_log raised ZeroDivisionError" in status["failure"]
    assert_no_process_left(result)


def test_an_exception_in_configure_fails_the_element(tmp_path, run_topology):
    text = """
bad :: py:pyt_life.BadConfig(what: "purple")
out :: Null
bad -> out
"""
    result = run_topology(tmp_path, text)
    assert result.returncode == 1, result.stderr
    assert "RuntimeError: cannot use purple" in result.stderr
    assert "error: element 'bad' (py:pyt_life.BadConfig) failed: " in result.stderr
    assert "configure raised RuntimeError: cannot use purple" in result.stderr
    assert_no_process_left(result)


def test_init_must_call_the_base_init(tmp_path, run_topology):
    text = """
src :: Sequence(count: 1)
bad :: py:pyt_life.NoSuperInit
src -> bad
"""
    result = run_topology(tmp_path, text)
    assert result.returncode == 1, result.stderr
    assert "__init__() must be called when overriding __init__" in result.stderr
    assert "error: element 'bad' (py:pyt_life.NoSuperInit) failed: " in result.stderr
    assert "could not create an element of class 'py:pyt_life.NoSuperInit'" in result.stderr
    assert_no_process_left(result)


def test_init_calling_the_base_init_and_the_element_name(tmp_path, run_topology):
    text = """
src  :: Sequence(count: 2)
good :: py:pyt_life.WithInit
out  :: JsonLinesSink(path: "out.jsonl")
src -> good -> out
"""
    ok(run_topology(tmp_path, text, "-q"))
    assert jsonl(tmp_path / "out.jsonl") == [{"seq": 0, "value": 42, "name": "good"},
                                             {"seq": 1, "value": 42, "name": "good"}]


def test_print_reaches_the_run_and_stop_is_called(tmp_path, run_topology):
    text = """
src :: Sequence(count: 3)
st  :: py:pyt_life.Stops
src -> st
"""
    result = ok(run_topology(tmp_path, text, "-q"))
    out = result.stdout + result.stderr
    assert "st: started" in out
    assert "st: inputs ended after 3" in out
    # Element hosts run in the directory `run` was started in.
    assert (tmp_path / "stop.txt").read_text() == f"st stopped after 3 in {tmp_path}\n"


def test_a_run_interrupted_while_python_spins_in_a_hook_stops_everything(tmp_path, start_topology):
    text = """
src  :: Sequence(count: 10)
spin :: py:pyt_life.Spins
src -> spin
"""
    run = start_topology(tmp_path, text, "-q")
    deadline = time.monotonic() + 30
    while "spin: spinning" not in run.stdout() + run.stderr():
        assert run.proc.poll() is None, run.stderr()
        assert time.monotonic() < deadline, "the element never started spinning"
        time.sleep(0.05)
    run.wait_for(lambda s: any(e["name"] == "spin" and e.get("pid") for e in s["elements"]), what="spin's pid")
    run.signal(signal.SIGTERM)
    result = run.wait(timeout=60)
    assert result.returncode == 130, result.stderr
    # The host cannot answer while Python holds it: the caretaker kills it.
    assert "ignored SIGTERM" in result.stderr and "spin" in result.stderr
    pids = element_pids(run.snapshots())
    assert pids and not wait_hosts_gone(pids), "an element host outlived the run"
    assert wait_group_gone(run.pid)


@pytest.mark.parametrize("delay", ["600000", "1e10"])
def test_produce_returning_a_long_delay_is_not_called_again_early(tmp_path, run_topology, delay):
    # The timer, not a second produce() call, ends this element.
    text = f"""
w   :: py:pyt_life.WaitsLong(delay: "{delay}")
out :: Null
w -> out
"""
    result = run_topology(tmp_path, text)
    assert result.returncode == 1, result.stderr
    assert "produce() was not called again within 300 ms (calls: 1)" in result.stderr


@pytest.mark.parametrize("delay", ["inf", "1e300", "1e13"])
def test_produce_returning_an_infinite_delay_is_not_called_again(tmp_path, run_topology, delay):
    text = f"""
w   :: py:pyt_life.WaitsLong(delay: "{delay}")
out :: Null
w -> out
"""
    result = run_topology(tmp_path, text)
    assert result.returncode == 1, result.stderr
    assert "produce() was not called again within 300 ms (calls: 1)" in result.stderr


def test_emit_from_a_python_thread_is_refused(tmp_path, run_topology):
    text = """
src :: Sequence(count: 3)
th  :: py:pyt_life.ThreadEmits
out :: JsonLinesSink(path: "out.jsonl")
src -> th -> out
"""
    ok(run_topology(tmp_path, text, "-q"))
    logs = jsonl(tmp_path / "out.jsonl")
    [outcome] = [log["outcome"] for log in logs if "outcome" in log]
    assert outcome is not None and outcome != "emitted", logs
    assert "thread" in outcome, outcome
    assert not any(log.get("from") == "thread" for log in logs)


def test_parameters_reach_configure_with_their_types_and_defaults(tmp_path, run_topology):
    text = """
a   :: py:pyt_life.Params(n: 3)
b   :: py:pyt_life.Params(n: 4, cond: "seq % 2 == 0", set: "b = seq * 2, c = 'x'", items: ["z", [1]], flag: true,
                          ratio: 2.5, text: "it's")
oa  :: JsonLinesSink(path: "a.jsonl")
ob  :: JsonLinesSink(path: "b.jsonl")
a -> oa
b -> ob
"""
    ok(run_topology(tmp_path, text, "-q"))
    types = {"n": "int", "cond": "str", "set": "str", "items": "list", "flag": "bool", "ratio": "float",
             "text": "str"}
    assert jsonl(tmp_path / "a.jsonl") == [{"params": {"n": 3, "cond": "seq > 1", "set": "a = 1",
                                                       "items": [1, "a", 2.5, True], "flag": False, "ratio": 0.5,
                                                       "text": "t"}, "types": types}]
    assert jsonl(tmp_path / "b.jsonl") == [{"params": {"n": 4, "cond": "seq % 2 == 0", "set": "b = seq * 2, c = 'x'",
                                                       "items": ["z", [1]], "flag": True, "ratio": 2.5,
                                                       "text": "it's"}, "types": types}]


def test_a_float_parameter_written_as_an_integer_is_a_float(tmp_path, run_topology):
    text = """
a  :: py:pyt_life.Params(n: 3, ratio: 2)
oa :: JsonLinesSink(path: "a.jsonl")
a -> oa
"""
    ok(run_topology(tmp_path, text, "-q"))
    [log] = jsonl(tmp_path / "a.jsonl")
    assert log["types"]["ratio"] == "float"
    assert '"ratio":2.0' in (tmp_path / "a.jsonl").read_text()


@pytest.mark.parametrize("code", [0, 3])
def test_sys_exit_in_a_hook_fails_the_run_naming_the_element(tmp_path, run_topology, code):
    text = f"""
src :: Sequence(count: 5)
ex  :: py:pyt_life.Exits(code: {code})
out :: JsonLinesSink(path: "out.jsonl")
src -> ex -> out
policy ex {{ restart: "never" }}
"""
    result = run_topology(tmp_path, text, "-o", "json")
    assert result.returncode == 1, result.stderr
    assert f"error: element 'ex' (py:pyt_life.Exits) exited with status {code} before ending" in result.stderr
    assert final_status(result)["state"] == "failed"
    assert not (tmp_path / "out.jsonl").exists()
    assert_no_process_left(result)


def test_an_element_that_keeps_exiting_is_restarted_up_to_its_limit_then_fails(tmp_path, run_topology):
    # Exiting without ending is a crash: restarted (at once, then after a
    # doubling backoff), and failed for good once restart_limit is reached.
    text = """
src :: Sequence(count: 5)
ex  :: py:pyt_life.Exits(code: 3)
out :: JsonLinesSink(path: "out.jsonl")
src -> ex -> out
policy ex { restart_limit: 3, backoff_ms: 10 }
"""
    result = run_topology(tmp_path, text, "-o", "json")
    assert result.returncode == 1, result.stderr
    assert "error: element 'ex' (py:pyt_life.Exits) exited with status 3 after 3 restarts (restart_limit 3 reached)" in result.stderr
    assert result.stderr.count("restarting it") == 3, result.stderr
    ex = next(e for e in final_status(result)["elements"] if e["name"] == "ex")
    assert ex["restarts"] == 3 and ex["last_exit"] == "exited with status 3", ex
    assert final_status(result)["state"] == "failed"
    assert not (tmp_path / "out.jsonl").exists()
    assert_no_process_left(result)
