"""The master's web view (issue 17, item 2): the page and its script served
by the master itself, the /api/state it polls (every element, every push
and query link from the plans, the senders' figures on them), and the page
as a real browser (Debian's chromium, headless) draws it: one box per
element, one path per link, push and query told apart, a shard's members
grouped. (fixtures: conftest.py's daemons start every master with --http)"""

import json
import os
import re
import shutil
import signal
import subprocess
import urllib.request

import pytest

from cluster_runtime import cluster, hosts  # noqa: F401  (the fixtures)
from conftest import wait_until

TOPOLOGY = """src    :: Sequence(count: 20000, rate: 2000)
parity :: Map(expr: "parity = if(seq % 2 == 0, 'even', 'odd')")
count  :: shard Counter(key: "parity") { members: 2, route: hash(parity), merge: sum }
report :: Ask(request: "{}", timeout_ms: 5000)
out    :: Null()
src -> parity -> count -> report -> out
report.ask => count.query
"""


def get(cluster, path):
    with urllib.request.urlopen(f"http://{cluster.cli.http}{path}", timeout=10) as response:
        return response.headers["Content-Type"], response.read().decode()


def api_state(cluster):
    kind, body = get(cluster, "/api/state")
    assert kind == "application/json"
    return json.loads(body)


def running_state(cluster):
    def check():
        tops = [t for t in api_state(cluster)["topologies"] if t["name"] == "web"]
        return tops[0] if tops and all(e["state"] == "running" for e in tops[0]["elements"]) else None
    return wait_until(check, "/api/state to show every element of 'web' running")


def test_the_page_its_script_and_the_state_it_polls(cluster):
    kind, page = get(cluster, "/")
    assert kind.startswith("text/html") and '<script src="/app.js"></script>' in page
    assert "http://" not in page.replace('"http://www.w3.org/2000/svg"', "")  # nothing fetched from elsewhere
    kind, script = get(cluster, "/app.js")
    assert kind.startswith("text/javascript") and 'fetch("/api/state"' in script
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", script)

    cluster.submit("web", TOPOLOGY)
    web = running_state(cluster)
    names = {e["name"] for e in web["elements"]}
    assert names == {"src", "parity", "count/0", "count/1", "report", "out"}
    links = {(l["from"], l["to"], l["kind"]) for l in web["links"]}
    assert links == {("src", "parity", "push"), ("parity", "count/0", "push"), ("parity", "count/1", "push"),
                     ("count/0", "report", "push"), ("count/1", "report", "push"), ("report", "out", "push"),
                     ("report", "count/0", "query"), ("report", "count/1", "query")}
    flowing = wait_until(lambda: next((l for l in running_state(cluster)["links"]
                                       if l["from"] == "src" and l.get("sent", 0) > 0), None),
                         "src's link to show logs sent")
    assert flowing["window"] > 0
    assert any(e["what"].startswith("submitted") for e in api_state(cluster)["topologies"][0]["events"])
    nodes = api_state(cluster)["nodes"]
    assert [n["name"] for n in nodes] == ["n1"] and nodes[0]["state"] == "alive"


def browser():
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def dump_dom(url, tmp_path):
    """The page's DOM after its scripts ran for 4 s of virtual time, from a
    headless chromium in a session of its own, ended by its group."""
    process = subprocess.Popen(
        [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={tmp_path}/chromium",
         "--virtual-time-budget=4000", "--dump-dom", url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=60)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the browser's helpers, whatever it left
        except ProcessLookupError:
            pass
    assert process.returncode == 0, err[-2000:]
    return out


@pytest.mark.skipif(browser() is None, reason="no chromium (apt-get install chromium; ./dev test installs it)")
def test_a_real_browser_draws_every_element_and_link(cluster, tmp_path):
    cluster.submit("web", TOPOLOGY)
    web = running_state(cluster)
    dom = dump_dom(f"http://{cluster.cli.http}/#/t/web", tmp_path)
    assert 'id="graph"' in dom and 'data-topology="web"' in dom, dom[-3000:]
    drawn = set(re.findall(r'<g class="element state-running" data-name="([^"]+)"', dom))
    assert drawn == {e["name"] for e in web["elements"]}, dom[-3000:]
    push = set(re.findall(r'<path class="link push" data-id="([^"]+)"', dom))
    query = set(re.findall(r'<path class="link query" data-id="([^"]+)"', dom))
    assert push == {l["id"].replace(">", "&gt;") for l in web["links"] if l["kind"] == "push"}
    assert query == {l["id"].replace(">", "&gt;") for l in web["links"] if l["kind"] == "query"}
    assert 'data-group="count"' in dom  # the shard's members, grouped
    assert "master unreachable" not in dom
    assert "<h3>Events</h3>" in dom and "submitted" in dom

    element = dump_dom(f"http://{cluster.cli.http}/#/t/web/e/parity", tmp_path)
    assert "<h3>Handlers</h3>" in element and ">Map<" in element, element[-3000:]
    assert '<pre class="stderr" data-element="web/parity">' in element and "asking its caretaker" not in element
    assert "<th>write</th>" in element  # the fixture's master allows handler writes
    overview = dump_dom(f"http://{cluster.cli.http}/#/", tmp_path)
    assert '<a href="#/t/web">web</a>' in overview and ">n1<" in overview, overview[-3000:]


def post(cluster, path, body):
    request = urllib.request.Request(f"http://{cluster.cli.http}{path}", data=json.dumps(body).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def handler(cluster, element, name):
    kind, body = get(cluster, f"/api/handler?element={element}&name={name}")
    return json.loads(body)


def test_stderr_and_handlers_through_the_master(cluster):
    cluster.submit("slow", 'src :: Sequence(count: 1000000, rate: 10)\nc :: Counter()\nsrc -> c\n')
    cluster.wait_flowing("slow", "c", 30)
    before = int(handler(cluster, "slow/c", "count")["value"])
    assert before >= 30
    status, reply = post(cluster, "/api/handler", {"element": "slow/c", "name": "reset", "value": "1"})
    assert status == 200 and not reply.get("error"), reply
    after = int(handler(cluster, "slow/c", "count")["value"])
    assert after < before / 2  # counting again from zero, at 10 logs/s
    status, reply = post(cluster, "/api/handler", {"element": "slow/c", "name": "nothing", "value": "1"})
    assert status == 502 and reply["error"], reply
    status, reply = post(cluster, "/api/handler", {"element": "slow/c"})
    assert status == 502 and "post {" in reply["error"]
    kind, body = get(cluster, "/api/logs?element=slow/c&lines=5")
    assert kind == "application/json" and isinstance(json.loads(body)["lines"], list)
    try:
        get(cluster, "/api/logs?element=slow/none")
        raise AssertionError("expected 502")
    except urllib.error.HTTPError as e:
        assert e.code == 502 and "none" in json.loads(e.read())["error"]


def test_handler_writes_are_refused_unless_the_master_allows_them(datablox, tmp_path):
    from conftest import free_port
    http = f"127.0.0.1:{free_port()}"
    master = subprocess.Popen([str(datablox), "master", "--listen", f"tcp://127.0.0.1:{free_port()}", "--registry",
                               ":memory:", "--http", http], cwd=tmp_path, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        class Fake:  # what post() needs of a cluster
            class cli:
                pass
        Fake.cli.http = http

        def refused():
            try:
                return post(Fake, "/api/handler", {"element": "t/e", "name": "h", "value": "1"})
            except urllib.error.URLError:
                return None  # not listening yet
        status, reply = wait_until(refused, "the master's HTTP port")
        assert status == 403 and "--http-writes" in reply["error"]
    finally:
        os.killpg(master.pid, signal.SIGTERM)
        master.wait(timeout=10)
