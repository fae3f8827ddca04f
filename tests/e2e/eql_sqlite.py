"""EQL queries and the SQL that computes the same over the same JSON rows
in SQLite: what the tests of `datablox query --region`
(test_query_local.py) and of the whole cell (test_cell.py) check their
answers against. The rows are tools/gen_events.py's flat events."""

import gzip
import json
import math
import sqlite3
import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import gen_events  # noqa: E402

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
    # A condition on a level's count of instances below it filters that level.
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


def wrong_answers(ask, db, queries=QUERIES):
    """Asks every EQL query of `queries` with ask(eql) -> the answer's JSON
    ({"rows": [[...]]}) and returns what differs from SQLite, one text per
    query (empty: all agree)."""
    wrong = []
    for eql, sql in queries:
        got = ask(eql)["rows"]
        expected = [list(row) for row in db.execute(sql).fetchall()]
        if len(got) != len(expected) or not all(
                len(g) == len(e) and all(same(x, y) for x, y in zip(g, e)) for g, e in zip(got, expected)):
            wrong.append(f"{eql}\n  eql: {got}\n  sql: {expected}")
    return wrong
