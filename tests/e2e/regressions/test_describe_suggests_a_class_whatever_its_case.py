"""Issue 8, item 21: `datablox describe counter` said only "no element class
'counter'"; the class is `Counter`. Now it suggests the class, case aside,
with the edit-distance suggester the checker uses."""


def test_describe_of_a_lower_case_name_suggests_the_class(cli):
    r = cli("describe", "counter")
    assert r.returncode == 64
    assert "no element class 'counter'; did you mean 'Counter'?" in r.stderr


def test_describe_of_a_misspelt_name_suggests_the_class(cli):
    r = cli("describe", "jsonlinesink")
    assert r.returncode == 64
    assert "did you mean 'JsonLinesSink'?" in r.stderr


def test_check_suggests_a_class_whatever_its_case(cli, tmp_path):
    (tmp_path / "t.topo").write_text("src :: Sequence(count: 3)\nout :: NULL\nsrc -> out\n")
    r = cli("check", tmp_path / "t.topo")
    assert r.returncode == 65
    assert "unknown class 'NULL'; did you mean 'Null'?" in r.stderr
