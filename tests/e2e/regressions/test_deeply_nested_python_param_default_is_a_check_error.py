"""Issue 8, item 4 (every recursive reader gets a depth limit): a Python
class whose parameter default is a list nested 100,000 deep was read into a
ParamValue by a recursion without a bound. It nests at most as deep as a
topology's lists (64): deeper is a clean load error of that class."""

MODULE = '''\
import datablox

deep = 1
for _ in range(LEVELS):
    deep = [deep]


class Deep(datablox.Element):
    ports = [datablox.push_in("in")]
    params = [datablox.param("levels", "list", deep, "a default nested LEVELS deep")]
'''


def write(tmp_path, levels):
    (tmp_path / "deepdefault.py").write_text(MODULE.replace("LEVELS", str(levels)))
    (tmp_path / "deep.topo").write_text("src :: Sequence(count: 1)\nd :: py:deepdefault.Deep\nsrc -> d\n")


def test_a_python_default_nested_100000_deep_is_a_load_error_not_a_crash(tmp_path, cli):
    write(tmp_path, 100000)
    result = cli("check", "deep.topo", cwd=tmp_path)
    assert result.returncode == 65, (result.returncode, result.stderr[-2000:])
    assert "deep.topo:2:6: error: cannot load class 'py:deepdefault.Deep'" in result.stderr, result.stderr[-2000:]
    assert "param 'levels': its default is not" in result.stderr, result.stderr[-2000:]


def test_a_python_default_at_the_limit_is_fine_and_one_past_it_is_not(tmp_path, cli):
    write(tmp_path, 64)
    result = cli("check", "deep.topo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    write(tmp_path, 65)
    result = cli("check", "deep.topo", cwd=tmp_path)
    assert result.returncode == 65 and "its default is not" in result.stderr, result.stderr[-2000:]
