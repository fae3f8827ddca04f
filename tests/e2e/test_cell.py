"""The whole cell (issue 12, items 4-6): topologies/cell.topo on a real
master and caretaker, a gen_events dataset, a domain and a view in its
catalog, and `datablox query --cell` answering through the supervisor
(catalog -> sample store -> one scan over two cell workers -> the table)
what SQLite answers over the same JSON rows; the client's exit codes; a
saved query; a worker SIGKILLed mid-query; a file added -> a new
generation -> the new answer; cell.topo under `datablox run`.
(fixtures: cluster_runtime.py; the cell's verbs: cell_runtime.py)"""

import json
import os
import signal

import pytest

from cell_runtime import (EXIT_DATAERR, EXIT_FAILED, EXIT_UNAVAILABLE, EXIT_USAGE, REPO, Cell, add_users_file,
                          finish_queries, wait_answered)
from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from conftest import free_port, wait_hosts_gone
from eql_sqlite import QUERIES, wrong_answers

BY_COUNTRY = 'select user.country as "country", count(user) as "users" from schema unity group by user.country'


@pytest.fixture
def cell(cluster, tmp_path):
    c = Cell(cluster, tmp_path)
    c.generate(users=300)
    c.submit()
    return c


def test_queries_through_the_cell_agree_with_sqlite_and_say_where_they_came_from(cell):
    db = cell.sqlite()
    first = cell.answer("select count(user) from schema unity")
    assert first["rows"] == [[300]]
    stats = first["stats"]
    assert stats["generation"] == cell.store_generation()
    assert stats["workers"] == 2 and stats["blobs"] == 300 and stats["rows_scanned"] >= 300
    assert stats["sources"] == {"nexus": 2}  # the first scan of a generation loads it
    assert stats["ms"] >= 0 and stats["load_ms"] >= 0

    wrong = wrong_answers(cell.answer, db)
    assert not wrong, "\n".join(wrong)
    assert len(QUERIES) >= 12

    again = cell.answer("select count(user) from schema unity")["stats"]
    assert again["sources"] == {"memory": 2}  # sticky: each worker scans the loci it cached
    # Bare counts of whole levels, answered from the slices' censuses once
    # checked: the same rows, and the same instances counted, as a scan.
    census_before = sum(int(cell.handler(f"workers/{m}", "census_answers")) for m in (0, 1))
    counts = 'select count(user), count(user.sessions), count(user.sessions.events) from schema unity'
    by_census = cell.answer(counts)
    assert sum(int(cell.handler(f"workers/{m}", "census_answers")) for m in (0, 1)) == census_before + 2
    scanned = cell.answer(counts + " where user.sessions.events.ts >= 0")  # a filter: scanned
    assert by_census["rows"] == scanned["rows"] == [list(db.execute(
        "select count(distinct user), count(distinct session), count(*) from events").fetchone())]
    assert by_census["stats"]["rows_scanned"] == scanned["stats"]["rows_scanned"]
    assert int(cell.handler("supervisor", "queries")) == len(QUERIES) + 4
    assert cell.handler("supervisor", "generations") == f"events={stats['generation']}"
    assert cell.handler("supervisor", "redealt") == "0"


def test_the_table_a_saved_query_and_json(cell):
    r = cell.query(BY_COUNTRY)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["COUNTRY", "USERS"]
    table = {line.split()[0]: int(line.split()[1]) for line in lines[1:]}
    db = cell.sqlite()
    assert table == dict(db.execute("select country, count(distinct user) from events group by country"))

    r = cell.catalog("add", "query", "by-country", "--view", "events", BY_COUNTRY)
    assert r.returncode == 0, r.stderr
    r = cell.query(None, "--saved", "by-country", "-o", "json", view=None)
    assert r.returncode == 0, r.stderr
    saved = json.loads(r.stdout)
    assert saved["columns"] == ["country", "users"]
    assert dict(map(tuple, saved["rows"])) == table
    assert set(saved["stats"]) == {"generation", "rows_scanned", "blobs", "ms", "load_ms", "workers", "sources"}


def test_the_clients_exit_codes(cell, cluster):
    # 65: every error at LINE:COL, nothing on stdout.
    r = cell.query("select sum(user.country),\n  count(user.sesions) from schema unity")
    assert r.returncode == EXIT_DATAERR, r.stderr
    assert r.stdout == ""
    assert r.stderr.splitlines()[0] == "1:12: error: sum() takes a numeric field; 'user.country' is a string"
    assert r.stderr.splitlines()[1].startswith("2:14: error: user has no field 'sesions'")
    assert r.stderr.splitlines()[-1] == "query: 2 errors"
    assert cell.handler("supervisor", "refused") == "1"
    # 69: no such element, no such topology, no master.
    for target in ("cell/nobody", "elsewhere/supervisor"):
        r = cluster.cli("query", "--cell", target, "--view", "events", BY_COUNTRY, "--timeout-ms", 1500)
        assert r.returncode == EXIT_UNAVAILABLE, r.stderr
        assert "is the cell running?" in r.stderr
    r = cluster.local("query", "--cell", "cell/supervisor", "--view", "events", BY_COUNTRY,
                      "--master", f"tcp://127.0.0.1:{free_port()}")
    assert r.returncode == EXIT_UNAVAILABLE, r.stderr
    # 1: the cell answers, with why it could not.
    r = cell.query(BY_COUNTRY, view="nosuch")
    assert r.returncode == EXIT_FAILED, r.stderr
    assert "view 'nosuch'" in r.stderr
    r = cell.query(None, "--saved", "nosuch", view=None)
    assert r.returncode == EXIT_FAILED and "saved query 'nosuch'" in r.stderr, r.stderr
    # 64: asked wrong.
    r = cell.query(BY_COUNTRY, "--saved", "by-country")
    assert r.returncode == EXIT_USAGE, r.stderr
    assert int(cell.handler("supervisor", "failures")) == 2


def test_several_queries_at_once_each_get_their_own_answer_while_the_generation_loads(cell):
    """Four queries asked together, before the workers hold the generation:
    each waits for the one load and gets its own answer."""
    db = cell.sqlite()
    asked = [QUERIES[i] for i in (0, 3, 5, 13)]
    running = [cell.start_query(eql) for eql, _ in asked]
    answers = finish_queries(running)
    assert [p.returncode for p in running] == [0] * 4, [err for _, err in answers]
    by_text = {eql: json.loads(out) for (eql, _), (out, _) in zip(asked, answers)}
    wrong = wrong_answers(lambda eql: by_text[eql], db, asked)
    assert not wrong, "\n".join(wrong)
    assert len({a["stats"]["generation"] for a in by_text.values()}) == 1


def test_a_worker_killed_mid_query_fails_it_naming_the_worker_and_the_next_query_is_right(cell):
    db = cell.sqlite()
    expected = [list(row) for row in db.execute(
        "select country, count(distinct user) from events group by country order by country")]
    victim = cell.pid("workers/1")
    # The first query of the generation: the workers load it first, then scan.
    query = cell.start_query(BY_COUNTRY, timeout_ms=6000)
    os.kill(victim, signal.SIGKILL)
    ((out, err),) = finish_queries([query], timeout=30)  # never a hang: the supervisor's budget ends it
    if query.returncode == 0:  # it was answered before the kill landed: then right
        assert json.loads(out)["rows"] == expected
    else:
        assert query.returncode == EXIT_FAILED, err
        assert "workers/1" in err, err
    # Its caretaker restarts it; the next queries are right (the first may still meet it starting).
    cell.wait_running(not_pid=victim)
    answer = wait_answered(cell, BY_COUNTRY, lambda a: True, "a query after the restart")
    assert answer["rows"] == expected
    assert answer["stats"]["workers"] == 2


def test_the_loci_of_a_member_gone_from_the_shard_are_dealt_again(cluster, tmp_path):
    # A shard of 1..2 starts with one member: grown to two before the first
    # query, each takes a locus; shrunk to one, the one left takes both.
    cell = Cell(cluster, tmp_path, cell_workers="1..2")
    cell.generate(users=300)
    cell.submit()
    r = cluster.cli("scale", "cell/workers", 2)
    assert r.returncode == 0, r.stderr + cluster.log()
    before = wait_answered(cell, BY_COUNTRY, lambda a: a["stats"]["workers"] == 2, "an answer from two workers")
    r = cluster.cli("scale", "cell/workers", 1)
    assert r.returncode == 0, r.stderr + cluster.log()
    after = wait_answered(cell, BY_COUNTRY, lambda a: a["stats"]["workers"] == 1, "an answer from one worker")
    assert after["rows"] == before["rows"]
    assert after["stats"]["blobs"] == 300
    assert int(cell.handler("supervisor", "redealt")) >= 1


def test_a_file_added_makes_a_new_generation_and_the_new_answer(cell):
    first = cell.answer("select count(user), count(user.sessions) from schema unity")
    add_users_file(cell.data(), "events-added.jsonl", first_user=5000, users=40)
    db = cell.sqlite()
    users, sessions = db.execute("select count(distinct user), count(distinct session) from events").fetchone()
    assert users == 340
    answer = cell.answer("select count(user), count(user.sessions) from schema unity")
    assert answer["rows"] == [[users, sessions]]
    assert answer["stats"]["generation"] != first["stats"]["generation"]
    assert answer["stats"]["generation"] == cell.store_generation()
    assert answer["stats"]["sources"] == {"nexus": 2}  # a new generation is loaded anew
    wrong = wrong_answers(cell.answer, db, QUERIES[:4])
    assert not wrong, "\n".join(wrong)
    assert cell.handler("supervisor", "generations") == f"events={answer['stats']['generation']}"


def test_cell_topo_runs_under_datablox_run(start_topology, tmp_path):
    """`datablox run` of cell.topo (its views dir made absolute): every
    element of the cell comes up, and a SIGINT ends the run, every host with it."""
    text = (REPO / "topologies" / "cell.topo").read_text().replace(
        '"topologies/samplestore"', f'"{REPO / "topologies" / "samplestore"}"')
    run = start_topology(tmp_path, text, name="cell.topo")
    names = {"catalog", "supervisor", "workers/0", "workers/1", "store", "store_workers/0", "store_workers/1"}
    run.wait_for(lambda s: {e["name"] for e in s.get("elements", []) if e.get("state") == "running"
                            and e.get("pid")} == names, timeout=60, what="the cell's 7 elements to run")
    run.signal(signal.SIGINT)
    result = run.wait(timeout=30)
    assert result.returncode != 0, result.stderr  # interrupted: a cell runs until it is stopped
    assert not wait_hosts_gone(run.pids()), "element hosts outlived `datablox run`"
