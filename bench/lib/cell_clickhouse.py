"""The ClickHouse side of `bench/run cell` (issue 12, item 7): the flat event
rows of lib/press.py's dataset loaded into a MergeTree table ordered by
user, session, ts, and the behavioural questions the cell answers, asked in
SQL. Each query is timed end to end over one kept-alive HTTP connection
(no client process per query), median of `rounds` after one warm-up; its
answer is returned as rows of strings, for the bench to compare with the
cell's. The cell's half (the same questions in EQL) is lib/cell.py.

First measured here (2 server threads, 20,000 users, 5,368,433 rows): load
9.3 s; count 17 ms, distinct users 267, buys by country 129, iOS value by
day 109, sessions per user 114, funnel 1,097, long sessions by os 393,
events by hour 83."""
import http.client
import re
import statistics
import time

from lib.clickhouse import EVENTS_TABLE, ClickHouse, load_files

# windowFunnel over seconds (DateTime): over milliseconds since the
# dataset's base (UInt32, which it also takes), 18.16 counted 1,275 of the
# 1,512 sessions of 500 users that have a start, a click and a purchase in
# that order (checked over the JSON rows in Python, and by an exact
# arrayFirstIndex query); over seconds it counts 1,512.
QUERIES = {
    "count_events": "SELECT count() FROM events",
    "distinct_users": "SELECT uniqExact(user) FROM events",
    "buys_by_country": "SELECT country, count() FROM events WHERE type = 'purchase' GROUP BY country ORDER BY country",
    "ios_value_by_day": "SELECT toDate(intDiv(ts, 1000)) AS d, sum(value) FROM events WHERE os = 'ios' "
                        "AND ts >= 1700500000000 AND ts < 1701500000000 GROUP BY d ORDER BY d",
    "avg_sessions_per_user": "SELECT avg(c) FROM (SELECT user, uniqExact(session) AS c FROM events GROUP BY user)",
    "funnel_in_session": "SELECT count() FROM (SELECT user, session, windowFunnel(86400)("
                         "toDateTime(intDiv(ts, 1000)), type = 'start', type = 'click', type = 'purchase') AS level "
                         "FROM events GROUP BY user, session) WHERE level = 3",
    "long_sessions_by_os": "SELECT os, count() FROM (SELECT user, session, any(os) AS os, count() AS c FROM events "
                           "GROUP BY user, session HAVING c > 40) GROUP BY os ORDER BY os",
    "events_by_hour": "SELECT toHour(toDateTime(intDiv(ts, 1000))) AS h, count() FROM events GROUP BY h ORDER BY h",
}


def http_port(ch):
    with open(f"{ch.dir}/config.xml") as f:
        return int(re.search(r"<http_port>(\d+)</http_port>", f.read()).group(1))


def answers(files, threads, rounds=5):
    """{"load_s": s, "optimize_s": s, "queries": {name: {"ms": median, "rows": [[...], ...]}}}."""
    with ClickHouse(threads=threads) as ch:
        ch.query(EVENTS_TABLE.format(name="events"))
        load_s = load_files(ch, files)
        began = time.monotonic()
        ch.query("OPTIMIZE TABLE events FINAL")  # one part, as a loaded-then-queried store would settle
        optimize_s = time.monotonic() - began
        conn = http.client.HTTPConnection("127.0.0.1", http_port(ch), timeout=600)

        def ask(sql):
            conn.request("POST", "/", body=sql.encode())
            reply = conn.getresponse()
            body = reply.read().decode()
            if reply.status != 200:
                raise RuntimeError(f"clickhouse: {sql[:60]}: {body[:400]}")
            return [line.split("\t") for line in body.splitlines()]

        out = {}
        for name, sql in QUERIES.items():
            rows = ask(sql)  # the warm-up
            times = []
            for _ in range(rounds):
                began = time.perf_counter()
                ask(sql)
                times.append((time.perf_counter() - began) * 1000)
            out[name] = {"ms": round(statistics.median(times), 2), "rows": rows}
        conn.close()
    return {"load_s": round(load_s, 2), "optimize_s": round(optimize_s, 2), "queries": out}
