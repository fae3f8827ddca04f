"""Issue 8, item 9: an empty topology passed the check, and `datablox run`
then waited forever in "starting". A topology without an element is a check
error ("no element declared"): exit 65, nothing started."""

import pytest


@pytest.mark.parametrize("text", ["", "# nothing but a comment\n\n"], ids=["empty", "comment-only"])
def test_check_of_an_empty_topology_is_an_error(tmp_path, cli, text):
    path = tmp_path / "empty.topo"
    path.write_text(text)
    result = cli("check", path)
    assert result.returncode == 65, (result.returncode, result.stdout, result.stderr)
    assert f"{path}:1:1: error: no element declared" in result.stderr, result.stderr


def test_run_of_an_empty_topology_ends_at_once(tmp_path, cli):
    path = tmp_path / "empty.topo"
    path.write_text("")
    result = cli("run", path, "-q", cwd=tmp_path, timeout=30)
    assert result.returncode == 65, (result.returncode, result.stderr)
    assert "no element declared" in result.stderr and "nothing was started" in result.stderr
