"""The whole cell (topologies/cell.topo) on a real master and caretaker,
for test_cell.py and test_cell_deployments.py: its views, datasets,
catalog and caches in tmp_path, and the verbs the tests use (the catalog,
`datablox query --cell`, handlers, pids). (fixtures: cluster_runtime.py)"""

import json

from cluster_runtime import elements
from conftest import REPO, wait_until
from eql_sqlite import NOW, gen_events, load_sqlite

SCHEMA = REPO / "topologies" / "unity.brio"
VIEW = (REPO / "topologies" / "samplestore" / "events.view.toml").read_text()
TOPOLOGY = (REPO / "topologies" / "cell.topo").read_text()
EXIT_FAILED, EXIT_USAGE, EXIT_DATAERR, EXIT_UNAVAILABLE = 1, 64, 65, 69  # runtime/core/exit_codes.h


class Cell:
    """cell.topo as `cell` with its views dir, data, catalog and caches in
    tmp_path. `stores` extra sample stores (store2, ...) each hold a view of
    their own dataset (events2, ...)."""

    def __init__(self, cluster, tmp_path, cell_workers=2, store_workers=2, stores=1, worker_params=""):
        self.cluster, self.tmp = cluster, tmp_path
        self.stores = stores
        text = TOPOLOGY.replace('Catalog(path: "cell-catalog.db")', f'Catalog(path: "{tmp_path / "catalog.db"}")')
        text = text.replace('"cell-cache/{member}"', f'"{tmp_path / "cache"}/{{member}}"' + worker_params)
        text = text.replace("{ members: 2, merge: custom }", f"{{ members: {cell_workers}, merge: custom }}")
        text = text.replace("SampleStoreWorker(views_dir: \"topologies/samplestore\") { members: 2 }",
                            f"SampleStoreWorker(views_dir: \"topologies/samplestore\") {{ members: {store_workers} }}")
        for n in range(2, stores + 1):
            text += (f"store{n} :: SampleStoreSupervisor(views_dir: \"{self.views(n)}\")\n"
                     f"store{n}_workers :: shard SampleStoreWorker(views_dir: \"{self.views(n)}\") {{ members: 1 }}\n"
                     f"supervisor.stores => store{n}.view\n"
                     f"store{n}.workers => store{n}_workers.loci\n")
        self.topology = text.replace('"topologies/samplestore"', f'"{self.views(1)}"')
        for n in range(1, stores + 1):
            self.views(n).mkdir()
            view = VIEW.replace('schema = "../unity.brio"', f'schema = "{SCHEMA}"')
            view = view.replace('location = "../../data/events"', f'location = "{self.data(n)}"')
            (self.views(n) / f"{self.view(n)}.view.toml").write_text(view)

    def views(self, n=1):
        return self.tmp / ("views" if n == 1 else f"views{n}")

    def data(self, n=1):
        return self.tmp / ("data" if n == 1 else f"data{n}")

    @staticmethod
    def view(n=1):
        return "events" if n == 1 else f"events{n}"

    def generate(self, users, files=3, n=1, seed=7):
        return gen_events.generate(str(self.data(n)), users=users, files=files, seed=seed, partition="user")

    def sqlite(self, n=1, name="rows.db"):
        path = self.tmp / f"{self.view(n)}-{name}"
        path.unlink(missing_ok=True)
        return load_sqlite(self.data(n), path)

    def submit(self):
        self.cluster.submit("cell", self.topology)
        self.wait_running()
        r = self.catalog("add", "domain", "unity")
        assert r.returncode == 0, r.stderr
        for n in range(1, self.stores + 1):
            store = "cell/store" if n == 1 else f"cell/store{n}"
            r = self.catalog("add", "view", self.view(n), "--domain", "unity", "--view-file",
                             self.views(n) / f"{self.view(n)}.view.toml", "--store", store)
            assert r.returncode == 0, r.stderr + self.cluster.log()

    def wait_running(self, not_pid=None):
        return self.cluster.wait_status(
            "cell", lambda s: all(e["state"] == "running" and e.get("pid") and e["pid"] != not_pid
                                  for e in s["elements"]), "the cell to run")

    def catalog(self, *args):
        return self.cluster.cli("catalog", "--catalog", "cell/catalog", *args)

    def query(self, text, *args, view="events", timeout_ms=20000):
        head = ["query", "--cell", "cell/supervisor", "--now", NOW, "--timeout-ms", timeout_ms]
        if view:
            head += ["--view", view]
        return self.cluster.cli(*head, *([text] if text else []), *args)

    def start_query(self, text, timeout_ms=20000):
        """`datablox query --cell ... -o json TEXT` in the background, in a
        session of its own (end it with finish_queries)."""
        import subprocess
        return subprocess.Popen(
            [str(self.cluster.datablox), "query", "--cell", "cell/supervisor", "--view", "events", "--now", str(NOW),
             "--timeout-ms", str(timeout_ms), "-o", "json", text, "--master", self.cluster.cli.endpoint],
            cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)

    def answer(self, text, view="events"):
        r = self.query(text, "-o", "json", view=view)
        assert r.returncode == 0, f"{text}\n{r.stderr}\n{self.cluster.log()}"
        return json.loads(r.stdout)

    def handler(self, element, name):
        r = self.cluster.cli("handler", f"cell/{element}.{name}")
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()

    def pid(self, element):
        return elements(self.cluster.status("cell"))[element]["pid"]

    def store_generation(self, n=1):
        store = "store" if n == 1 else f"store{n}"
        r = self.cluster.cli("call", f"cell/{store}.view", json.dumps({"view": self.view(n)}))
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)["generation"]


def add_users_file(data_dir, name, first_user, users, seed=11):
    """A file of `users` new users (numbered from first_user, so that no user
    or session is one of the dataset's already) in data_dir."""
    import random
    rng = random.Random(seed)
    with open(data_dir / name, "w") as f:
        for index in range(first_user, first_user + users):
            rows, _ = gen_events.user_rows(index, rng)
            f.writelines(rows)


def wait_answered(cell, text, predicate, what, view="events"):
    """The first answer to `text` that predicate() accepts (a worker back
    from a restart answers again), bounded."""
    def attempt():
        r = cell.query(text, "-o", "json", view=view)
        return json.loads(r.stdout) if r.returncode == 0 and predicate(json.loads(r.stdout)) else None
    return wait_until(attempt, what, timeout=60)


def finish_queries(running, timeout=60):
    """[(stdout, stderr)] of queries start_query began, each waited for
    (bounded: a query that hangs fails the test); whatever is left is killed
    by its process group."""
    import os
    import signal
    try:
        return [p.communicate(timeout=timeout) for p in running]
    finally:
        for p in running:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
