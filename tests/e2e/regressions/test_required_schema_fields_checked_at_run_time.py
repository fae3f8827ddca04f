"""Regression (issue 8, item 22): the fields an input port requires are
checked at run time when the upstream's out port does not guarantee them.

Required schema fields used to be checked only statically, so a log from an
upstream that declares no schema (here a JsonLinesSource) reached the element
as it was: `{"word": 5}` silently became `{"word": ""}` in a C++ element that
read it as a string. Now a log that lacks a required field, or has it with
another type, is rejected and counted, with a message naming the field, and
the rest flows.
"""

import json

from conftest import check_no_crash, final_elements, jsonl

WORDS = '''
import datablox

class Words(datablox.Element):
    """requires a string word, and says what type it got"""

    ports = [datablox.push_in("in", schema={"word": "string", "n": "float"}), datablox.push_out("out")]

    def on_log(self, port, log):
        self.emit({"word": log["word"], "type": type(log["word"]).__name__, "n": log["n"]})
'''

LINES = [
    {"word": "a", "n": 1.5},
    {"word": 5, "n": 1},            # another type
    {"other": "x", "n": 1},         # missing
    {"word": "b", "n": 2},          # an int where a float is required: accepted
    {"word": None, "n": 1},         # nil is not a string
    {"word": "c", "n": "many"},
    {"word": "d", "n": 3.0, "extra": [1]},
]


def test_off_schema_logs_are_rejected_counted_and_named(tmp_path, run_topology):
    (tmp_path / "words.py").write_text(WORDS)
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(line) + "\n" for line in LINES))
    result = run_topology(tmp_path, """
src   :: JsonLinesSource(path: "in.jsonl")
words :: py:words.Words
out   :: JsonLinesSink(path: "out.jsonl")
src -> words -> out
""", "-o", "json")
    check_no_crash(result)
    assert result.returncode == 0, result.stderr
    assert jsonl(tmp_path / "out.jsonl") == [
        {"word": "a", "type": "str", "n": 1.5},
        {"word": "b", "type": "str", "n": 2},
        {"word": "d", "type": "str", "n": 3.0},
    ]
    final = final_elements(json.loads(result.stdout))
    assert final["words"]["stats"]["rejected"] == 4
    assert final["words"]["stats"]["logs_in"] == len(LINES)
    assert final["src"]["stats"]["rejected"] == 0
    # Rate-limited, but the first one is always said, naming the field.
    assert "field 'word' is int but port 'in' requires string" in result.stderr
    row = next(line for line in result.stderr.splitlines() if line.startswith("words "))
    assert row.split()[4] == "4", row  # the REJECTED column of the summary


def test_a_guaranteed_schema_is_not_checked_again(tmp_path, run_topology):
    # Sequence declares seq: int, so the checker proved the link: nothing is
    # rejected (and the host does no per-log work for it).
    (tmp_path / "seqs.py").write_text('''
import datablox

class Seqs(datablox.Element):
    ports = [datablox.push_in("in", schema={"seq": "int"}), datablox.push_out("out")]

    def on_batch(self, port, logs):
        self.emit(logs)
''')
    result = run_topology(tmp_path, """
src  :: Sequence(count: 500)
seqs :: py:seqs.Seqs
out  :: JsonLinesSink(path: "out.jsonl")
src -> seqs -> out
""", "-o", "json")
    assert result.returncode == 0, result.stderr
    assert [log["seq"] for log in jsonl(tmp_path / "out.jsonl")] == list(range(500))
    assert final_elements(json.loads(result.stdout))["seqs"]["stats"]["rejected"] == 0
