"""`datablox check` and `datablox describe` on shards (issue 10, item 1):
good shard topologies pass and are shown one line each, bad ones fail with
every error at its position and exit 65.

The member classes are a test plugin compiled here from the public headers
(ShardWork: stateless; ShardTally: keyed by its parameter `key`, with a
query port), so that the test does not depend on which built-ins are marked
shardable."""

import json
import shutil
import subprocess

import pytest

from conftest import REPO

PLUGIN = r"""
#include "datablox/element.h"

class ShardWork : public datablox::Element {
 public:
  static datablox::ClassSpec spec() {
    return datablox::ClassSpec("ShardWork", "a stateless member").push_in("in").push_out("out", {}, false).shardable();
  }
  void on_batch(int, datablox::Batch) override {}
};
DATABLOX_ELEMENT(ShardWork)

class ShardTally : public datablox::Element {
 public:
  static datablox::ClassSpec spec() {
    return datablox::ClassSpec("ShardTally", "counts by key")
        .push_in("in")
        .query_in("query")
        .param_string("key", "", "the field counted by")
        .shardable(datablox::StateKind::kKeyed, "key");
  }
  void on_batch(int, datablox::Batch) override {}
};
DATABLOX_ELEMENT(ShardTally)
"""

GOOD = """\
src   :: Sequence(count: 10)
work  :: shard ShardWork { members: 2..4, route: round_robin }
users :: shard ShardTally(key: "seq") {
  members: 1..8
  route: hash(seq)
  merge: sum
}
all   :: shard ShardWork { route: broadcast, key_groups: 16 } @ local
ask   :: Ask(request: "{}")
out   :: JsonLinesSink(path: "out.jsonl")
src -> work -> users
work -> all
src -> ask -> out
ask.ask => users.query
"""

GOOD_SHARDS = [
    "work :: shard ShardWork {members: 2..4, route: round_robin, merge: first}",
    "users :: shard ShardTally {members: 1..8, route: hash(seq), merge: sum}",
    "all :: shard ShardWork {members: 1, route: broadcast, merge: first, key_groups: 16} @ local",
]

BAD = """\
src   :: Sequence(count: 10)
users :: shard ShardTally(key: "session") { members: 0..80, route: hash(user), merge: custom }
work  :: shard ShardWork { route: hash(user), merge: sum }
plain :: shard JsonLinesSink(path: "x.jsonl")
keyed :: shard ShardTally(key: "seq") { route: broadcast }
typo  :: shard ShardWork { membres: 2 }
src -> users
src -> work
src -> plain
src -> keyed
"""

BAD_ERRORS = [
    "bad.topo:2:54: error: shard 'users' needs at least 1 member, found 0",
    "bad.topo:2:57: error: shard 'users' has at most 64 members, found 80",
    "bad.topo:2:73: error: route hash(user) must route by ShardTally's key parameter 'key' (\"session\")",
    "bad.topo:2:87: error: class 'ShardTally' has no custom merge (ClassSpec::merge)",
    "bad.topo:3:54: error: merge: sum merges answers to queries, and class 'ShardWork' has no query input port",
    "bad.topo:4:16: error: class 'JsonLinesSink' cannot be a shard's member: it does not declare shardable()",
    "bad.topo:5:48: error: route broadcast would give every member of 'keyed' every key: class 'ShardTally' keeps "
    "keyed state, so the route must be hash(seq)",
    "bad.topo:6:28: error: unknown shard option 'membres'; valid options: members, route, merge, key_groups; "
    "did you mean 'members'?",
    "bad.topo:7:5: error: 'src.out' does not provide field 'user' that shard 'users' routes by (hash(user)); "
    "it provides: seq (int)",
    "bad.topo:8:5: error: 'src.out' does not provide field 'user' that shard 'work' routes by (hash(user)); "
    "it provides: seq (int)",
]


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory):
    """A folder holding shard_members.datablox.so, built like
    datablox_add_element builds a plugin (public headers, hidden symbols)."""
    compiler = shutil.which("g++") or shutil.which("c++")
    if not compiler:
        pytest.fail("no C++ compiler on PATH")
    folder = tmp_path_factory.mktemp("shard_plugin")
    source = folder / "shard_members.cc"
    source.write_text(PLUGIN)
    built = subprocess.run([compiler, "-std=c++20", "-shared", "-fPIC", "-fvisibility=hidden",
                            "-fvisibility-inlines-hidden", f"-I{REPO / 'include'}", str(source),
                            "-o", str(folder / "shard_members.datablox.so")],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    source.unlink()
    return folder


def test_check_passes_good_shards_and_shows_each_on_one_line(tmp_path, cli, plugin_dir):
    (tmp_path / "good.topo").write_text(GOOD)
    result = cli("check", "good.topo", "--plugin-path", plugin_dir, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["good.topo: ok: 6 elements, 6 connections, 0 policies", *GOOD_SHARDS]


def test_check_json_lists_the_shards(tmp_path, cli, plugin_dir):
    (tmp_path / "good.topo").write_text(GOOD)
    result = cli("check", "good.topo", "--plugin-path", plugin_dir, "-o", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shards = {s["name"]: s for s in json.loads(result.stdout)["shards"]}
    assert sorted(shards) == ["all", "users", "work"]
    assert shards["users"] == {"name": "users", "class": "ShardTally", "min_members": 1, "max_members": 8,
                               "route": "hash", "route_key": "seq", "merge": "sum", "key_groups": 128, "node": ""}
    assert shards["all"]["node"] == "local" and shards["all"]["key_groups"] == 16


def test_check_reports_every_shard_error_at_its_position(tmp_path, cli, plugin_dir):
    (tmp_path / "bad.topo").write_text(BAD)
    result = cli("check", "bad.topo", "--plugin-path", plugin_dir, cwd=tmp_path)
    assert result.returncode == 65
    assert result.stdout == ""
    assert result.stderr.splitlines() == [*BAD_ERRORS, f"bad.topo: {len(BAD_ERRORS)} errors"]


def test_describe_shows_a_keyed_shardable_class(cli, plugin_dir):
    result = cli("describe", "ShardTally", "--plugin-path", plugin_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    at = lines.index("SHARDABLE  STATE      KEY PARAMETER  CUSTOM MERGE")
    assert lines[at + 1].split() == ["yes", "keyed", "key", "no"]
    described = json.loads(cli("describe", "ShardTally", "--plugin-path", plugin_dir, "-o", "json").stdout)
    assert described["shard"] == {"shardable": True, "state": "keyed", "key_param": "key", "custom_merge": False}
    work = json.loads(cli("describe", "ShardWork", "--plugin-path", plugin_dir, "-o", "json").stdout)
    assert work["shard"] == {"shardable": True, "state": "stateless", "key_param": "", "custom_merge": False}


def test_describe_says_a_source_is_not_shardable(cli):
    # Sequence is a source: no shard of it makes sense, and none is declared.
    result = cli("describe", "Sequence")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    at = lines.index("SHARDABLE  STATE      KEY PARAMETER  CUSTOM MERGE")
    assert lines[at + 1].split() == ["no", "-", "-", "-"]
    assert json.loads(cli("describe", "Sequence", "-o", "json").stdout)["shard"] == {"shardable": False}
