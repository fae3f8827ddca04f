"""The users' example, topologies/mixed_python.topo with its Python module
topologies/enrich.py, run as it is from the repository: C++ -> Python ->
C++, and a query each way."""

import pytest

from .py_support import REPO, assert_no_process_left, e2e, jsonl, ok, stats

EXAMPLE = REPO / "topologies" / "mixed_python.topo"


@pytest.fixture
def run_file(datablox):
    runs = []

    def run(tmp_path, path, *args, timeout=60):
        r = e2e.Run(tmp_path, path, [str(a) for a in args])
        runs.append(r)
        result = r.wait(timeout=timeout)
        result.snapshots = r.snapshots()
        return result

    yield run
    for r in runs:
        r.kill()


def test_the_example_checks_from_the_repository_root(cli, monkeypatch):
    monkeypatch.delenv("DATABLOX_PYTHONPATH")
    result = cli("check", "topologies/mixed_python.topo", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "topologies/mixed_python.topo: ok: 9 elements, 10 connections" in result.stdout + result.stderr


def test_the_example_runs_with_its_exact_output(tmp_path, run_file, monkeypatch):
    monkeypatch.delenv("DATABLOX_PYTHONPATH")  # enrich.py is found next to the topology
    result = ok(run_file(tmp_path, EXAMPLE, "-q", "-o", "json"))
    assert jsonl(tmp_path / "big.jsonl") == [
        {"seq": s, "parity": "even" if s % 2 == 0 else "odd", "scaled": 10 * s,
         "label": f"{'even' if s % 2 == 0 else 'odd'}-{s:03d}"} for s in range(15, 20)]
    assert jsonl(tmp_path / "summary.jsonl") == [{"seen": 20, "counted": 20, "groups": {"even": 10, "odd": 10}}]
    assert jsonl(tmp_path / "answer.jsonl") == [{"seq": 7, "parity": "odd", "scaled": 70, "label": "odd-007"}]
    enrich = stats(result, "enrich")
    assert (enrich["logs_in"], enrich["logs_out"]) == (20, 21)
    assert (enrich["queries_in"], enrich["queries_out"]) == (1, 1)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "answer.jsonl", "big.jsonl", "summary.jsonl"]
    assert_no_process_left(result)
