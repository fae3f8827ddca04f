"""Issue 8, item 7: invalid UTF-8 inside a string literal of a topology passed
the check, then `run` and `submit` exited 70 with an internal JSON type error
(the text travels as a JSON string). The lexer now reports it where the string
(or comment) starts; `submit` checks the syntax before sending."""

TEXT = b'src :: Sequence(count: 10)\nout :: JsonLinesSink(path: "out-\xff\xfe.jsonl")\nsrc -> out\n'
MESSAGE = "2:28: error: string is not valid UTF-8 (a topology file is UTF-8 text)"


def test_check_reports_invalid_utf8_in_a_string(tmp_path, cli):
    path = tmp_path / "bad.topo"
    path.write_bytes(TEXT)
    result = cli("check", path)
    assert result.returncode == 65, (result.returncode, result.stderr)
    assert f"{path}:{MESSAGE}" in result.stderr, result.stderr


def test_check_reports_invalid_utf8_in_a_comment(tmp_path, cli):
    path = tmp_path / "bad.topo"
    path.write_bytes(b"# caf\xe9\nsrc :: Sequence(count: 1)\nout :: Null\nsrc -> out\n")
    result = cli("check", path)
    assert result.returncode == 65, (result.returncode, result.stderr)
    assert f"{path}:1:1: error: comment is not valid UTF-8" in result.stderr, result.stderr


def test_run_exits_65_not_70(tmp_path, cli):
    path = tmp_path / "bad.topo"
    path.write_bytes(TEXT)
    result = cli("run", path, "-q", cwd=tmp_path)
    assert result.returncode == 65, (result.returncode, result.stderr)
    assert MESSAGE in result.stderr and "internal error" not in result.stderr, result.stderr


def test_submit_exits_65_not_70(tmp_path, daemons):
    path = tmp_path / "bad.topo"
    path.write_bytes(TEXT)
    result = daemons("submit", path)
    assert result.returncode == 65, (result.returncode, result.stderr)
    assert MESSAGE in result.stderr and "internal error" not in result.stderr, result.stderr
    assert daemons("list").returncode == 0
