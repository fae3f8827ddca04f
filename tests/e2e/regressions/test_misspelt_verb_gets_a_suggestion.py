"""Issue 8, item 21: `datablox runn` and `datablox help` answered "A
subcommand is required", nothing more. A misspelt verb now gets "did you
mean", and `help [VERB]` prints the help."""


def test_misspelt_verb_is_answered_with_the_closest_one(cli):
    r = cli("runn", "x.topo")
    assert r.returncode == 64
    assert "unknown command 'runn'; did you mean 'run'?" in r.stderr
    assert "A subcommand is required" not in r.stderr


def test_unknown_verb_far_from_any_says_where_the_list_is(cli):
    r = cli("frobnicate")
    assert r.returncode == 64
    assert "unknown command 'frobnicate'" in r.stderr and "--help" in r.stderr


def test_help_prints_the_help(cli):
    r = cli("help")
    assert r.returncode == 0, r.stderr
    assert "Usage: datablox" in r.stdout and "submit" in r.stdout and "describe" in r.stdout


def test_help_of_a_verb_prints_its_help(cli):
    r = cli("help", "run")
    assert r.returncode == 0, r.stderr
    assert "--stats-file" in r.stdout
