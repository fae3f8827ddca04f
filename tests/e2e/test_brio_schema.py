"""Brio schemas on the command line: `datablox check FILE.brio` (exit 0, 65
with every error as FILE:LINE:COL, 66 when unreadable) and `datablox
describe-schema FILE` (the tree, or -o json)."""

import json
import os
import re

import pytest

from conftest import REPO

EXAMPLE = REPO / "topologies" / "unity.brio"

# One mistake on each of lines 3, 5, 6, 7, 9 and 12 (both syntax and checks).
BAD = """\
schema broken {
  version: 1
  root) user : Usr
  structure User {
    0) id : strng key
    1) sessions : vector[Session] key
    1) os : string
    3) age : long
    4) extra : long since 2
  }
  structure Session {
    0) start long ordinal
    1) owner : User
  }
}
"""

BAD_ERRORS = [
    (3, 16, "unknown structure 'Usr' for the root 'user'; did you mean 'User'?"),
    (5, 13, "unknown type 'strng' (neither a scalar nor a structure of this schema); did you mean 'string'?"),
    (6, 35, "'key' on field 'sessions', a vector[Session]: only a scalar field can be a key"),
    (7, 8, "ordinal 1 given twice in structure 'User' (field 'sessions' at line 6, column 8 has it)"),
    (9, 27, "field 'extra' is since version 2, but the schema is at version 1"),
    (12, 14, "expected ':' after field name 'start', found 'long'"),
    (13, 16, "structure 'User' contains itself (User -> Session -> User): containment must be a tree, or the "
             "presser and the reader would recurse without end"),
]

DIAGNOSTIC = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.+)$")


def test_the_example_schema_checks(cli):
    result = cli("check", EXAMPLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"{EXAMPLE}: ok: schema unity version 2, 3 structures, 12 fields, "
                             "root user : User\n")
    assert result.stderr == ""


def test_every_error_is_reported_with_its_position_and_exit_65(cli, tmp_path):
    bad = tmp_path / "broken.brio"
    bad.write_text(BAD)
    result = cli("check", bad)
    assert result.returncode == 65
    found = [m.groupdict() for m in map(DIAGNOSTIC.match, result.stderr.splitlines()) if m]
    assert [(int(d["line"]), int(d["col"]), d["msg"]) for d in found] == BAD_ERRORS
    assert {d["file"] for d in found} == {str(bad)}
    assert result.stderr.splitlines()[-1] == f"{bad}: {len(BAD_ERRORS)} errors"
    assert result.stdout == ""


def test_check_json_lists_the_errors(cli, tmp_path):
    bad = tmp_path / "broken.brio"
    bad.write_text(BAD)
    result = cli("check", bad, "-o", "json")
    assert result.returncode == 65
    out = json.loads(result.stdout)
    assert out["ok"] is False
    assert [(e["line"], e["column"], e["message"]) for e in out["errors"]] == BAD_ERRORS
    ok = json.loads(cli("check", EXAMPLE, "-o", "json").stdout)
    assert ok == {"file": str(EXAMPLE), "ok": True, "schema": "unity", "version": 2, "root": "user",
                  "structures": 3, "fields": 12, "errors": []}


def test_an_unreadable_schema_exits_66(cli, tmp_path):
    missing = tmp_path / "missing.brio"
    result = cli("check", missing)
    assert result.returncode == 66
    assert result.stderr == f"error: cannot read schema file '{missing}': No such file or directory\n"
    folder = tmp_path / "folder.brio"
    folder.mkdir()
    result = cli("describe-schema", folder)
    assert result.returncode == 66
    assert result.stderr == f"error: cannot read {folder}: Is a directory\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_schema_without_read_permission_exits_66(cli, tmp_path):
    locked = tmp_path / "locked.brio"
    locked.write_text(EXAMPLE.read_text())
    locked.chmod(0)
    assert cli("check", locked).returncode == 66


def test_a_topology_file_is_still_checked_as_a_topology(cli, tmp_path):
    topo = tmp_path / "t.topo"
    topo.write_text("src :: Sequence(count: 3)\nout :: Null()\nsrc -> out\n")
    result = cli("check", topo)
    assert result.returncode == 0, result.stderr
    assert "ok: 2 elements, 1 connections" in result.stdout


def test_describe_schema_prints_the_tree(cli):
    result = cli("describe-schema", EXAMPLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout == """\
schema unity, version 2
user : User
    0) id : string  key
    1) country : string
    2) os : string
    3) sessions : vector[Session]
        0) id : long  key
        1) start : long  ordinal
        2) events : vector[Event]
            0) ts : long  ordinal
            1) type : string
            2) value : double
    4) traits : map[string, long]
    5) segments : vector[string]  since 2
"""


def test_describe_schema_json_nests_the_tree(cli):
    result = cli("describe-schema", EXAMPLE, "-o", "json")
    assert result.returncode == 0, result.stderr
    tree = json.loads(result.stdout)
    assert (tree["schema"], tree["version"], tree["unused"], tree["truncated"]) == ("unity", 2, [], False)
    root = tree["root"]
    assert (root["name"], root["structure"]) == ("user", "User")
    assert [f["name"] for f in root["fields"]] == ["id", "country", "os", "sessions", "traits", "segments"]
    sessions = root["fields"][3]
    assert (sessions["kind"], sessions["type"]) == ("reference_vector", "vector[Session]")
    events = sessions["structure"]["fields"][2]["structure"]
    assert events["name"] == "Event"
    assert events["fields"][0] == {"ordinal": 0, "name": "ts", "kind": "scalar", "type": "long", "key": False,
                                   "ordering": True, "since": 1}
    assert root["fields"][5]["since"] == 2


def test_describe_schema_of_a_broken_file_reports_its_errors(cli, tmp_path):
    bad = tmp_path / "broken.brio"
    bad.write_text(BAD)
    result = cli("describe-schema", bad)
    assert result.returncode == 65
    assert result.stdout == ""
    assert f"{bad}:3:16: error: unknown structure 'Usr'" in result.stderr


def test_help_says_check_takes_a_schema(cli):
    result = cli("--help")
    assert "a Brio schema (a FILE ending in .brio)" in result.stdout
    assert "describe-schema" in result.stdout
