"""Push dataflow end to end: chains, fan-out, fan-in; every log exactly once."""

import json

from conftest import final_elements, jsonl


def seqs(logs):
    return [log["seq"] for log in logs]


def test_filter_chain_exact_output(tmp_path, run_topology):
    # The topology sits in a subdirectory: relative element paths resolve
    # against the working directory of `datablox run`, not the file's.
    text = """
src  :: Sequence(count: 20000)
keep :: Filter(expr: "seq % 3 == 0")
calc :: Map(expr: "sq = seq * seq, label = upper(concat('n', str(seq))), big = seq >= 10000, tenth = seq % 10")
out  :: JsonLinesSink(path: "chain.jsonl")
src -> keep -> calc -> out
"""
    result = run_topology(tmp_path, text, "-q", "-o", "json", name="topo/chain.topo")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "chain.jsonl"
    assert out.is_file()
    assert not (tmp_path / "topo" / "chain.jsonl").exists()
    assert not (tmp_path / "chain.jsonl.partial").exists()

    logs = jsonl(out)
    # One path, one link per hop: the order is kept too.
    assert seqs(logs) == list(range(0, 20000, 3))
    for log in logs:
        s = log["seq"]
        assert log == {"seq": s, "sq": s * s, "label": f"N{s}", "big": s >= 10000, "tenth": s % 10}
        assert isinstance(log["big"], bool)

    status = json.loads(result.stdout)
    assert status["state"] == "done"
    elements = final_elements(status)
    assert elements["keep"]["stats"]["handlers"] == {"passed": "6667", "dropped": "13333", "errors": "0"}
    assert elements["out"]["stats"]["handlers"]["count"] == "6667"
    assert elements["src"]["stats"]["logs_out"] == 20000
    assert elements["calc"]["stats"]["logs_in"] == 6667
    assert all(e["state"] == "ended" for e in elements.values())


def test_filter_rejected_output_is_the_complement(tmp_path, run_topology):
    text = """
src  :: Sequence(count: 10000)
f    :: Filter(expr: "seq % 7 == 0")
kept :: JsonLinesSink(path: "kept.jsonl")
rest :: JsonLinesSink(path: "rest.jsonl")
src -> f
f.out -> kept
f.rejected -> rest
"""
    result = run_topology(tmp_path, text, "-q")
    assert result.returncode == 0, result.stderr
    kept = seqs(jsonl(tmp_path / "kept.jsonl"))
    rest = seqs(jsonl(tmp_path / "rest.jsonl"))
    assert kept == [s for s in range(10000) if s % 7 == 0]
    assert rest == [s for s in range(10000) if s % 7 != 0]


def test_fan_out_every_sink_gets_everything(tmp_path, run_topology):
    text = """
src :: Sequence(count: 15000)
a   :: JsonLinesSink(path: "a.jsonl")
b   :: JsonLinesSink(path: "b.jsonl")
src -> a
src -> b
"""
    result = run_topology(tmp_path, text, "-q", "-o", "json")
    assert result.returncode == 0, result.stderr
    assert seqs(jsonl(tmp_path / "a.jsonl")) == list(range(15000))
    assert seqs(jsonl(tmp_path / "b.jsonl")) == list(range(15000))
    src = final_elements(json.loads(result.stdout))["src"]["stats"]
    assert sorted(link["sent"] for link in src["out_links"]) == [15000, 15000]


def test_fan_in_union_is_exact(tmp_path, run_topology):
    text = """
low  :: Sequence(count: 12000, start: 0)
high :: Sequence(count: 12000, start: 1000000)
out  :: JsonLinesSink(path: "union.jsonl")
low -> out
high -> out
"""
    result = run_topology(tmp_path, text, "-q")
    assert result.returncode == 0, result.stderr
    got = seqs(jsonl(tmp_path / "union.jsonl"))
    assert sorted(got) == list(range(12000)) + list(range(1000000, 1012000))
    # Each link keeps its own order, whatever the interleaving.
    assert [s for s in got if s < 1000000] == list(range(12000))
    assert [s for s in got if s >= 1000000] == list(range(1000000, 1012000))


def test_chain_of_maps_and_filters_through_fan_in_and_out(tmp_path, run_topology):
    # Two sources merged, split by a Filter, each branch mapped, both
    # branches merged again: the final set is computable exactly.
    text = """
a     :: Sequence(count: 3000)
b     :: Sequence(count: 3000, start: 5000)
split :: Filter(expr: "seq % 2 == 0")
even  :: Map(expr: "kind = 'even', twice = seq * 2")
odd   :: Map(expr: "kind = 'odd', twice = seq * 2 + 1")
out   :: JsonLinesSink(path: "merged.jsonl")
a -> split
b -> split
split.out -> even -> out
split.rejected -> odd -> out
policy split { batch: 7 }
policy out { queue: 50 }
"""
    result = run_topology(tmp_path, text, "-q")
    assert result.returncode == 0, result.stderr
    logs = jsonl(tmp_path / "merged.jsonl")
    expected = {}
    for s in list(range(3000)) + list(range(5000, 8000)):
        expected[s] = {"seq": s, "kind": "even" if s % 2 == 0 else "odd", "twice": s * 2 + (s % 2)}
    assert sorted(seqs(logs)) == sorted(expected)
    assert {log["seq"]: log for log in logs} == expected


def test_empty_streams_big_logs_and_a_queue_of_one(tmp_path, run_topology):
    text = """
none :: Sequence(count: 0)
out  :: JsonLinesSink(path: "empty.jsonl")
big  :: Sequence(count: 40, pad: 200000)
bout :: JsonLinesSink(path: "big.jsonl")
one  :: Sequence(count: 3000)
tiny :: JsonLinesSink(path: "tiny.jsonl")
none -> out
big -> bout
one -> tiny
policy tiny { queue: 1 }
policy bout { queue: 3 }
policy one { batch: 1000 }
"""
    result = run_topology(tmp_path, text, "-q", "-o", "json")
    assert result.returncode == 0, result.stderr
    # An empty stream still ends, and its sink publishes an empty file.
    assert (tmp_path / "empty.jsonl").read_bytes() == b""
    # Logs larger than 64 KiB travel whole.
    big = jsonl(tmp_path / "big.jsonl")
    assert seqs(big) == list(range(40))
    assert all(log == {"seq": log["seq"], "pad": "x" * 200000} for log in big)
    # A window of one log: one log in flight at a time, none lost.
    assert seqs(jsonl(tmp_path / "tiny.jsonl")) == list(range(3000))
    elements = final_elements(json.loads(result.stdout))
    (link,) = elements["one"]["stats"]["out_links"]
    assert (link["window"], link["sent"]) == (1, 3000)
    assert link["peak_in_flight"] == 1
    (link,) = elements["big"]["stats"]["out_links"]
    assert link["window"] == 3 and link["peak_in_flight"] <= 3
