"""Helpers of the Python-element tests (tests/python).

The process handling (a `datablox run` in a session of its own, ended by the
ids the test holds; element hosts checked gone afterwards) is the one of the
end-to-end tests: tests/e2e/conftest.py, loaded here under a name of its own.
This folder is a package (tests/python/__init__.py), so its conftest.py is
`python.conftest` and never replaces the bare `conftest` module the e2e
tests import their helpers from.

The element classes the tests run live in tests/python/elements/, which the
autouse fixture of conftest.py puts on DATABLOX_PYTHONPATH; a test that needs
a module of its own writes it next to its topology in tmp_path.
"""

import importlib.util
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ELEMENTS = HERE / "elements"
BUILD_PYTHON = REPO / "build" / "python"


def _load_e2e():
    name = "datablox_e2e_conftest"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "tests" / "e2e" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


e2e = _load_e2e()

# Fixtures (re-exported by conftest.py) and helpers of the e2e suite.
datablox = e2e.datablox
cli = e2e.cli
start_topology = e2e.start_topology
run_topology = e2e.run_topology
daemons = e2e.daemons
check_no_crash = e2e.check_no_crash
element_pids = e2e.element_pids
host_alive = e2e.host_alive
final_elements = e2e.final_elements
jsonl = e2e.jsonl

DIAGNOSTIC = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.+)$")


def diagnostics(stderr):
    """[(file, line, col, message)] of the checker's `FILE:LINE:COL: error:` lines."""
    found = []
    for text in stderr.splitlines():
        m = DIAGNOSTIC.match(text)
        if m:
            found.append((m["file"], int(m["line"]), int(m["col"]), m["msg"]))
    return found


def final_status(result):
    """The `-o json` final status printed by `datablox run`."""
    return json.loads(result.stdout)


def stats(result, name):
    """The final stats of one element, from the `-o json` status."""
    return final_elements(final_status(result))[name]["stats"]


def assert_no_process_left(result):
    pids = element_pids(result.snapshots)
    assert pids, "the stats file listed no element host"
    for pid, element_id in pids.items():
        assert not host_alive(pid, element_id), f"{element_id} (pid {pid}) is still running"


def ok(result):
    """Asserts a run ended well (exit 0, nothing crashed); returns it."""
    check_no_crash(result)
    assert result.returncode == 0, f"exit {result.returncode}:\n{result.stderr[-4000:]}"
    return result
