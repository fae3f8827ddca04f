"""Regression (issue 8, item 18): a Python hook's `port` equals its index, as
a C++ hook's does, and still equals its name.

Python hooks used to get the port's name where C++ hooks get its index, so
a join written `if port == 0` (the C++ habit) silently emitted nothing.
"""

import json

from conftest import check_no_crash, final_elements, jsonl

JOIN = '''
import datablox

class Join(datablox.Element):
    """tags each log with the input it came in on, told apart C++-style"""

    ports = [datablox.push_in("left"), datablox.push_in("right"), datablox.push_out("out"),
             datablox.query_in("query")]

    def on_log(self, port, log):
        if port == 0:
            side = "left"
        elif port == 1:
            side = "right"
        else:
            side = "neither"
        self.emit({"seq": log["seq"], "side": side, "name": port, "index": int(port),
                   "name_matches": port == side and port.name == side})

    def on_query(self, port, request, responder):
        responder.reply({"by_index": port == 0, "by_name": port == "query", "index": port.index})
'''

TOPOLOGY = """
a     :: Sequence(count: 5)
b     :: Sequence(count: 3, start: 100)
join  :: py:port_join.Join
out   :: JsonLinesSink(path: "out.jsonl")
ask   :: Ask(request: "{}")
reply :: JsonLinesSink(path: "reply.jsonl")
a -> join.left
b -> join.right
join -> out
join.out -> ask -> reply
ask.ask => join.query
"""


def test_python_join_written_with_port_index_sees_both_inputs(tmp_path, run_topology):
    (tmp_path / "port_join.py").write_text(JOIN)
    result = run_topology(tmp_path, TOPOLOGY, "-q", "-o", "json")
    check_no_crash(result)
    assert result.returncode == 0, result.stderr
    got = sorted(jsonl(tmp_path / "out.jsonl"), key=lambda log: log["seq"])
    assert [(log["seq"], log["side"]) for log in got] == \
        [(i, "left") for i in range(5)] + [(100 + i, "right") for i in range(3)]
    # The port is its name as well: emitted as the name, equal to it.
    assert {(log["side"], log["name"], log["index"]) for log in got} == {("left", "left", 0), ("right", "right", 1)}
    assert all(log["name_matches"] for log in got)
    assert jsonl(tmp_path / "reply.jsonl") == [{"by_index": True, "by_name": True, "index": 0}]
    assert final_elements(json.loads(result.stdout))["join"]["stats"]["logs_in"] == 8
