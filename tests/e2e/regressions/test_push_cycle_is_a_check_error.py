"""Issue 8, item 10: a push cycle (`y -> y`, `a -> b -> a`) passed the check
and ran forever, since END could never arrive. The checker rejects a push
cycle at the arrow that closes it (as GNU Radio rejects loops); query
connections (`=>`) may form cycles, they have no END."""

import pytest

CYCLES = {
    "self-loop": ("y :: Map(expr: \"x = 1\")\ny -> y\n", "2:3", "y -> y"),
    "two-elements": ("src :: Sequence(count: 3)\na :: Map(expr: \"x = 1\")\nb :: Map(expr: \"x = 2\")\n"
                     "src -> a -> b -> a\n", "4:15", "a -> b -> a"),
}


@pytest.mark.parametrize("name", CYCLES)
def test_check_rejects_a_push_cycle_at_its_closing_arrow(tmp_path, cli, name):
    text, position, cycle = CYCLES[name]
    path = tmp_path / "cycle.topo"
    path.write_text(text)
    result = cli("check", path)
    assert result.returncode == 65, (result.returncode, result.stderr)
    assert f"{path}:{position}: error: push connections form a cycle ({cycle})" in result.stderr, result.stderr


@pytest.mark.parametrize("name", CYCLES)
def test_run_of_a_push_cycle_starts_nothing(tmp_path, cli, name):
    path = tmp_path / "cycle.topo"
    path.write_text(CYCLES[name][0])
    result = cli("run", path, "-q", cwd=tmp_path, timeout=30)
    assert result.returncode == 65, (result.returncode, result.stderr)
    assert "push connections form a cycle" in result.stderr and "nothing was started" in result.stderr


def test_a_cycle_through_a_query_connection_passes_the_check(tmp_path, cli):
    path = tmp_path / "queries.topo"
    path.write_text("a :: Ask(request: \"{}\")\nsrc :: Sequence(count: 1)\nc :: Counter\nout :: Null\n"
                    "src -> c -> a -> out\na.ask => c.query\n")
    result = cli("check", path)
    assert result.returncode == 0, result.stderr
