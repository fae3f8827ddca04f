"""Click-test style: each tests/e2e/topologies/*.topo is a tiny topology that
carries its own expected output in comment lines the checker ignores.

  #% args -o json             extra arguments to `datablox run` (default: -q)
  #% exit 65                  expected exit status (default 0)
  #% file NAME                the `#|` lines that follow are written to NAME first
  #% expect NAME              the `#|` lines that follow are NAME's exact content
                              after the run; NAME `stdout` is the run's stdout
  #% expect-sorted NAME       the same, compared as sorted lines (fan-in order)
  #% stderr TEXT              a line of the run's stderr is exactly TEXT
  #% stderr-has TEXT          some line of the run's stderr contains TEXT
  #% absent NAME              NAME does not exist after the run
  #| text                     one line of the block above ("#|" alone: an empty line)

Each file is copied into the test's tmp_path and run there, by its bare name,
so its diagnostics read NAME.topo:LINE:COL.
"""

from pathlib import Path

import pytest

from conftest import TOPOLOGIES, check_no_crash

FILES = sorted(TOPOLOGIES.glob("*.topo"))


class Spec:
    def __init__(self, text):
        self.args = ["-q"]
        self.exit = 0
        self.files = {}
        self.expect = {}
        self.sorted = set()
        self.stderr = []
        self.stderr_has = []
        self.absent = []
        block = None
        for line in text.splitlines():
            if line.startswith("#|"):
                assert block is not None, f"'#|' outside a block: {line}"
                block.append(line[3:] if line.startswith("#| ") else line[2:])
                continue
            block = None
            if not line.startswith("#%"):
                continue
            directive, _, rest = line[2:].strip().partition(" ")
            rest = rest.strip()
            if directive == "args":
                self.args = rest.split()
            elif directive == "exit":
                self.exit = int(rest)
            elif directive == "file":
                block = self.files.setdefault(rest, [])
            elif directive in ("expect", "expect-sorted"):
                block = self.expect.setdefault(rest, [])
                if directive == "expect-sorted":
                    self.sorted.add(rest)
            elif directive == "stderr":
                self.stderr.append(rest)
            elif directive == "stderr-has":
                self.stderr_has.append(rest)
            elif directive == "absent":
                self.absent.append(rest)
            else:
                raise AssertionError(f"unknown directive '#% {directive}'")


def test_there_are_topology_files():
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_topology_file(path, tmp_path, run_topology):
    text = Path(path).read_text()
    spec = Spec(text)
    assert spec.expect or spec.stderr or spec.stderr_has or spec.absent, f"{path.name} expects nothing"
    for name, lines in spec.files.items():
        (tmp_path / name).write_text("".join(line + "\n" for line in lines))

    result = run_topology(tmp_path, text, *spec.args, name=path.name)
    check_no_crash(result)
    assert result.returncode == spec.exit, result.stderr

    for name, lines in spec.expect.items():
        if name == "stdout":
            got = result.stdout.splitlines()
        else:
            assert (tmp_path / name).is_file(), f"{name} was not written:\n{result.stderr}"
            got = (tmp_path / name).read_text().splitlines()
        if name in spec.sorted:
            assert sorted(got) == sorted(lines), name
        else:
            assert got == lines, name
    stderr_lines = result.stderr.splitlines()
    for line in spec.stderr:
        assert line in stderr_lines, f"no stderr line '{line}' in:\n{result.stderr}"
    for piece in spec.stderr_has:
        assert any(piece in line for line in stderr_lines), f"'{piece}' not in:\n{result.stderr}"
    for name in spec.absent:
        assert not (tmp_path / name).exists(), f"{name} exists"
