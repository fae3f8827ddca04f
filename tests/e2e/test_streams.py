"""Streamed replies between elements (issue 11, item 5): a requester opens
Nexus streams on its query output to a responder whose class serves
streams, through `datablox run` (a master, a caretaker, one process per
element, real sockets). The test classes are C++ plugins built against the
public headers (tests/e2e/stream_classes): StreamNumbers serves consecutive
numbers, StreamPull checks them and writes one line per stream as it ended.
"""

import json
import os
import shutil
import signal
import time

import pytest

from conftest import REPO, final_elements, jsonl

PLUGINS = REPO / "build" / "tests" / "plugins"


def topology(pull_params, out="streams.jsonl"):
    return (f"nums :: StreamNumbers\n"
            f"pull :: StreamPull({pull_params})\n"
            f'out  :: JsonLinesSink(path: "{out}")\n'
            f"pull -> out\n"
            f"pull.numbers => nums.numbers\n")


def by_stream(path):
    lines = jsonl(path)
    assert len(lines) == len({line["stream"] for line in lines}), lines
    return {line["stream"]: line for line in lines}


@pytest.fixture(autouse=True)
def plugin_built():
    assert (PLUGINS / "stream_test.datablox.so").is_file(), f"build the stream_test plugin into {PLUGINS}"


def test_many_parallel_streams_each_arrive_whole_and_in_order(tmp_path, run_topology):
    result = run_topology(tmp_path, topology("streams: 16, items: 20000, per_parcel: 500, window: 4"),
                          "--plugin-path", PLUGINS, "-o", "json")
    assert result.returncode == 0, result.stderr
    streams = by_stream(tmp_path / "streams.jsonl")
    assert sorted(streams) == list(range(16))
    for s in streams.values():
        assert s == {"stream": s["stream"], "ok": True, "items": 20000, "checked": 20000, "error": "",
                     "expected": 20000}, s


def test_a_stream_opened_by_address_arrives_on_port_minus_one(tmp_path, run_topology):
    result = run_topology(tmp_path, topology("streams: 3, items: 700, per_parcel: 64, by_address: true"),
                          "--plugin-path", PLUGINS, "-o", "json")
    assert result.returncode == 0, result.stderr
    assert [s["items"] for s in by_stream(tmp_path / "streams.jsonl").values()] == [700, 700, 700]
    nums = final_elements(json.loads(result.stdout))["nums"]
    assert nums["stats"]["handlers"]["streams_asked"] == "numbers=0 address=3"


def test_the_requester_aborting_mid_stream_ends_that_stream_alone(tmp_path, run_topology):
    result = run_topology(tmp_path, topology("streams: 3, items: 50000, per_parcel: 100, pace_ms: 2, "
                                             "abort_after: 1000"), "--plugin-path", PLUGINS, timeout=120)
    assert result.returncode == 0, result.stderr
    streams = by_stream(tmp_path / "streams.jsonl")
    aborted = streams[0]
    assert aborted["ok"] is False and aborted["error"] == "Unavailable: aborted", aborted
    assert 1000 <= aborted["items"] < 50000
    assert aborted["checked"] == aborted["items"]
    for s in (streams[1], streams[2]):
        assert s["ok"] is True and s["items"] == 50000 and s["checked"] == 50000, s


def test_a_refused_stream_ends_in_the_responders_error(tmp_path, run_topology):
    result = run_topology(tmp_path, topology("streams: 2, refuse: true"), "--plugin-path", PLUGINS)
    assert result.returncode == 0, result.stderr
    for s in by_stream(tmp_path / "streams.jsonl").values():
        assert s["ok"] is False and s["items"] == 0, s
        assert "refused as asked" in s["error"], s


def test_a_responder_failing_mid_stream_is_the_requesters_error(tmp_path, run_topology):
    result = run_topology(tmp_path, topology("streams: 2, items: 5000, per_parcel: 100, fail_at: 1200"),
                          "--plugin-path", PLUGINS)
    assert result.returncode == 0, result.stderr
    for s in by_stream(tmp_path / "streams.jsonl").values():
        assert s["ok"] is False and s["items"] == 1200 and s["checked"] == 1200, s
        assert "failing at item 1200 as asked" in s["error"], s


def test_a_responder_killed_mid_stream_fails_its_streams_within_the_timeout(tmp_path, start_topology):
    run = start_topology(tmp_path, topology("streams: 4, items: 100000, per_parcel: 10, pace_ms: 5, "
                                            "timeout_ms: 1500"), "--plugin-path", PLUGINS)

    def pulling(snapshot):
        pull = final_elements(snapshot).get("pull", {})
        return int(pull.get("stats", {}).get("handlers", {}).get("stream_in_items", "0")) > 0

    snapshot = run.wait_for(pulling, what="items streamed to pull")
    nums = final_elements(snapshot)["nums"]
    pull = final_elements(snapshot)["pull"]["stats"]["handlers"]
    assert pull["streams_in_active"] == "4", pull
    assert nums["stats"]["handlers"]["streams_out_active"] == "4", nums["stats"]["handlers"]
    killed_at = time.monotonic()
    os.kill(nums["pid"], signal.SIGKILL)  # the caretaker restarts it; the streams it served are gone
    result = run.wait(timeout=60)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - killed_at < 30
    for s in by_stream(tmp_path / "streams.jsonl").values():
        assert s["ok"] is False, s
        assert 0 < s["items"] < 100000 and s["checked"] == s["items"], s
        assert "timeout" in s["error"] or "no frame" in s["error"], s


def test_stream_metrics_are_the_elements_handlers(tmp_path, run_topology):
    result = run_topology(tmp_path, topology("streams: 2, items: 3000, per_parcel: 100"), "--plugin-path", PLUGINS,
                          "-o", "json")
    assert result.returncode == 0, result.stderr
    elements = final_elements(json.loads(result.stdout))
    served = elements["nums"]["stats"]["handlers"]
    pulled = elements["pull"]["stats"]["handlers"]
    assert {k: served[k] for k in ("streams_out_done", "streams_out_active", "stream_out_items", "stream_out_bytes")} \
        == {"streams_out_done": "2", "streams_out_active": "0", "stream_out_items": "6000",
            "stream_out_bytes": "48000"}, served
    assert {k: pulled[k] for k in ("streams_in_done", "streams_in_failed", "stream_in_items", "stream_in_bytes")} \
        == {"streams_in_done": "2", "streams_in_failed": "0", "stream_in_items": "6000",
            "stream_in_bytes": "48000"}, pulled
    assert "stream_in_items_per_s" in pulled and "stream_out_items_per_s" in served


PY_CLASSES = REPO / "tests" / "e2e" / "stream_classes" / "py_streams.py"


def python_topology(responder, requester_params):
    return (f"nums :: {responder}\n"
            f"pull :: py:py_streams.PyPull({requester_params})\n"
            f'out  :: JsonLinesSink(path: "streams.jsonl")\n'
            f"pull -> out\n"
            f"pull.numbers => nums.numbers\n")


@pytest.mark.parametrize("responder", ["py:py_streams.PyNumbers", "StreamNumbers"])
def test_a_python_requester_pulls_streams_whole(tmp_path, run_topology, responder):
    shutil.copy(PY_CLASSES, tmp_path / "py_streams.py")
    result = run_topology(tmp_path, python_topology(responder, "streams: 5, items: 30000, per_parcel: 1000"),
                          "--plugin-path", PLUGINS)
    assert result.returncode == 0, result.stderr
    streams = by_stream(tmp_path / "streams.jsonl")
    assert sorted(streams) == list(range(5))
    for s in streams.values():
        assert s == {"stream": s["stream"], "ok": True, "items": 30000, "checked": 30000, "error": "",
                     "expected": 30000}, s


def test_a_python_responder_refuses_by_raising(tmp_path, run_topology):
    shutil.copy(PY_CLASSES, tmp_path / "py_streams.py")
    result = run_topology(tmp_path, python_topology("py:py_streams.PyNumbers", "streams: 2, refuse: true"))
    assert result.returncode == 0, result.stderr
    for s in by_stream(tmp_path / "streams.jsonl").values():
        assert s["ok"] is False and s["items"] == 0 and "refused as asked" in s["error"], s
