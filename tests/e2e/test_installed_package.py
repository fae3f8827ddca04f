"""The installed package (issue 9, item 6): `cmake --install` into a fresh
prefix, the example out-of-tree element (examples/hello_element) configured
and built against that prefix only, and `PREFIX/bin/datablox run` from a
folder elsewhere. Also what a plugin that cannot be used looks like: not an
ELF file, a missing symbol, a class name registered twice.

Everything is made in one temporary folder, removed at the end; every run is
ended by the ids it holds (conftest.Run).
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import REPO, Run, _binary, jsonl

EX_USAGE, EX_DATAERR = 64, 65  # sysexits.h, as runtime/core/exit_codes.h names them

# A plugin that links, but whose library needs a symbol the executable does
# not have: it must fail to load (RTLD_NOW), never crash a host later.
UNRESOLVED_CC = """\
#include "datablox/element.h"

void datablox_no_such_function();  // declared, defined nowhere

class Unresolved : public datablox::Element {
 public:
  static datablox::ClassSpec spec() { return datablox::ClassSpec("Unresolved", "never loads").push_in("in"); }
  void on_batch(int, datablox::Batch) override { datablox_no_such_function(); }
};

DATABLOX_ELEMENT(Unresolved)
"""

# Env vars that could point a command at this repository or another plugin.
LEAKY = ("DATABLOX_PLUGIN_PATH", "DATABLOX_PYTHONPATH", "PYTHONPATH", "CMAKE_PREFIX_PATH", "datablox_DIR",
         "DATABLOX_MASTER")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    env.update(extra)
    return env


def sh(argv, cwd, timeout=300, env=None):
    got = subprocess.run([str(a) for a in argv], cwd=cwd, env=env or clean_env(), capture_output=True, text=True,
                         errors="replace", timeout=timeout, stdin=subprocess.DEVNULL)
    assert got.returncode == 0, f"{' '.join(map(str, argv))} exited {got.returncode}:\n{got.stdout}\n{got.stderr}"
    return got


@pytest.fixture(scope="module")
def package():
    build = _binary().resolve().parent.parent  # build/bin/datablox -> build
    root = Path(tempfile.mkdtemp(prefix="datablox-package-"))
    try:
        prefix = root / "prefix"
        sh(["cmake", "--install", build, "--prefix", prefix], cwd=root)
        # The example's sources, copied out of the repository, and one more
        # plugin beside it that cannot load.
        source = root / "hello_element"
        shutil.copytree(REPO / "examples/hello_element", source)
        (source / "unresolved.cc").write_text(UNRESOLVED_CC)
        with open(source / "CMakeLists.txt", "a") as cmake:
            cmake.write("datablox_add_element(unresolved SOURCES unresolved.cc)\n")
        configure = ["cmake", "-S", source, "-B", root / "plugins", f"-DCMAKE_PREFIX_PATH={prefix}",
                     "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF", "-DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF"]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        if shutil.which("ccache"):
            configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
        sh(configure, cwd=root)
        sh(["cmake", "--build", root / "plugins"], cwd=root)
        yield SimpleNamespace(root=root, prefix=prefix, datablox=prefix / "bin/datablox",
                              plugins=root / "plugins", source=source)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def installed(package, monkeypatch):
    """conftest.Run starts `datablox` from $DATABLOX: the installed one."""
    monkeypatch.setenv("DATABLOX", str(package.datablox))
    for name in LEAKY:
        monkeypatch.delenv(name, raising=False)
    return package


def datablox(package, *args, cwd, **env):
    return subprocess.run([str(package.datablox), *map(str, args)], cwd=cwd, env=clean_env(**env),
                          capture_output=True, text=True, errors="replace", timeout=60, stdin=subprocess.DEVNULL)


def folder(package, name):
    path = package.root / name
    path.mkdir()
    return path


def run(package, cwd, topology, *args):
    started = Run(cwd, topology, ["-q", *args])
    try:
        return started.wait(timeout=60)
    finally:
        started.kill()


GREETINGS = [{"seq": i, "greeting": f"hi {i}"} for i in range(5)]


def test_the_example_was_built_against_the_installed_prefix_only(package):
    cache = (package.plugins / "CMakeCache.txt").read_text()
    found = [line for line in cache.splitlines() if line.startswith("datablox_DIR:")]
    assert found and found[0].split("=", 1)[1].startswith(str(package.prefix)), found
    for made in package.plugins.rglob("*"):
        if made.is_file() and made.suffix in (".ninja", ".make", ".txt", ".json", ".cmake"):
            assert str(REPO) not in made.read_text(errors="replace"), f"{made} names the repository"
    assert (package.plugins / "hello.datablox.so").is_file()
    assert (package.prefix / "lib/cmake/datablox/datablox-config-version.cmake").is_file()


def test_an_out_of_tree_element_runs_from_the_installed_prefix_elsewhere(installed):
    here = folder(installed, "run_with_flag")
    shutil.copy(installed.source / "hello.topo", here)
    # Repeatable, and a folder without plugins is no error.
    result = run(installed, here, "hello.topo", "--plugin-path", here, "--plugin-path", installed.plugins)
    assert result.returncode == 0, result.stderr
    assert jsonl(here / "greetings.jsonl") == GREETINGS


def test_a_plugin_beside_the_topology_needs_no_flag(installed):
    here = folder(installed, "run_beside")
    shutil.copy(installed.source / "hello.topo", here)
    shutil.copy(installed.plugins / "hello.datablox.so", here)
    described = datablox(installed, "describe", "Hello", cwd=here)
    assert described.returncode == 0, described.stderr
    assert "greeting" in described.stdout and "the word before the number" in described.stdout
    result = run(installed, here, "hello.topo")
    assert result.returncode == 0, result.stderr
    assert jsonl(here / "greetings.jsonl") == GREETINGS


def test_the_plugin_path_flag_and_variable_reach_check_and_classes(installed):
    here = folder(installed, "by_variable")
    shutil.copy(installed.source / "hello.topo", here)
    without = datablox(installed, "check", "hello.topo", cwd=here)
    assert without.returncode == EX_DATAERR and "unknown class 'Hello'" in without.stderr, without.stderr
    with_path = datablox(installed, "check", "hello.topo", cwd=here, DATABLOX_PLUGIN_PATH=str(installed.plugins))
    assert with_path.returncode == 0, with_path.stderr
    flag_first = datablox(installed, "check", "--plugin-path", installed.plugins, "hello.topo", cwd=here)
    assert flag_first.returncode == 0, flag_first.stderr
    missing = datablox(installed, "check", "hello.topo", "--plugin-path", here / "no_such_folder", cwd=here)
    assert missing.returncode == EX_USAGE and "no_such_folder" in missing.stderr, missing.stderr
    classes = datablox(installed, "classes", cwd=here, DATABLOX_PLUGIN_PATH=str(installed.plugins / "hello.datablox.so"))
    assert any(line.split()[:1] == ["Hello"] for line in classes.stdout.splitlines()), classes.stdout


def test_a_plugin_that_is_no_shared_object_is_a_check_error_naming_it(installed):
    here = folder(installed, "not_elf")
    (here / "broken.datablox.so").write_bytes(b"not a shared object\n" * 20)
    (here / "flow.topo").write_text("src :: Sequence(count: 1)\nb :: Broken\nsrc -> b\n")
    checked = datablox(installed, "check", "flow.topo", cwd=here)
    assert checked.returncode == EX_DATAERR
    assert (f"flow.topo:2:6: error: cannot load class 'Broken': no class of that name, and a plugin did not load: "
            f"plugin {here / 'broken.datablox.so'}: invalid ELF header") in checked.stderr, checked.stderr
    ran = datablox(installed, "run", "-q", "flow.topo", cwd=here)
    assert ran.returncode == EX_DATAERR and "nothing was started" in ran.stderr, ran.stderr


def test_a_plugin_missing_a_symbol_is_a_check_error_naming_the_symbol(installed):
    here = folder(installed, "unresolved")
    (here / "flow.topo").write_text("src :: Sequence(count: 1)\nu :: Unresolved\nsrc -> u\n")
    checked = datablox(installed, "check", "flow.topo", "--plugin-path", installed.plugins / "unresolved.datablox.so",
                       cwd=here)
    assert checked.returncode == EX_DATAERR
    assert f"plugin {installed.plugins / 'unresolved.datablox.so'}: " in checked.stderr, checked.stderr
    assert "undefined symbol: datablox_no_such_function()" in checked.stderr, checked.stderr


def test_a_class_name_two_plugins_register_is_a_check_error_naming_both(installed):
    here = folder(installed, "twice")
    shutil.copy(installed.source / "hello.topo", here)
    shutil.copy(installed.plugins / "hello.datablox.so", here / "hello.datablox.so")
    shutil.copy(installed.plugins / "hello.datablox.so", here / "hello_copy.datablox.so")
    checked = datablox(installed, "check", "hello.topo", cwd=here)
    assert checked.returncode == EX_DATAERR
    assert (f"cannot load class 'Hello': class 'Hello' is registered twice: by plugin {here / 'hello.datablox.so'}, "
            f"and by plugin {here / 'hello_copy.datablox.so'}") in checked.stderr, checked.stderr


def test_the_installed_tree_finds_its_python_package(installed):
    here = folder(installed, "python")
    (here / "twice.py").write_text(
        "import datablox\n\n"
        "class Twice(datablox.Element):\n"
        "    ports = [datablox.push_in('in'), datablox.push_out('out')]\n\n"
        "    def on_batch(self, port, logs):\n"
        "        self.emit([{'seq': log['seq'] * 2} for log in logs])\n")
    (here / "flow.topo").write_text('src :: Sequence(count: 3)\nt :: py:twice.Twice\n'
                                    'out :: JsonLinesSink(path: "twice.jsonl")\nsrc -> t -> out\n')
    result = run(installed, here, "flow.topo")
    assert result.returncode == 0, result.stderr
    assert jsonl(here / "twice.jsonl") == [{"seq": 0}, {"seq": 2}, {"seq": 4}]
