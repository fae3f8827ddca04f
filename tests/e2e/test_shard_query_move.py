"""A keyed query while its key group moves (issue 10, item 3; the gap of
the last session): a SqliteStore shard holds 50 rows of each of 61 keys
and is grown 1 -> 2 while a Python requester asks, 20 times a second, how
many rows one key has (a request that names the key goes to its owner
alone). The grow holds its export and import (the test hook of
shard_daemons.HOLD_MS), so many requests come while groups move: each must
wait for its group to land, and every answer must be 50, never the 0 of an
owner that has exported it already, nor an error."""

import json
import shutil
from pathlib import Path

from conftest import jsonl, wait_until
from shard_daemons import events_text, held_daemons, members, scale, submit, wait_done  # noqa: F401

HERE = Path(__file__).resolve().parent
KEYS = 61
PER_KEY = 50

TOPOLOGY = f"""
rows  :: Sequence(count: {KEYS * PER_KEY})
key   :: Map(expr: "user = concat('u', str(seq % {KEYS}))")
store :: shard SqliteStore(path: "rows-{{member}}.db", table: "t") {{ members: 1..2, route: hash(user), merge: union }}
hold  :: Sequence(count: 2, rate: 0.125)  # keeps `key` running (a sender that ended cannot fence)
none  :: Filter(expr: "seq < 0")
tick  :: Sequence(count: 200, rate: 20)
asker :: py:ask_each.AskEach(keys: {KEYS})
out   :: JsonLinesSink(path: "answers.jsonl")
rows -> key -> store
hold -> none -> key
tick -> asker -> out
asker.ask => store.query
"""


def event_ms(cli, text):
    """unix_ms of the first event whose text holds `text`."""
    events = json.loads(events_text(cli, "t"))
    events = events["events"] if isinstance(events, dict) else events
    return next(e["unix_ms"] for e in events if text in e["what"])


def test_a_keyed_query_for_a_moving_group_waits_for_it_and_is_right(held_daemons, tmp_path):
    cli = held_daemons
    shutil.copy(HERE / "shard_classes" / "ask_each.py", tmp_path)
    submit(cli, tmp_path, TOPOLOGY)
    # The store's `count` handler: rows inserted (committed).
    wait_until(lambda: cli("handler", "t/store/0.count").stdout.strip() == str(KEYS * PER_KEY), "every row stored",
               log=cli.log)
    scale(cli, "t", "store", 2)
    assert members(cli, "t", "store") == [0, 1]
    wait_done(cli, "t")

    moving_from = event_ms(cli, "exporting ")
    released = event_ms(cli, "released to their new owners")
    answers = jsonl(tmp_path / "answers.jsonl")
    assert sorted(a["seq"] for a in answers) == list(range(200))
    late = [a for a in answers if a["unix_ms"] >= moving_from]  # asked after every row was stored
    assert late, "no answer after the move began"
    wrong = [a for a in late if a["n"] != PER_KEY or a["error"]]
    assert not wrong, wrong[:5]
    during = [a for a in late if a["unix_ms"] <= released + 100]
    assert len(during) >= 5, (moving_from, released, [a["unix_ms"] for a in late[:10]])
