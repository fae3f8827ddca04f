"""datablox.testing: an element class run without a host, from Python."""

import pytest

from datablox.testing import Harness


def test_aggregate_through_the_harness_exact_output():
    run = Harness("Aggregate", by=["user"], compute="n = count(), total = sum(size)")
    run.push("in", [{"user": "b", "size": 2}, {"user": "a", "size": 1}, {"user": "a", "size": 5}])
    assert run.output("out") == []
    run.end()
    assert run.output("out") == [{"user": "a", "n": 2, "total": 6}, {"user": "b", "n": 1, "total": 2}]
    assert run.read("logs") == "3"


def test_event_windows_and_late_logs():
    run = Harness("Aggregate", compute="n = count()", window="event", time="t", size=10)
    run.push("in", [{"t": 1}, {"t": 10}])
    assert run.take_output("out") == [{"n": 1, "window_start": 0, "window_end": 10}]
    run.push("in", [{"t": 2}])
    assert run.output("late") == [{"t": 2}]


def test_processing_windows_close_on_the_harness_clock():
    run = Harness("Aggregate", compute="n = count()", window="processing", size=100)
    run.push("in", [{}, {}])
    run.advance(99)
    assert run.output("out") == []
    run.advance(1)
    assert [log["n"] for log in run.output("out")] == [2]


def test_queries_and_sources():
    counter = Harness("Counter", key="k")
    counter.push("in", [{"k": "x"}, {"k": "x"}])
    assert counter.query("query", {"group": "x"}) == {"group": "x", "count": 2}
    source = Harness("Sequence", count=3)
    source.produce()
    assert source.output("out") == [{"seq": 0}, {"seq": 1}, {"seq": 2}]


def test_bad_class_parameter_and_log_raise():
    with pytest.raises(ValueError, match="no element class"):
        Harness("NoSuchClass")
    with pytest.raises(ValueError, match="column"):
        Harness("Aggregate", compute="n = mean(x)")
    run = Harness("Route", cases=["n > 1"])
    with pytest.raises(ValueError, match="no push input"):
        run.push("nowhere", [{}])
