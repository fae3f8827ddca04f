"""Issue 8, item 4: a list parameter nested 30,000 deep made `datablox check`
segfault (the parser's list rule recursed once per level), and `submit` of the
same 60 KB file killed the master daemon. Lists nest at most 64 levels
(dsl/limits.h): deeper is a check error at the '[' that went too far."""

import json
import os

import zmq

DEPTH = 30000


def nested_topology():
    return f'src :: Sequence(count: {"[" * DEPTH}1{"]" * DEPTH})\nout :: Null\nsrc -> out\n'


def test_check_of_a_30000_deep_list_is_an_error_not_a_crash(tmp_path, cli):
    path = tmp_path / "deep.topo"
    path.write_text(nested_topology())
    result = cli("check", path)
    assert result.returncode == 65, (result.returncode, result.stderr[-2000:])
    # The 65th '[' of the list, which starts at column 24.
    assert f"{path}:1:{24 + 64}: error: list nested more than 64 levels deep" in result.stderr, result.stderr[-2000:]


def test_run_of_a_30000_deep_list_starts_nothing(tmp_path, cli):
    path = tmp_path / "deep.topo"
    path.write_text(nested_topology())
    result = cli("run", path, "-q", cwd=tmp_path)
    assert result.returncode == 65, (result.returncode, result.stderr[-2000:])
    assert "list nested more than 64 levels deep" in result.stderr


def test_submit_of_a_30000_deep_list_leaves_the_master_answering(tmp_path, daemons):
    path = tmp_path / "deep.topo"
    path.write_text(nested_topology())
    result = daemons("submit", path)
    assert result.returncode == 65, (result.returncode, result.stderr[-2000:])
    assert "list nested more than 64 levels deep" in result.stderr
    # The CLI checks the syntax before sending; the master parses what it
    # is sent all the same: the text straight to it, as a submit would.
    context = zmq.Context()
    try:
        client = context.socket(zmq.DEALER)
        client.setsockopt(zmq.LINGER, 0)
        client.setsockopt(zmq.ROUTING_ID, f"client:deep-{os.getpid()}".encode())
        client.connect(daemons.endpoint)
        client.send(json.dumps({"op": "submit", "file": str(path), "text": nested_topology()}).encode())
        assert client.poll(15000), "the master did not answer the submit"
        reply = json.loads(client.recv())
    finally:
        context.destroy(linger=0)
    assert reply["ok"] is False, reply
    assert any("list nested more than 64 levels deep" in e for e in reply["errors"]), reply
    # The master still answers, and still runs topologies.
    nodes = daemons("nodes")
    assert nodes.returncode == 0 and "n1" in nodes.stdout, (nodes.returncode, nodes.stderr)
    (tmp_path / "ok.topo").write_text("src :: Sequence(count: 10)\nout :: Null\nsrc -> out\n")
    submitted = daemons("submit", tmp_path / "ok.topo")
    assert submitted.returncode == 0, submitted.stderr
