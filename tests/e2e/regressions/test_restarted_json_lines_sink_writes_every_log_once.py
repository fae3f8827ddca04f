"""Issue 8, item 1: a JsonLinesSink its caretaker restarts continued nothing:
it truncated its .partial file on every start (about 700,000 of 2,000,000
logs lost after one kill), and the run still ended "done". A restarted sink
continues its file and skips what its upstream replays: killed several
times mid-stream, it writes every log exactly once."""

import json

from element_kills import element, kill_mid_stream

COUNT = 200000

TOPOLOGY = f"""
src  :: Sequence(count: {COUNT}, rate: 40000)
sq   :: Map(expr: "square = seq * seq")
keep :: Filter(expr: "seq % 5 != 3")
out  :: JsonLinesSink(path: "out.jsonl")
src -> sq -> keep -> out
"""


def test_restarted_json_lines_sink_writes_every_log_once(tmp_path, start_topology):
    run = start_topology(tmp_path, TOPOLOGY, "-q")
    killed = kill_mid_stream(run, "out", times=3)
    result = run.wait(timeout=120)
    # Our kills, and nothing else, killed an element.
    assert result.stderr.count("killed by signal") == len(killed), result.stderr[-3000:]
    assert result.returncode == 0, result.stderr

    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    logs = [json.loads(line) for line in lines]  # every line whole
    want = [s for s in range(COUNT) if s % 5 != 3]
    seqs = [log["seq"] for log in logs]
    assert len(seqs) == len(want), f"{len(seqs)} lines for {len(want)} logs"
    assert len(set(seqs)) == len(want), f"{len(seqs) - len(set(seqs))} duplicates"
    assert sorted(seqs) == want
    assert all(log["square"] == log["seq"] ** 2 for log in logs)
    assert not (tmp_path / "out.jsonl.partial").exists()
    assert not (tmp_path / "out.jsonl.partial.position").exists()

    out = element(run.snapshots()[-1], "out")
    assert out["restarts"] == len(killed), out
