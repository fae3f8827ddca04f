"""The shard API of Python classes, through the bindings: what a class
declares (shardable, shard_key, a merge staticmethod) as the ClassSpec reads
it, and its shard hooks called through the C++ element as the element host
calls them (datablox._datablox.shard_hooks). The class is the example
topologies/sum_by_key.py; no host, no process (but the last test, which
runs `datablox check`)."""

import importlib.util

import pytest

import datablox
from datablox._datablox import shard_hooks as hooks

from .py_support import REPO, diagnostics


def _load_example():
    spec = importlib.util.spec_from_file_location("sum_by_key", REPO / "topologies" / "sum_by_key.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SumByKey = _load_example().SumByKey
GROUPS = 128
EVEN = datablox.KeyGroups(GROUPS, list(range(0, GROUPS, 2)))


def key_of(i):
    """Skewed but known, over every key: users 0..19 get 18 logs, the rest 8."""
    return f"user{i % 100 if i < 800 else i % 20}"


class Replies:
    """A stand-in for datablox.Responder: keeps what the element answers."""

    def __init__(self):
        self.answers = []

    def reply(self, log):
        self.answers.append(log)

    def error(self, message):
        self.answers.append({"error": message})


def member(logs=()):
    element = SumByKey()
    element.configure({"key": "user", "value": "value"})
    element.on_batch(datablox.Port("in", 0), list(logs))
    return element


def ask(element, request):
    replies = Replies()
    element.on_query(datablox.Port("query", 0), request, replies)
    return replies.answers[-1]


@pytest.fixture
def logs():
    return [{"user": key_of(i), "value": i} for i in range(1000)]


@pytest.fixture
def expected(logs):
    sums = {}
    for log in logs:
        sums[log["user"]] = sums.get(log["user"], 0) + log["value"]
    assert len(sums) == 100
    return sums


def test_the_example_declares_keyed_state_by_its_key_parameter():
    assert hooks.declaration(SumByKey) == {"shardable": True, "state": "keyed", "key_param": "key", "merge": True}


def test_export_and_import_put_every_key_on_exactly_one_side(logs, expected):
    old, new = member(logs), member()
    assert hooks.state_size(old) == 100 and hooks.state_size(new) == 0
    state = hooks.export_state(old, EVEN)
    hooks.import_state(new, state)
    left, arrived = ask(old, {})["sums"], ask(new, {})["sums"]
    moved = [key for key in expected if EVEN.contains_text(key)]
    assert 0 < len(moved) < 100
    for key, total in expected.items():
        moves = key in moved
        assert EVEN.contains(key) == moves
        assert (left.get(key), arrived.get(key)) == ((None, total) if moves else (total, None)), key
    assert len(state) == len(moved)
    assert sorted(s["key"] for s in state) == sorted(moved)
    assert (hooks.state_size(old), hooks.state_size(new)) == (100 - len(moved), len(moved))
    assert ask(old, {})["count"] + ask(new, {})["count"] == 1000
    assert sum(left.values()) + sum(arrived.values()) == sum(range(1000))


def test_export_of_no_group_moves_nothing(logs):
    old = member(logs)
    assert hooks.export_state(old, datablox.KeyGroups(GROUPS, [])) == []
    assert hooks.state_size(old) == 100


def test_an_imported_key_held_already_adds_up():
    new = member([{"user": "a", "value": 2}])
    hooks.import_state(new, [{"key": "a", "sum": 5, "count": 3}])
    assert ask(new, {"key": "a"}) == {"key": "a", "sum": 7, "count": 4}


def test_the_merge_gives_what_one_element_holding_everything_would(logs):
    whole = member(logs)
    halves = [member([log for log in logs if not EVEN.contains(log["user"])]),
              member([log for log in logs if EVEN.contains(log["user"])])]
    for request in ({}, {"key": "user7"}):
        merged = hooks.merge(SumByKey, [ask(half, request) for half in halves])
        assert merged == ask(whole, request), request


def test_can_add_answers_no_or_the_cost_of_the_keys_that_move(logs):
    element = member(logs)
    assert hooks.can_add(element, datablox.ShardLoad(members=1, moving_share=0.5)) == (True, 50.0, "")
    assert hooks.can_add(element, datablox.ShardLoad(members=100, moving_share=0.01)) == (
        False, 0.0, "SumByKey.can_add said no")


def test_without_hooks_a_stateless_class_costs_nothing():
    class Pass(datablox.Element):
        shardable = "stateless"

    element = Pass()
    assert hooks.declaration(Pass) == {"shardable": True, "state": "stateless", "key_param": "", "merge": False}
    assert hooks.state_size(element) == 0
    assert hooks.can_add(element, datablox.ShardLoad(members=3, moving_share=0.25)) == (True, 0.0, "")
    assert hooks.export_state(element, EVEN) == []


class Broken(SumByKey):
    def export_state(self, moving):
        raise ValueError("boom")

    def import_state(self, logs):
        return 1 / 0

    def can_add(self, load):
        raise KeyError("members")

    def state_size(self):
        return "many"

    @staticmethod
    def merge(replies):
        raise RuntimeError("no merge today")


def test_an_exception_in_export_state_is_an_error_naming_the_class_and_method(logs, capfd):
    element = Broken()
    element.configure({"key": "user", "value": "value"})
    element.on_batch(0, logs)
    with pytest.raises(RuntimeError) as e:
        hooks.export_state(element, EVEN)
    assert str(e.value) == "Broken.export_state raised ValueError: boom"
    assert "ValueError: boom" in capfd.readouterr().err  # the traceback, for the operator
    assert len(element.sums) == 100                       # nothing was forgotten


def test_every_hook_reports_its_exception_with_the_class_and_method(capfd):
    element = Broken()
    element.configure({"key": "user", "value": "value"})
    with pytest.raises(RuntimeError) as e:
        hooks.import_state(element, [{"key": "a", "count": 1}])
    assert str(e.value) == "Broken.import_state raised ZeroDivisionError: division by zero"
    assert hooks.can_add(element, datablox.ShardLoad(members=1)) == (
        False, 0.0, "Broken.can_add raised KeyError: 'members'")
    assert hooks.state_size(element) == 0
    with pytest.raises(RuntimeError) as e:
        hooks.merge(Broken, [{"count": 1}])
    assert str(e.value) == "Broken.merge raised RuntimeError: no merge today"
    err = capfd.readouterr().err
    assert "Broken.state_size must return an int >= 0, not 'many'" in err
    assert "ZeroDivisionError" in err and "no merge today" in err


def test_what_a_hook_returns_is_checked():
    class Odd(SumByKey):
        def export_state(self, moving):
            return 5

        def can_add(self, load):
            return -1

    element = Odd()
    element.configure({"key": "user", "value": "value"})
    with pytest.raises(RuntimeError) as e:
        hooks.export_state(element, EVEN)
    assert str(e.value) == "Odd.export_state: a list of dicts, not int"
    assert hooks.can_add(element, datablox.ShardLoad()) == (
        False, 0.0, "Odd.can_add must return None (no) or a cost (a number >= 0), not -1")


def test_an_import_refused_by_the_class_changes_nothing():
    element = member([{"user": "a", "value": 1}])
    with pytest.raises(RuntimeError) as e:
        hooks.import_state(element, [{"key": "b", "sum": 1, "count": 1}, {"key": 3, "count": 1}])
    assert str(e.value) == ("SumByKey.import_state raised ValueError: state log 1 is not "
                            "{'key': str, 'sum': number, 'count': int}")
    assert hooks.state_size(element) == 1


def test_key_groups_test_a_value_by_its_key_text():
    groups = datablox.KeyGroups(8, [5, 1, 1, 99])
    assert (groups.groups, groups.members) == (8, [1, 5])
    assert repr(groups) == "datablox.KeyGroups(8, [1, 5])"
    assert datablox.key_text("a") == "a" and datablox.key_text(7) == "7" and datablox.key_text(None) == "null"
    assert datablox.key_text({"b": [1, 2.5]}) == '{"b":[1,2.5]}'
    for value in ("a", 7, 2.5, None, [1, "x"]):
        assert groups.contains(value) == groups.contains_text(datablox.key_text(value))
    assert sum(groups.contains(i) for i in range(800)) in range(100, 300)  # two groups of eight
    load = datablox.ShardLoad(members=2, busy_share=0.9, queue_depth=10, blocked_share=0.5, moving_share=1 / 3)
    assert (load.members, load.busy_share, load.queue_depth, load.blocked_share) == (2, 0.9, 10, 0.5)


@pytest.mark.parametrize("body, message", [
    ('shardable = "sometimes"', "shardable must be \"stateless\" or \"keyed\", not 'sometimes'"),
    ('shardable = "keyed"\n    shard_key = "user"', "shard_key 'user' is none of the class's params"),
    ('shardable = "stateless"\n    shard_key = "k"', 'shard_key names the key of keyed state: it needs shardable = "keyed"'),
    ('shard_key = "k"', 'shard_key needs shardable = "keyed"'),
    ('shardable = "stateless"\n    def merge(self, replies):\n        return {}',
     "merge must be a @staticmethod: merge(replies: list[dict]) -> dict"),
])
def test_a_wrong_declaration_is_refused_naming_the_attribute(body, message):
    namespace = {}
    exec(f"import datablox\nclass Bad(datablox.Element):\n    params = [datablox.param('k')]\n    {body}\n",
         namespace)
    with pytest.raises(ValueError) as e:
        hooks.declaration(namespace["Bad"])
    assert str(e.value) == message


def test_a_class_that_declares_nothing_is_not_shardable():
    class Plain(datablox.Element):
        pass

    assert hooks.declaration(Plain) == {"shardable": False, "state": "stateless", "key_param": "", "merge": False}


def test_the_checker_reports_a_wrong_declaration_on_the_topology_line(tmp_path, cli):
    (tmp_path / "bad_shard.py").write_text(
        "import datablox\n\nclass Bad(datablox.Element):\n    ports = [datablox.push_in()]\n"
        "    shardable = 'sometimes'\n")
    (tmp_path / "bad.topo").write_text("src :: Sequence(count: 1)\nbad :: py:bad_shard.Bad\nsrc -> bad\n")
    result = cli("check", "bad.topo", cwd=tmp_path)
    assert result.returncode == 65, result.stderr
    found = diagnostics(result.stderr)
    assert any(d[1] == 2 and "shardable must be \"stateless\" or \"keyed\", not 'sometimes'" in d[3] for d in found), \
        result.stderr
