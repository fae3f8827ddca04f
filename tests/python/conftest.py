"""Fixtures of the Python-element tests: those of tests/e2e (real
`datablox run` processes, ended by the ids the test holds) and an autouse one
that gives every test its own tmp_path as cwd, the element modules of
tests/python/elements on DATABLOX_PYTHONPATH, no bytecode written into the
repository, and `import datablox` from the build tree."""

import sys

import pytest

from .py_support import BUILD_PYTHON, ELEMENTS, cli, daemons, datablox, run_topology, start_topology  # noqa: F401 (fixtures)

if str(BUILD_PYTHON) not in sys.path:
    sys.path.insert(0, str(BUILD_PYTHON))


@pytest.fixture(autouse=True)
def python_elements(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABLOX_PYTHONPATH", str(ELEMENTS))
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.delenv("PYTHONPATH", raising=False)
    return ELEMENTS
