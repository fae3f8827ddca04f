"""Issue 14 item 5: a secret parameter (a password for a store) reaches its
element, and no display shows it: not `status` (text or json), `describe`,
`events`, `logs`, `caretaker status`, check's plan, the web view's
/api/state, nor the master's and caretaker's logs (run at debug level here). A secret may also be
env("NAME"), read where the element runs: a missing variable fails the
element at start, naming it. (fixtures: conftest.py's daemons)"""

import hashlib
import json
import shutil
import urllib.request
from pathlib import Path

import pytest

from conftest import jsonl, wait_until

CLASSES = Path(__file__).parent / "secret_classes"
PASSWORD = "correct-horse-battery-staple-31337"  # what must never be shown
FROM_ENV = "s3cr3t-from-the-caretakers-environment"

TOPOLOGY = f'''src   :: Sequence(count: 10, rate: 20)
vault :: py:vault.Vault(password: "{PASSWORD}")
other :: py:vault.Vault(password: env("DATABLOX_TEST_VAULT_KEY"))
out   :: JsonLinesSink(path: "out.jsonl")
other_out :: JsonLinesSink(path: "other.jsonl")
src -> vault -> out
src -> other -> other_out
'''


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def daemon_env(monkeypatch):
    # Set before the daemons start (a fixture asked for first): the caretaker
    # hands its environment to the hosts it starts; debug shows every log line.
    monkeypatch.setenv("DATABLOX_TEST_VAULT_KEY", FROM_ENV)
    monkeypatch.setenv("SPDLOG_LEVEL", "debug")


def write_topology(tmp_path, text):
    shutil.copy(CLASSES / "vault.py", tmp_path / "vault.py")
    (tmp_path / "secrets.topo").write_text(text)
    return tmp_path / "secrets.topo"


def api_state(cli):
    with urllib.request.urlopen(f"http://{cli.http}/api/state", timeout=10) as response:
        return response.read().decode()


def test_a_secret_reaches_its_element_and_no_display(daemon_env, daemons, cli, tmp_path):
    run = cli
    cli = daemons
    topology = write_topology(tmp_path, TOPOLOGY)
    submitted = cli("submit", topology)
    assert submitted.returncode == 0, submitted.stderr + cli.log.read_text()

    shown = []
    wait_until(lambda: '"done"' in cli("status", "secrets", "-o", "json").stdout, "the topology to end",
               log=cli.log)
    # The elements got the real values: the one written and the one from the environment.
    assert {log["digest"] for log in jsonl(tmp_path / "out.jsonl")} == {sha(PASSWORD)}
    assert {log["token_digest"] for log in jsonl(tmp_path / "out.jsonl")} == {sha("default-token-value")}
    assert {log["digest"] for log in jsonl(tmp_path / "other.jsonl")} == {sha(FROM_ENV)}
    assert len(jsonl(tmp_path / "out.jsonl")) == 10

    for args in (["status", "secrets"], ["status", "secrets", "-o", "json"], ["status"], ["list"],
                 ["events"], ["events", "-o", "json"], ["logs", "secrets/vault"], ["logs", "secrets/other"]):
        result = cli(*args)
        assert result.returncode == 0, (args, result.stderr)
        shown.append((args, result.stdout + result.stderr))
    shown.append(("/api/state", api_state(cli)))
    for args in (["caretaker", "status", "--control", cli.control], ["caretaker", "status", "--control", cli.control,
                                                                       "-o", "json"]):
        result = run(*args, cwd=tmp_path)
        assert result.returncode == 0, (args, result.stderr)
        shown.append((args, result.stdout + result.stderr))

    # check's plan shows the parameter, masked; env("NAME") names the variable only.
    check = run("check", topology, "-o", "json", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    plan = {e["name"]: e["params"] for e in json.loads(check.stdout)["plan"]["elements"]}
    assert plan["vault"]["password"] == {"secret": "***"}
    assert plan["other"]["password"] == {"env": "DATABLOX_TEST_VAULT_KEY"}
    shown.append(("check", check.stdout + check.stderr))

    # describe: the type is secret, the default masked.
    for args in (["describe", "py:vault.Vault"], ["describe", "py:vault.Vault", "-o", "json"]):
        described = run(*args, cwd=tmp_path)
        assert described.returncode == 0, described.stderr
        shown.append((args, described.stdout + described.stderr))
    text = shown[-2][1]
    assert "password      secret       (required)" in text, text
    assert "token         secret       ***" in text, text
    params = {p["name"]: p for p in json.loads(shown[-1][1])["params"]}
    assert params["token"]["type"] == "secret" and params["token"]["default"] == "***"

    # The registry must keep the value (a restarted master respawns the element from it): its owner's alone.
    stored = b""
    for name in ("master.db", "master.db-wal"):
        assert (tmp_path / name).stat().st_mode & 0o077 == 0, name
        stored += (tmp_path / name).read_bytes()
    assert PASSWORD.encode() in stored  # so the searches below would find a leak

    shown.append(("the daemons' log", cli.log.read_text()))
    assert "debug" in shown[-1][1].lower()  # the daemons did log at debug level
    for where, text in shown:
        for secret in (PASSWORD, FROM_ENV, "default-token-value"):
            assert secret not in text, f"{secret} shown by {where}"


def test_a_missing_variable_fails_the_element_at_start_naming_it(daemons, tmp_path):
    cli = daemons
    topology = write_topology(tmp_path, 'src :: Sequence(count: 1)\n'
                                        'vault :: py:vault.Vault(password: env("DATABLOX_TEST_NO_SUCH_KEY"))\n'
                                        'out :: Null\nsrc -> vault -> out\n')
    submitted = cli("submit", topology)  # the check accepts it: the variable is read where the element runs
    assert submitted.returncode == 0, submitted.stderr

    def failed():
        status = json.loads(cli("status", "secrets", "-o", "json").stdout)
        return status if status["state"] == "failed" else None

    status = wait_until(failed, "the topology to fail", log=cli.log)
    vault = next(e for e in status["elements"] if e["name"] == "vault")
    assert "environment variable DATABLOX_TEST_NO_SUCH_KEY is not set where the element runs" in vault["error"], vault


def test_the_checker_refuses_env_for_no_secret_and_never_quotes_one(daemons, cli, tmp_path):
    topology = write_topology(tmp_path, f'src :: Sequence(count: env("COUNT"))\n'
                                        f'vault :: py:vault.Vault(password: ["{PASSWORD}"])\n'
                                        'out :: Null\nsrc -> vault -> out\n')
    for result in (cli("check", topology, cwd=tmp_path), daemons("submit", topology)):
        assert result.returncode == 65, result.stderr
        assert "secrets.topo:1:24: error: parameter 'count' of Sequence for 'src' is int: env(...) is for secret " \
               "parameters only" in result.stderr, result.stderr
        assert "secrets.topo:2:35: error: parameter 'password' of py:vault.Vault for 'vault' must be a secret " \
               "(a string or env(\"NAME\")), found list ***" in result.stderr, result.stderr
        assert PASSWORD not in result.stdout + result.stderr
    assert PASSWORD not in daemons.log.read_text()
