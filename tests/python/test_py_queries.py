"""Queries across the language line: C++ asking Python (the Ask built-in on
a Python query_in port) and Python asking C++ (self.ask on Counter and
SqliteStore), with replies, error replies, timeouts and late answers."""

import json

from .py_support import assert_no_process_left, final_status, jsonl, ok, stats


def test_cpp_ask_gets_the_reply_of_a_python_responder(tmp_path, run_topology):
    # Ask asks when its input ends: after `sq` has seen (and forwarded) every log.
    text = """
src :: Sequence(count: 10)
sq  :: py:pyt_query.Squares
ask :: Ask(request: '{"seq": 7}')
out :: JsonLinesSink(path: "reply.jsonl")
src -> sq -> ask -> out
ask.ask => sq.query
"""
    result = ok(run_topology(tmp_path, text, "-q", "-o", "json"))
    assert jsonl(tmp_path / "reply.jsonl") == [{"seq": 7, "square": 49, "port": "query", "seen": 10}]
    assert stats(result, "sq")["queries_in"] == 1


def test_an_error_reply_from_python_fails_the_cpp_asker(tmp_path, run_topology):
    text = """
src :: Sequence(count: 10)
sq  :: py:pyt_query.Squares
ask :: Ask(request: '{"seq": 99}')
out :: JsonLinesSink(path: "reply.jsonl")
src -> sq -> ask -> out
ask.ask => sq.query
"""
    result = run_topology(tmp_path, text, "-q")
    assert result.returncode == 1, result.stderr
    assert "error: element 'ask' (Ask) failed: the query failed: seq 99 not seen" in result.stderr
    assert not (tmp_path / "reply.jsonl").exists()


def test_a_python_responder_may_answer_later_and_only_once(tmp_path, run_topology):
    text = """
src :: Sequence(count: 5)
lat :: py:pyt_query.Later
ask :: Ask(request: '{"q": [1, "two"]}')
out :: JsonLinesSink(path: "late.jsonl")
src -> lat -> ask -> out
ask.ask => lat.query
"""
    result = ok(run_topology(tmp_path, text, "-q", "-o", "json"))
    assert jsonl(tmp_path / "late.jsonl") == [{"late": True, "request": {"q": [1, "two"]}}]
    assert stats(result, "ask")["replies_late"] == 0


def test_python_asks_a_counter(tmp_path, run_topology):
    text = """
src   :: Sequence(count: 11)
par   :: Map(expr: "parity = if(seq % 2 == 0, 'even', 'odd')")
cnt   :: Counter(key: "parity")
all   :: py:pyt_query.AskAtEnd
odd   :: py:pyt_query.AskAtEnd(request: '{"group": "odd"}')
out   :: JsonLinesSink(path: "all.jsonl")
oddo  :: JsonLinesSink(path: "odd.jsonl")
src -> par -> cnt
cnt -> all -> out
cnt -> odd -> oddo
all.ask => cnt.query
odd.ask => cnt.query
"""
    result = ok(run_topology(tmp_path, text, "-q", "-o", "json"))
    assert jsonl(tmp_path / "all.jsonl") == [{"seen": 11, "reply": {"count": 11, "groups": {"even": 6, "odd": 5}},
                                             "error": None}]
    assert jsonl(tmp_path / "odd.jsonl") == [{"seen": 11, "reply": {"group": "odd", "count": 5}, "error": None}]
    assert stats(result, "all")["queries_out"] == 1 and stats(result, "cnt")["queries_in"] == 2


def test_python_asks_a_sqlite_store(tmp_path, run_topology):
    # SqliteStore passes a log on once its transaction has committed: when
    # the asker's input ends, every row is in the table.
    text = """
src   :: Sequence(count: 6)
store :: SqliteStore(path: "store.db")
ask   :: py:pyt_query.AskAtEnd(request: '{"sql": "SELECT count(*) AS n, sum(seq) AS total FROM logs"}')
rows  :: py:pyt_query.AskAtEnd(request: '{"sql": "SELECT seq FROM logs WHERE seq < ? ORDER BY seq", "params": [2]}')
out   :: JsonLinesSink(path: "sum.jsonl")
rout  :: JsonLinesSink(path: "rows.jsonl")
src -> store
store -> ask -> out
store -> rows -> rout
ask.ask => store.query
rows.ask => store.query
"""
    ok(run_topology(tmp_path, text, "-q"))
    assert jsonl(tmp_path / "sum.jsonl") == [{"seen": 6, "reply": {"rows": [{"n": 6, "total": 15}], "count": 1},
                                             "error": None}]
    assert jsonl(tmp_path / "rows.jsonl") == [{"seen": 6, "reply": {"rows": [{"seq": 0}, {"seq": 1}], "count": 2},
                                              "error": None}]


def test_errors_and_timeouts_reach_the_python_callback(tmp_path, run_topology):
    text = """
src    :: Sequence(count: 4)
store  :: SqliteStore(path: "store.db")
write  :: py:pyt_query.AskAtEnd(request: '{"sql": "DELETE FROM logs"}')
silent :: py:pyt_query.Silent
late   :: py:pyt_query.AskAtEnd(request: '{"q": 1}', timeout_ms: 300)
o1     :: JsonLinesSink(path: "write.jsonl")
o2     :: JsonLinesSink(path: "timeout.jsonl")
src -> store -> write -> o1
src -> late -> o2
write.ask => store.query
late.ask => silent.query
"""
    result = ok(run_topology(tmp_path, text, "-q", "-o", "json"))
    assert jsonl(tmp_path / "write.jsonl") == [{"seen": 4, "reply": None,
                                               "error": "only read-only statements are answered"}]
    assert jsonl(tmp_path / "timeout.jsonl") == [{"seen": 4, "reply": None, "error": "no reply on 'ask' in time"}]
    assert stats(result, "silent")["queries_in"] == 1
    assert final_status(result)["ok"] is True


def test_asking_on_a_port_the_class_lacks_raises_at_the_call(tmp_path, run_topology):
    text = """
src   :: Sequence(count: 4)
store :: SqliteStore(path: "store.db")
none  :: py:pyt_query.AskAtEnd(port: "3")
o3    :: JsonLinesSink(path: "noport.jsonl")
src -> store -> none -> o3
none.ask => store.query
"""
    result = run_topology(tmp_path, text)
    assert result.returncode == 1, result.stderr
    assert "element 'none' (py:pyt_query.AskAtEnd) failed: on_inputs_ended raised ValueError: " \
           "none has no output port 3 (it has 1)" in result.stderr
    assert not (tmp_path / "noport.jsonl").exists()


def test_an_exception_in_on_query_answers_with_an_error_and_fails_the_responder(tmp_path, run_topology):
    text = """
src :: Sequence(count: 2)
bad :: py:pyt_query.RaisingResponder
ask :: py:pyt_query.AskAtEnd
out :: JsonLinesSink(path: "reply.jsonl")
src -> ask -> out
ask.ask => bad.query
"""
    result = run_topology(tmp_path, text, "-o", "json")
    assert result.returncode == 1, result.stderr
    assert "error: element 'bad' (py:pyt_query.RaisingResponder) failed: on_query raised KeyError: 'no answer here'" \
        in result.stderr
    assert 'raise KeyError("no answer here")' in result.stderr  # the traceback
    assert json.loads(result.stdout)["state"] == "failed"
    assert_no_process_left(result)


def test_an_exception_in_an_ask_callback_fails_the_element(tmp_path, run_topology):
    text = """
src :: Sequence(count: 3)
cnt :: Counter
cb  :: py:pyt_query.RaisingCallback
src -> cnt -> cb
cb.ask => cnt.query
"""
    result = run_topology(tmp_path, text)
    assert result.returncode == 1, result.stderr
    assert ("error: element 'cb' (py:pyt_query.RaisingCallback) failed: an ask callback raised RuntimeError: "
            "callback got {'count': 3}") in result.stderr
    assert_no_process_left(result)
