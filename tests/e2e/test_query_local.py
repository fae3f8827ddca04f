"""EQL over a real region (issue 12, items 3 and 6, at the library level):
tools/gen_events.py writes a few hundred users of flat event rows, the
sample store presses them (`datablox submit topologies/samplestore.topo`,
`datablox fetch` through Nexus into one region file), and `datablox query
--region` answers queries that SQLite, over the same JSON rows, answers
too: counts at every level, sums, min/max/avg, distinct, every dimension
function, `in`, `or`, `not`, a filter at each level (and one on a level's
count of instances below it), funnels within a session, over a session,
within a time window, and `limit`.
(fixtures: cluster_runtime.py)"""

import gzip
import json
import math
import sqlite3
import subprocess
import sys

import pytest

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import gen_events  # noqa: E402

SCHEMA = REPO / "topologies" / "unity.brio"
VIEW = (REPO / "topologies" / "samplestore" / "events.view.toml").read_text()
EXIT_DATAERR = 65  # runtime/core/exit_codes.h: kDataErr
EXIT_NOINPUT = 66  # kNoInput
NOW = gen_events.BASE_MS + gen_events.SPAN_MS  # the end of the generated month
DAY = 86_400_000
EV = "user.sessions.events"

# (EQL, SQL over `events`): each SQL computes what its EQL means. `o` orders
# a user's rows as the tree does: sessions by start, events by time in one.
QUERIES = [
    ("select count(user), count(user.sessions), count(user.sessions.events) from schema unity",
     "select count(distinct user), count(distinct session), count(*) from events"),
    (f"select sum({EV}.value), min({EV}.value), max({EV}.value), avg({EV}.value), min({EV}.ts), max(user.sessions.id)"
     " from schema unity",
     "select sum(value), min(value), max(value), avg(value), min(ts), max(session) from events"),
    (f"select count(distinct {EV}.type), count(distinct user.country), count(distinct user.sessions.start) "
     "from schema unity",
     "select count(distinct type), count(distinct country), count(distinct session_start) from events"),
    (f"select user.country, count(user), count({EV}) from schema unity group by user.country",
     "select country, count(distinct user), count(*) from events group by country order by country"),
    ("select day(user.sessions.start) as \"day\", count(user.sessions) from schema unity",
     "select strftime('%Y-%m-%d', session_start / 1000, 'unixepoch') d, count(distinct session) from events "
     "group by d order by d"),
    (f"select hour({EV}.ts), count({EV}) from schema unity",
     "select cast(strftime('%H', ts / 1000, 'unixepoch') as integer) h, count(*) from events group by h order by h"),
    (f"select dayofweek({EV}.ts), sum({EV}.value) from schema unity",
     "select (cast(strftime('%w', ts / 1000, 'unixepoch') as integer) + 6) % 7 + 1 w, sum(value) from events "
     "group by w order by w"),
    ("select month(user.sessions.start), user.os, count(user.sessions) from schema unity "
     "group by month(user.sessions.start), user.os",
     "select strftime('%Y-%m', session_start / 1000, 'unixepoch') m, os, count(distinct session) from events "
     "group by m, os order by m, os"),
    # A condition on events filters events, not the users above them.
    (f"select count(user), count({EV}) from schema unity where {EV}.type in ('purchase', 'ad')",
     "select (select count(distinct user) from events), count(*) from events where type in ('purchase', 'ad')"),
    ("select count(user), count(user.sessions) from schema unity where user.country = 'FR' or user.os = 'ios'",
     "select count(distinct user), count(distinct session) from events where country = 'FR' or os = 'ios'"),
    (f"select count(user.sessions), sum({EV}.value) from schema unity where user.sessions.start > NOW - DAYS(10)",
     f"select count(distinct session), sum(value) from events where session_start > {NOW - 10 * DAY}"),
    (f"select user.os, count({EV}), max({EV}.value) from schema unity where user.country in ('US', 'DE') and "
     f"user.sessions.start >= NOW - DAYS(20) and {EV}.value < 50 group by user.os",
     f"select os, count(*), max(value) from events where country in ('US', 'DE') and "
     f"session_start >= {NOW - 20 * DAY} and value < 50 group by os order by os"),
    (f"select count({EV}) from schema unity where not {EV}.type = 'view' and not user.os in ('ios', 'linux')",
     "select count(*) from events where type != 'view' and os not in ('ios', 'linux')"),
    (f"select funnel(user within session: {EV}.type = 'view' then {EV}.type = 'click' then "
     f"{EV}.type = 'purchase') as \"buyers\" from schema unity",
     "select count(distinct a.user) from events a join events b on b.session = a.session and b.o > a.o "
     "join events c on c.session = a.session and c.o > b.o "
     "where a.type = 'view' and b.type = 'click' and c.type = 'purchase'"),
    (f"select user.country, funnel(user.sessions: {EV}.type = 'start' then {EV}.type = 'purchase') "
     "from schema unity group by user.country",
     "select u.country, count(distinct s.session) from (select distinct country from events) u left join "
     "(select a.country, a.session from events a join events b on b.session = a.session and b.o > a.o "
     " where a.type = 'start' and b.type = 'purchase') s on s.country = u.country group by u.country "
     "order by u.country"),
    (f"select user.os, funnel(user within MINUTES(10): {EV}.type = 'purchase' then {EV}.type = 'share') "
     "from schema unity group by user.os",
     "select u.os, count(distinct f.user) from (select distinct os from events) u left join "
     "(select a.os, a.user from events a join events b on b.user = a.user and b.o > a.o and b.ts - a.ts <= 600000 "
     " where a.type = 'purchase' and b.type = 'share') f on f.os = u.os group by u.os order by u.os"),
    ("select user.country, count(user.sessions) from schema unity group by user.country limit 5",
     "select country, count(distinct session) from events group by country order by country limit 5"),
    (f"select user.os, count(user.sessions), count({EV}) from schema unity where count({EV}) > 40 group by user.os",
     "select os, count(*), sum(c) from (select session, os, count(*) c from events group by session having c > 40) "
     "group by os order by os"),
    ("select count(user), count(user.sessions) from schema unity where count(user.sessions) >= 10 and "
     "not count(user.sessions) in (12, 13)",
     "select count(*), coalesce(sum(c), 0) from (select user, count(distinct session) c from events group by user "
     "having c >= 10 and c not in (12, 13))"),
]


def load_sqlite(data_dir, db_path):
    db = sqlite3.connect(db_path)
    db.execute("create table raw (user text, session integer, session_start integer, ts integer, type text, "
               "value real, country text, os text, seq integer)")
    seq = 0
    for path in sorted(data_dir.iterdir()):
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt") as f:
            for line in f:
                r = json.loads(line)
                seq += 1
                db.execute("insert into raw values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (r["user"], r["session"], r["session_start"], r["ts"], r["type"], r["value"],
                            r["country"], r["os"], seq))
    db.execute("create table events as select *, row_number() over (partition by user order by session_start, "
               "session, ts, seq) o from raw")
    db.execute("create index by_session on events (session, type)")
    db.execute("create index by_user on events (user, type)")
    db.commit()
    return db


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


@pytest.fixture
def pressed(cluster, tmp_path):
    """The region file and the SQLite database of one generated dataset."""
    data, views = tmp_path / "data", tmp_path / "views"
    views.mkdir()
    gen_events.generate(str(data), users=300, files=3, seed=7, partition="user")
    view = VIEW.replace('schema = "../unity.brio"', f'schema = "{SCHEMA}"')
    (views / "events.view.toml").write_text(view.replace('location = "../../data/events"', f'location = "{data}"'))
    cluster.submit("samplestore", (REPO / "topologies" / "samplestore.topo").read_text().replace(
        '"topologies/samplestore"', f'"{views}"'))
    cluster.wait_status("samplestore", lambda s: all(e["state"] == "running" and e.get("pid") for e in s["elements"]),
                        "the sample store to run")
    r = cluster.cli("fetch", "store", "events", "--out", "events.brgn", "-o", "json")
    assert r.returncode == 0, r.stderr + cluster.log()
    return cluster, tmp_path / "events.brgn", load_sqlite(data, tmp_path / "events.db")


def query(cluster, region, text, *args):
    return cluster.local("query", "--region", region, "--schema", SCHEMA, "--now", NOW, text, *args)


def test_queries_agree_with_sqlite_over_the_same_rows(pressed):
    cluster, region, db = pressed
    wrong = []
    for eql, sql in QUERIES:
        r = query(cluster, region, eql, "-o", "json")
        assert r.returncode == 0, f"{eql}\n{r.stderr}"
        answer = json.loads(r.stdout)
        expected = [list(row) for row in db.execute(sql).fetchall()]
        got = answer["rows"]
        if len(got) != len(expected) or not all(
                len(g) == len(e) and all(same(x, y) for x, y in zip(g, e)) for g, e in zip(got, expected)):
            wrong.append(f"{eql}\n  eql: {got}\n  sql: {expected}")
    assert not wrong, "\n".join(wrong)
    assert len(QUERIES) >= 12


def test_json_has_columns_and_stats_and_the_table_has_headers(pressed):
    cluster, region, db = pressed
    r = query(cluster, region, 'select user.os, count(user) as "users" from schema unity group by user.os', "-o",
              "json")
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["columns"] == ["user.os", "users"]
    users, sessions = db.execute("select count(distinct user), count(distinct session) from events").fetchone()
    assert answer["stats"]["blobs"] == users == 300
    assert answer["stats"]["rows_scanned"] == users  # only the users' level is walked
    assert answer["stats"]["ms"] >= 0
    r = query(cluster, region, 'select user.os, count(user) as "users" from schema unity group by user.os')
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["USER.OS", "USERS"]
    assert [line.split()[0] for line in lines[1:]] == sorted(os for (os,) in db.execute("select distinct os from events"))


def test_a_query_that_does_not_check_exits_65_with_every_error_at_line_and_column(tmp_path, datablox):
    r = cluster_free(datablox, tmp_path, "select sum(user.country),\n  count(user.sesions) from schema unity")
    assert r.returncode == EXIT_DATAERR, r.stderr
    assert r.stderr.splitlines() == [
        "1:12: error: sum() takes a numeric field; 'user.country' is a string",
        "2:14: error: user has no field 'sesions' (its fields: id, country, os, sessions, traits, segments)",
        "query: 2 errors"]
    r = cluster_free(datablox, tmp_path, "select count(user from schema unity where")
    assert r.returncode == EXIT_DATAERR
    assert r.stderr.splitlines()[0] == "1:19: error: expected ')' to close the aggregate, found 'from'"


def test_a_region_is_checked_whole_before_the_scan_and_a_corrupt_blob_exits_65(pressed):
    cluster, region, _ = pressed
    r = query(cluster, region, "select count(user) from schema unity", "-o", "json")
    assert r.returncode == 0, r.stderr
    stats = json.loads(r.stdout)["stats"]
    assert stats["blobs"] == 300 and stats["check_ms"] >= 0 and stats["ms"] >= 0
    data = bytearray(region.read_bytes())
    index = int.from_bytes(data[16:24], "little")
    last = int.from_bytes(data[index + 8 * 299:index + 8 * 300], "little")
    data[last] ^= 0x5A  # the last blob's magic: the region's header and index still check
    bad = region.with_name("bad.brgn")
    bad.write_bytes(bytes(data))
    r = query(cluster, bad, "select count(user) from schema unity", "-o", "json")
    assert r.returncode == EXIT_DATAERR, r.stdout + r.stderr
    assert "blob 299: blob byte 0: not a Brio blob (bad magic)" in r.stderr and r.stdout == ""


def test_an_unreadable_region_exits_66(tmp_path, datablox):
    r = cluster_free(datablox, tmp_path, "select count(user) from schema unity")
    assert r.returncode == EXIT_NOINPUT, r.stderr
    assert "cannot read region" in r.stderr and "missing.brgn" in r.stderr
    (tmp_path / "bad.brgn").write_bytes(b"not a region at all")
    r = cluster_free(datablox, tmp_path, "select count(user) from schema unity", region="bad.brgn")
    assert r.returncode == EXIT_DATAERR, r.stderr


def cluster_free(datablox, cwd, text, region="missing.brgn"):
    """`datablox query` with no daemons: what fails before any scan."""
    return subprocess.run([str(datablox), "query", "--region", region, "--schema", str(SCHEMA), text], cwd=cwd,
                          capture_output=True, text=True, timeout=30)
