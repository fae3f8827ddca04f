"""Issue 8, item 5: a Filter expression of 15,000 chained binary terms
(`seq + seq + ... >= 0`) passed the check, then crashed the host with SIGSEGV
(evaluation recursed once per operator; the 200-level limit only counted
parentheses). The limit (kMaxExprDepth) now bounds the compiled tree's depth,
so the chain is a check error and nothing starts."""

TERMS = 15000


def chain_topology():
    expr = " + ".join(["seq"] * TERMS) + " >= 0"
    return f'src :: Sequence(count: 10)\nf :: Filter(expr: "{expr}")\nout :: Null\nsrc -> f -> out\n'


def test_check_of_a_15000_term_filter_is_an_error(tmp_path, cli):
    path = tmp_path / "chain.topo"
    path.write_text(chain_topology())
    result = cli("check", path)
    assert result.returncode == 65, (result.returncode, result.stderr[-2000:])
    assert f"{path}:2:" in result.stderr
    assert "invalid expression in parameter 'expr' of 'f': expression is nested too deeply (more than 200 levels" \
        in result.stderr, result.stderr[-2000:]


def test_run_of_a_15000_term_filter_starts_nothing(tmp_path, cli):
    path = tmp_path / "chain.topo"
    path.write_text(chain_topology())
    result = cli("run", path, "-q", cwd=tmp_path)
    assert result.returncode == 65, (result.returncode, result.stderr[-2000:])
    assert "killed by signal" not in result.stderr
    assert "nothing was started" in result.stderr


def test_a_chain_within_the_limit_still_runs(tmp_path, run_topology):
    expr = " + ".join(["seq"] * 150) + " >= 150"
    result = run_topology(tmp_path, f'src :: Sequence(count: 5)\nf :: Filter(expr: "{expr}")\n'
                                    'out :: JsonLinesSink(path: "out.jsonl")\nsrc -> f -> out\n', "-q")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.jsonl").read_text().count("\n") == 4  # seq 1..4: 150 * seq >= 150
