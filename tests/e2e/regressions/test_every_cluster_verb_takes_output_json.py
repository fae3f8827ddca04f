"""Issue 8, item 21: the README says every verb takes `-o json`, but `call`,
`handler`, `logs` and `kill` refused it as an unknown option (exit 64). Each
now takes it and prints one JSON document on stdout."""

import json

from conftest import wait_hosts_gone, wait_until

TOPOLOGY = """
src :: Sequence(count: 100000000, rate: 1000)
cnt :: Counter
src -> cnt
"""


def status(cli):
    r = cli("status", "long", "-o", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_call_handler_logs_and_kill_print_json(daemons, tmp_path):
    (tmp_path / "long.topo").write_text(TOPOLOGY)
    assert daemons("submit", "long.topo").returncode == 0
    s = wait_until(lambda: (lambda s: s if s["state"] == "running" and all(e["pid"] for e in s["elements"])
                            else None)(status(daemons)), "the topology to run")
    pids = {e["pid"]: f"long/{e['name']}" for e in s["elements"]}

    call = daemons("call", "cnt.query", "{}", "-o", "json")
    assert call.returncode == 0, call.stderr
    assert json.loads(call.stdout)["count"] >= 0

    handler = daemons("handler", "cnt.count", "-o", "json")
    assert handler.returncode == 0, handler.stderr
    value = json.loads(handler.stdout)
    assert value["element"] == "cnt" and value["handler"] == "count" and int(value["value"]) >= 0

    logs = daemons("logs", "cnt", "-n", "5", "-o", "json")
    assert logs.returncode == 0, logs.stderr
    lines = json.loads(logs.stdout)
    assert lines["topology"] == "long" and lines["element"] == "cnt" and isinstance(lines["lines"], list)

    kill = daemons("kill", "long", "-o", "json")
    assert kill.returncode == 0, kill.stderr
    assert json.loads(kill.stdout)["topology"] == "long"
    wait_until(lambda: status(daemons)["state"] == "stopped", "the topology to stop")
    assert not wait_hosts_gone(pids)
