"""Compound elements: topologies/compound.topo run for real, its uses shown
under use/inner names, and an error inside a compound's body reported at
the body's line and at the use."""

import json

from conftest import REPO, jsonl


def test_compound_reused_twice_runs_with_each_uses_parameters(tmp_path, run_topology):
    text = (REPO / "topologies" / "compound.topo").read_text()
    result = run_topology(tmp_path, text, "-q", "-o", "json", name="compound.topo")
    assert result.returncode == 0, result.stderr
    assert jsonl(tmp_path / "small.jsonl") == [{"seq": 0}, {"seq": 1}]
    assert jsonl(tmp_path / "big.jsonl") == [{"seq": 8}, {"seq": 9}]


def test_check_lists_the_expanded_elements_under_the_uses_names(tmp_path, cli):
    result = cli("check", REPO / "topologies" / "compound.topo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "5 elements, 4 connections" in result.stdout


def test_error_inside_a_compound_names_the_body_line_and_the_use(tmp_path, cli):
    (tmp_path / "bad.topo").write_text(
        "compound Keep(test: string) {\n"
        "  keep :: Filter(expr: $test, colour: \"red\")\n"
        "  input -> keep\n"
        "}\n"
        "src :: Sequence(count: 3)\n"
        "k :: Keep(test: \"true\")\n"
        "src -> k\n")
    result = cli("check", "bad.topo", cwd=tmp_path)
    assert result.returncode == 65
    assert "bad.topo:2:31: error: " in result.stderr, result.stderr
    assert "unknown parameter 'colour'" in result.stderr, result.stderr
    assert "(in 'k', a use of compound Keep at bad.topo:6:1)" in result.stderr, result.stderr
