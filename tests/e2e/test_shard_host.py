"""The element host's side of shards, with the test as the caretaker
(fake_caretaker.py): an Ask whose query output reaches a shard's members
(played by the test) sends each request to the members it is for and
merges their answers, or fails naming the member that erred or did not
answer; a member answers the master's can_add, export_state and
import_state. Real host processes, real sockets, exact outputs."""

import base64

import msgpack
import pytest

from conftest import jsonl
from fake_caretaker import FakeCaretaker, FakeMember, link, port


@pytest.fixture
def caretaker(datablox, tmp_path):
    fake = FakeCaretaker(datablox, tmp_path)
    yield fake
    fake.close()


def shard_route(merge, route="round_robin", key="", owners=None, version=1):
    owners = owners or []
    return {"shard": "users", "route": route, "key": key, "merge": merge, "key_groups": len(owners),
            "owners": owners, "held": [], "version": version}


def member_link(member):
    return link(f"ask.ask>users/{member}.query", shard="users", member=member)


def ask_a_shard(caretaker, tmp_path, members, route, request="{}", timeout_ms=5000, sequence=0):
    """Ask (after a Sequence of `sequence` logs, or at once) asks the shard
    `members` {id: FakeMember}; its reply goes to a JsonLinesSink."""
    ask_in = [port("in", [link("src.out>ask.in")])] if sequence else []
    if sequence:
        caretaker.spawn("src", "Sequence", {"count": sequence, "rate": 1000.0},
                        push_out=[port("out", [link("src.out>ask.in")])])
    ask = caretaker.spawn("ask", "Ask", {"request": request, "timeout_ms": timeout_ms}, push_in=ask_in,
                          push_out=[port("out", [link("ask.out>sink.in")])],
                          query_out=[port("ask", [member_link(m) for m in members], shards=[route])])
    caretaker.spawn("sink", "JsonLinesSink", {"path": str(tmp_path / "reply.jsonl")},
                    push_in=[port("in", [link("ask.out>sink.in")])])
    receivers = {"ask.out>sink.in": ("t/sink", "in"), "src.out>ask.in": ("t/ask", "in")}
    receivers.update({member_link(m)["id"]: f.endpoint for m, f in members.items()})
    caretaker.connect_all(receivers)
    return ask


@pytest.fixture
def members(caretaker):
    made = {}

    def make(*ids):
        for member in ids:
            made[member] = FakeMember(caretaker.context)
        return {member: made[member] for member in ids}

    yield make
    for member in made.values():
        member.close()


def test_a_request_to_a_shard_goes_to_every_member_and_the_answers_sum(caretaker, members, tmp_path):
    shard = members(0, 1, 2)
    answers = {0: {"count": 3, "groups": {"a": 1, "b": 2}}, 1: {"count": 4, "groups": {"b": 1, "c": 3}},
               2: {"count": 0, "groups": {}}}
    ask_a_shard(caretaker, tmp_path, shard, shard_route("sum"))
    for member, fake in shard.items():
        assert fake.serve(lambda request, member=member: answers[member]) == {}
    for fake in shard.values():
        fake.serve(lambda request: None)  # the END of the requester's link, acked
        assert fake.ended
    assert caretaker.wait_exit("t/sink") == 0
    assert jsonl(tmp_path / "reply.jsonl") == [{"count": 7, "groups": {"a": 1, "b": 3, "c": 3}}]
    assert caretaker.wait_exit("t/ask") == 0


def test_union_concatenates_rows_in_member_order_whatever_order_they_came(caretaker, members, tmp_path):
    shard = members(0, 1)
    ask_a_shard(caretaker, tmp_path, shard, shard_route("union"), request='{"sql": "select * from t"}')
    shard[1].serve(lambda request: {"rows": [{"id": 3}], "count": 1})
    shard[0].serve(lambda request: {"rows": [{"id": 1}, {"id": 2}], "count": 2})
    for fake in shard.values():
        fake.serve(lambda request: None)
    assert caretaker.wait_exit("t/sink") == 0
    assert jsonl(tmp_path / "reply.jsonl") == [{"rows": [{"id": 1}, {"id": 2}, {"id": 3}], "count": 2}]


def test_a_hash_routed_request_naming_its_key_goes_to_the_owner_only(caretaker, members, tmp_path):
    shard = members(0, 1)
    route = shard_route("sum", route="hash", key="user", owners=[1] * 8)  # member 1 owns every group
    ask_a_shard(caretaker, tmp_path, shard, route, request='{"user": "alice"}')
    assert shard[1].serve(lambda request: {"user": "alice", "count": 5}) == {"user": "alice"}
    for fake in shard.values():
        fake.serve(lambda request: None)
    assert shard[0].requests == [] and shard[0].ended  # member 0 heard END only
    assert caretaker.wait_exit("t/sink") == 0
    assert jsonl(tmp_path / "reply.jsonl") == [{"user": "alice", "count": 5}]


def test_a_members_error_fails_the_request_naming_the_member(caretaker, members, tmp_path):
    shard = members(0, 1)
    ask_a_shard(caretaker, tmp_path, shard, shard_route("sum"))
    shard[0].serve(lambda request: {"count": 1})
    shard[1].serve(lambda request: "no such table: t")
    failed = caretaker.expect("failed", "t/ask")
    assert failed["error"] == "the query failed: users/1: no such table: t"


def test_a_member_that_does_not_answer_is_named_at_the_deadline(caretaker, members, tmp_path):
    shard = members(0, 1, 2)
    ask_a_shard(caretaker, tmp_path, shard, shard_route("max"), timeout_ms=500)
    shard[1].serve(lambda request: {"count": 1})
    shard[0].serve(lambda request: None)
    shard[2].serve(lambda request: None)
    failed = caretaker.expect("failed", "t/ask")
    assert failed["error"] == "the query failed: no reply on 'ask' in time from users/0, users/2"


def test_a_requester_fences_a_held_table_only_once_its_requests_in_flight_are_answered(caretaker, members, tmp_path):
    """A request sent before the held table may reach an old owner of a
    moving group: the state must not move before it is answered, so the
    requester's fence waits for it."""
    shard = members(0, 1)
    route = shard_route("sum", route="hash", key="user", owners=[1] * 8)
    ask = ask_a_shard(caretaker, tmp_path, shard, route, request='{"user": "alice"}')
    assert shard[1].serve(lambda request: None) == {"user": "alice"}  # in flight: not answered yet
    held = dict(shard_route("sum", route="hash", key="user", owners=[1] * 8, version=2), held=list(range(8)))
    caretaker.send(ask, {"op": "reroute", "element": ask, "port": "ask", "query": True, "route": held})
    caretaker.handler(ask, "count")  # the reroute is in: the host reads its control channel in order
    assert [m for _, m in caretaker.inbox if m.get("op") == "fenced"] == []
    shard[1].answer_late({"user": "alice", "count": 5})
    fenced = caretaker.expect("fenced", ask)
    assert (fenced["port"], fenced["shard"], fenced["version"]) == ("ask", "users", 2)
    assert caretaker.wait_exit("t/sink") == 0
    assert jsonl(tmp_path / "reply.jsonl") == [{"user": "alice", "count": 5}]


def test_a_query_reroute_adds_and_removes_members(caretaker, members, tmp_path):
    shard = members(0, 1, 2)
    first = {0: shard[0], 1: shard[1]}
    ask = ask_a_shard(caretaker, tmp_path, first, shard_route("sum"), sequence=1000000)
    caretaker.send(ask, {"op": "reroute", "element": ask, "port": "ask", "query": True,
                         "route": shard_route("sum", version=2), "add": [
                             {**member_link(2), "endpoint": shard[2].endpoint}],
                         "remove": [member_link(0)["id"]]})
    shard[0].serve(lambda request: None)  # the END of the removed member's link
    assert shard[0].ended
    caretaker.handler(ask, "count")  # the reroute is in: the host reads its control channel in order
    caretaker.send("t/src", {"op": "drain", "element": "t/src"})
    for member in (1, 2):
        assert shard[member].serve(lambda request, member=member: {"count": 10 * member}) == {}
    for member in (1, 2):
        shard[member].serve(lambda request: None)
    assert caretaker.wait_exit("t/sink") == 0
    assert jsonl(tmp_path / "reply.jsonl") == [{"count": 30}]
    assert shard[0].requests == []


# ---------------------------------------------------------------- a member's answers


def start_member(caretaker):
    # Null: a class with the defaults of Element (no state to move).
    member = caretaker.spawn("users/0", "Null", push_in=[port("in", [link("src.out>users/0.in")])],
                             member={"shard": "users", "id": 0, "key": "user", "key_groups": 8})
    caretaker.connect_all({})
    return member


def test_a_member_answers_can_add_with_its_classes_answer(caretaker):
    member = start_member(caretaker)
    caretaker.send(member, {"op": "can_add", "element": member, "request": 7, "members": 1, "busy_share": 0.9,
                            "queue_depth": 100.0, "blocked_share": 0.5, "moving_share": 0.5})
    reply = caretaker.expect("can_add_reply", member)
    assert (reply["request"], reply["yes"], reply["cost"], reply["why"]) == (7, True, 0.0, "")


def test_a_member_exports_the_state_of_the_groups_asked(caretaker):
    member = start_member(caretaker)
    caretaker.send(member, {"op": "export_state", "element": member, "request": 8, "key_groups": 8,
                            "groups": [0, 3]})
    reply = caretaker.expect("state_exported", member)
    assert reply["request"] == 8 and reply["logs"] == [] and reply.get("error") is None


def state_log(log):
    """A state log as the control protocol carries it: its msgpack, in base64."""
    return base64.b64encode(msgpack.packb(log)).decode()


def test_a_member_reports_state_it_cannot_import_or_read(caretaker):
    member = start_member(caretaker)
    caretaker.send(member, {"op": "import_state", "element": member, "request": 9, "logs": [state_log({"user": "a"})]})
    reply = caretaker.expect("state_imported", member)
    assert reply["request"] == 9
    assert reply["error"] == "users/0 cannot import state"
    caretaker.send(member, {"op": "import_state", "element": member, "request": 10,
                            "logs": [state_log({"user": "a"}), "{"]})
    reply = caretaker.expect("state_imported", member)
    assert reply["request"] == 10 and reply["error"] == "state log 1: base64 of 1 characters (not a multiple of 4)"
    not_a_map = base64.b64encode(msgpack.packb([1, 2])).decode()
    caretaker.send(member, {"op": "import_state", "element": member, "request": 12, "logs": [not_a_map]})
    reply = caretaker.expect("state_imported", member)
    assert reply["request"] == 12 and reply["error"] == "state log 0: a log must be a msgpack map"
    caretaker.send(member, {"op": "import_state", "element": member, "request": 11, "logs": []})
    reply = caretaker.expect("state_imported", member)
    assert reply["request"] == 11 and reply.get("error") is None
