"""Compound elements: topologies/compound.topo run for real, its uses shown
under use/inner names, and an error inside a compound's body reported at
the body's line and at the use."""

import json
import os
import shutil
import subprocess

import pytest

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


def test_graph_prints_dot_with_each_use_as_a_cluster(tmp_path, cli):
    result = cli("graph", REPO / "topologies" / "compound.topo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    dot = result.stdout
    assert dot.startswith("digraph "), dot
    assert dot.endswith("}\n"), dot
    for use in ("small", "big"):
        assert f'subgraph "cluster_{use}" {{' in dot, dot
        assert f'"{use}/keep" [label="{use}/keep\\nFilter"];' in dot, dot
        assert f'"{use}/out" [label="{use}/out\\nJsonLinesSink\\n@ local", style=filled, fillcolor="#cfe2f3"];' in dot
        assert f'"src" -> "{use}/keep" [taillabel="out", headlabel="in"];' in dot, dot


def test_graph_of_a_broken_topology_is_its_errors(tmp_path, cli):
    (tmp_path / "bad.topo").write_text("src :: Sequense(count: 3)\n")
    result = cli("graph", "bad.topo", cwd=tmp_path)
    assert result.returncode == 65
    assert result.stdout == ""
    assert "bad.topo:1:8: error: unknown class 'Sequense'" in result.stderr, result.stderr


def test_graph_svg_without_graphviz_names_the_package(tmp_path, datablox):
    # A PATH with no `dot` on it, whether or not this machine has graphviz.
    empty = tmp_path / "empty-path"
    empty.mkdir()
    result = subprocess.run([str(datablox), "graph", "--svg", str(REPO / "topologies" / "compound.topo")], cwd=tmp_path,
                            capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
                            env={**os.environ, "PATH": str(empty)})
    assert result.returncode == 69
    assert result.stdout == ""
    assert "graphviz" in result.stderr, result.stderr


@pytest.mark.skipif(shutil.which("dot") is None, reason="no graphviz (apt-get install graphviz; ./dev test installs it)")
def test_graph_svg_renders_through_graphviz(tmp_path, cli):
    result = cli("graph", "--svg", REPO / "topologies" / "compound.topo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().startswith("<?xml") and "<svg" in result.stdout and result.stdout.rstrip().endswith("</svg>")
    assert "/keep" in result.stdout  # a compound's inner element, labelled


def test_check_json_gives_the_expanded_plan(tmp_path, cli):
    result = cli("check", "-o", "json", REPO / "topologies" / "compound.topo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)["plan"]
    assert [(e["name"], e["class"], e["node"]) for e in plan["elements"]] == [
        ("src", "Sequence", ""), ("small/keep", "Filter", ""), ("small/out", "JsonLinesSink", "local"),
        ("big/keep", "Filter", ""), ("big/out", "JsonLinesSink", "local")]
    assert plan["elements"][3]["params"] == {"expr": {"string": "seq >= 8"}}
    assert plan["elements"][4]["params"] == {"path": {"string": "big.jsonl"}}
    assert sorted((c["kind"], c["from"], c["to"]) for c in plan["connections"]) == [
        ("push", "big/keep.out", "big/out.in"), ("push", "small/keep.out", "small/out.in"),
        ("push", "src.out", "big/keep.in"), ("push", "src.out", "small/keep.in")]
    assert plan["policies"] == []
