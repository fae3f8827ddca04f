"""The master's /metrics (issue 17, item 1): Prometheus's text format over
HTTP on the address `master --http` names, scraped while a topology runs
and after it ended, its figures checked against `status -o json` and
`nodes -o json`; a bad address or one in use is a clear error and an exit.
(fixtures: conftest.py's daemons start every master with --http)"""

import re
import socket
import subprocess
import urllib.error
import urllib.request

from cluster_runtime import cluster, elements, hosts  # noqa: F401  (the fixtures)
from conftest import free_port, wait_until

SAMPLE = re.compile(r'^([a-z_]+)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-z_]+)="((?:[^"\\]|\\.)*)"')


def scrape(cluster):
    with urllib.request.urlopen(f"http://{cluster.cli.http}/metrics", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return response.read().decode()


def parse(text):
    """{(name, frozenset(labels)): value}, every line checked against the format."""
    samples, typed = {}, set()
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            name, kind = line[7:].split(" ")
            assert kind in ("counter", "gauge") and name not in typed, line
            typed.add(name)
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample: {line!r}"
        name, labels, value = m.groups()
        assert name in typed, f"{name} has no TYPE line before it"
        assert not name.endswith("_total") or name.startswith("datablox_"), name
        samples[(name, frozenset(LABEL.findall(labels or "")))] = float(value)
    return samples


def matching(samples, name, **labels):
    return [v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= ls]


def value(samples, name, **labels):
    found = matching(samples, name, **labels)
    assert len(found) == 1, f"{name} {labels}: {len(found)} samples"
    return found[0]


def test_metrics_agree_with_status_and_nodes(cluster):
    cluster.submit("chain", 'src :: Sequence(count: 3000, rate: 1000)\nodd :: Filter(expr: "seq % 2 == 1")\n'
                   'out :: Null()\nsrc -> odd -> out\n')
    cluster.wait_flowing("chain", "out", 100)

    def running():  # a scrape rendered after the master saw the elements run
        s = parse(scrape(cluster))
        return s if matching(s, "datablox_topology_state", topology="chain", state="running") == [1] else None
    samples = wait_until(running, "/metrics to show chain running")
    assert value(samples, "datablox_topology_elements", topology="chain", state="running") == 3
    assert value(samples, "datablox_element_state", element="out", state="running") == 1
    assert value(samples, "datablox_node_up", node="n1") == 1
    assert value(samples, "datablox_node_elements", node="n1") >= 3
    assert value(samples, "datablox_link_window_logs", element="src") > 0

    status = cluster.wait_finished("chain")
    nodes = cluster.json("nodes")
    nodes = nodes["nodes"] if isinstance(nodes, dict) else nodes

    def final():
        s = parse(scrape(cluster))
        return s if matching(s, "datablox_topology_state", topology="chain", state=status["state"]) == [1] else None
    samples = wait_until(final, "/metrics to show chain finished")
    for name, e in elements(status).items():
        labels = dict(topology="chain", element=name, node=e["node"])
        labels["class"] = e["class"]
        assert value(samples, "datablox_element_logs_in_total", **labels) == e["logs_in"], name
        assert value(samples, "datablox_element_logs_out_total", **labels) == e["logs_out"], name
        assert value(samples, "datablox_element_restarts_total", **labels) == e["restarts"], name
        assert value(samples, "datablox_element_state", state=e["state"], **labels) == 1
    assert value(samples, "datablox_element_logs_in_total", element="out") == 1500
    assert value(samples, "datablox_element_handler_value", element="odd", handler="passed") == 1500
    n1 = next(n for n in nodes if n["name"] == "n1")
    assert value(samples, "datablox_node_cores", node="n1") == n1["cores"]
    assert value(samples, "datablox_node_memory_bytes", node="n1") == n1["memory_mb"] * 1048576
    assert value(samples, "datablox_topologies") == 1


def test_other_paths_are_404_with_a_reason(cluster):
    try:
        urllib.request.urlopen(f"http://{cluster.cli.http}/nothing", timeout=10)
        raise AssertionError("expected 404")
    except urllib.error.HTTPError as e:
        assert e.code == 404
        assert "served here are GET /, /app.js, /api/state, /api/logs, /api/handler, /metrics and POST" in e.read().decode()


def run_master(datablox, tmp_path, address):
    return subprocess.run([str(datablox), "master", "--listen", f"tcp://127.0.0.1:{free_port()}", "--registry",
                           ":memory:", "--http", address], cwd=tmp_path, capture_output=True, text=True,
                          timeout=20, stdin=subprocess.DEVNULL)


def test_a_bad_metrics_address_or_one_in_use_is_an_error(datablox, tmp_path):
    r = run_master(datablox, tmp_path, "localhost")
    assert r.returncode == 64, r.stderr
    assert "is not HOST:PORT" in r.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        r = run_master(datablox, tmp_path, f"127.0.0.1:{taken.getsockname()[1]}")
    assert r.returncode == 69, r.stderr
    assert "cannot listen on" in r.stderr
