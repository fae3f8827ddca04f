"""The Python view of pressed Brio blobs (datablox._datablox.brio): a few
nested JSON lines pressed by the C++ NestedPresser against the example
schema topologies/unity.brio, the region read back blob by blob, and every
kind of value checked: strings through the dictionary, longs, doubles,
nulls, a vector of structures, a vector of strings, a map, and a blob of
an older version read with the newer schema."""

import json

import pytest

from datablox._datablox import brio

from .py_support import REPO

UNITY = REPO / "topologies" / "unity.brio"

USERS = [
    {"id": "u1", "country": "DE", "os": "ios",
     "sessions": [{"id": 7, "start": 100, "events": [{"ts": 101, "type": "click", "value": 1.5},
                                                     {"ts": 102, "type": "buy", "value": -2.25}]}],
     "traits": {"level": 3, "coins": -40}, "segments": ["new", "paying"]},
    {"id": "u2", "country": None, "sessions": [], "traits": {}, "segments": []},
]


def press(schema, users, extra=""):
    text = "".join(json.dumps(u) + "\n" for u in users) + extra
    region, stats = brio.press_nested(schema, text, "users.jsonl")
    return brio.region_blobs(schema, region), stats


def test_every_kind_of_value_reads_back_as_pressed():
    schema = brio.load_schema(str(UNITY))
    blobs, stats = press(schema, USERS)
    assert stats["items"] == 2 and stats["rejected"] == 0
    assert [b.version for b in blobs] == [2, 2]
    u1 = blobs[0].to_dict()
    assert u1 == {"id": "u1", "country": "DE", "os": "ios",
                  "sessions": [{"id": 7, "start": 100,
                                "events": [{"ts": 101, "type": "click", "value": 1.5},
                                           {"ts": 102, "type": "buy", "value": -2.25}]}],
                  "traits": {"level": 3, "coins": -40}, "segments": ["new", "paying"]}
    # Strings are keys into the blob's own dictionary, each once.
    assert sorted(blobs[0].strings()) == sorted({"u1", "DE", "ios", "click", "buy", "level", "coins", "new", "paying"})
    root = blobs[1].root()
    assert root.structure == "User"
    assert root.is_null("country") and root["country"] is None
    assert root.is_null("os")  # absent from the JSON: null
    assert root["sessions"] == [] and root["traits"] == {} and root["segments"] == []


def test_structures_are_read_field_by_field_and_visited_depth_first():
    schema = brio.load_schema(str(UNITY))
    blobs, _ = press(schema, USERS[:1])
    user = blobs[0].root()
    session = user["sessions"][0]
    assert session.structure == "Session" and session.fields() == ["id", "start", "events"]
    assert [e["type"] for e in session["events"]] == ["click", "buy"]
    seen = []
    user.visit(lambda path, value: seen.append((path, value)))
    assert seen[:4] == [(("id",), "u1"), (("country",), "DE"), (("os",), "ios"),
                        (("sessions", 0, "id"), 7)]
    assert (("sessions", 0, "events", 1, "value"), -2.25) in seen
    assert seen[-1] == (("segments",), ["new", "paying"])
    with pytest.raises(KeyError):
        user["nope"]


def test_blob_of_an_older_version_reads_its_newer_fields_as_null(tmp_path):
    old = tmp_path / "unity_v1.brio"
    old.write_text(UNITY.read_text().replace("version: 2", "version: 1").replace(
        "    5) segments : vector[string] since 2\n", ""))
    # Read the version-1 region with the version-2 schema.
    text = json.dumps({"id": "u9", "country": "FR"}) + "\n"
    region, _ = brio.press_nested(brio.load_schema(str(old)), text)
    [v1] = brio.region_blobs(brio.load_schema(str(UNITY)), region)
    assert v1.version == 1
    assert v1.to_dict()["segments"] is None and v1.to_dict()["country"] == "FR"


def test_rejects_and_warnings_are_counted_and_a_corrupt_blob_is_an_error():
    schema = brio.load_schema(str(UNITY))
    _, stats = press(schema, [{"id": "u1", "country": 5}], extra="not json\n")
    assert stats["rejected"] == 1 and stats["wrong_type_fields"] == 1 and stats["items"] == 1
    with pytest.raises(ValueError):
        brio.Blob(schema, b"\x00" * 40)
    with pytest.raises(ValueError, match="unity_missing.brio"):
        brio.load_schema(str(REPO / "unity_missing.brio"))
