"""Aggregate over real processes: event-time windows per key, exact output."""

import json

from conftest import final_elements, jsonl


def test_event_time_windows_by_key_exact_output(tmp_path, run_topology):
    text = """
src  :: Sequence(count: 10000)
keyed :: Map(expr: "k = seq % 3, t = seq * 2")
agg  :: Aggregate(by: ["k"], compute: "n = count(), s = sum(seq), hi = max(seq)",
                  window: "event", time: "t", size: 5000)
out  :: JsonLinesSink(path: "windows.jsonl")
src -> keyed -> agg -> out
"""
    result = run_topology(tmp_path, text, "-q", "-o", "json", name="agg.topo")
    assert result.returncode == 0, result.stderr
    expected = {}
    for seq in range(10000):
        start = (seq * 2) // 5000 * 5000
        row = expected.setdefault((start, seq % 3), {"n": 0, "s": 0, "hi": 0})
        row["n"] += 1
        row["s"] += seq
        row["hi"] = max(row["hi"], seq)
    # Windows in the order they close, each one's groups by key.
    want = [{"k": k, "window_start": start, "window_end": start + 5000, **row}
            for (start, k), row in sorted(expected.items())]
    assert jsonl(tmp_path / "windows.jsonl") == want

    elements = final_elements(json.loads(result.stdout))
    handlers = elements["agg"]["stats"]["handlers"]
    assert handlers["logs"] == "10000"
    assert handlers["late"] == "0"
    assert handlers["emitted"] == str(len(want))


def test_route_sample_and_dedup_exact_output(tmp_path, run_topology):
    text = """
src   :: Sequence(count: 1000)
keyed :: Map(expr: "k = seq % 7")
route :: Route(cases: ["seq % 2 == 0"])
tenth :: Sample(every: 10)
once  :: Dedup(key: ["k"], within: 100)
evens :: JsonLinesSink(path: "evens.jsonl")
keys  :: JsonLinesSink(path: "keys.jsonl")
src -> keyed -> route
route.case0 -> tenth -> evens
route.default -> once -> keys
"""
    result = run_topology(tmp_path, text, "-q", "-o", "json", name="route.topo")
    assert result.returncode == 0, result.stderr
    assert [log["seq"] for log in jsonl(tmp_path / "evens.jsonl")] == list(range(0, 1000, 20))
    # The odd numbers, the first of each k = seq % 7: 1, 3, 5, 7, 9, 11, 13.
    assert [log["seq"] for log in jsonl(tmp_path / "keys.jsonl")] == [1, 3, 5, 7, 9, 11, 13]
    elements = final_elements(json.loads(result.stdout))
    assert elements["route"]["stats"]["handlers"]["defaulted"] == "500"
    assert elements["once"]["stats"]["handlers"]["dropped"] == "493"
