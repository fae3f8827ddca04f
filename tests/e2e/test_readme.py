"""Every fenced code block of README.md is run (issue 8, item 17: the README's
Python example did not parse and its Ask reply went nowhere, and nothing
noticed).

How each kind of block runs:

- topology (a block with `name :: Class` declarations): `datablox check`,
  then `datablox run` to its end in a temp dir holding every Python block of
  the README under the file name its first line gives (`# enrich.py`):
  every element ends, rejects nothing, and none emits only into outputs
  nobody listens to (an Ask whose reply goes nowhere); every JsonLinesSink
  file gets logs; a block headed `# topologies/X.topo` has that file's
  statements.
- python: compiled, imported (`import datablox` from the build), and used
  by a topology block above.
- cpp: compiled with `-fsyntax-only -Wall` against include/ only (the public
  API). A block headed `// examples/...` is that file of the repository,
  which tests/e2e/test_installed_package.py builds into a plugin and runs.
- cmake: a block headed `# examples/...` is that file of the repository.
- brio (a Brio schema): `datablox check` passes it; a block headed
  `// topologies/X.brio` is that file but for comments.
- sh with `$ ` prompts: each command runs in a temp dir laid out like a
  checkout (topologies/ and examples/ copied, build/ linked), and the output shown must
  match the one got loosely: every line shown appears, in order, numbers
  and durations being any value; `...` stands for any lines. The command
  runs on a pseudo-terminal, as typed, so the live progress line is drawn.
- sh without prompts: run as one bash script (`set -e`) in such a temp dir
  with build/bin on PATH and HOME in the temp dir. After each line that
  starts a daemon (`... &`), the script waits, bounded, for it to be ready
  (as someone typing the lines would), and 7070 is replaced by a free port.
  A command commented with column headers (`# NODE ADDRESS ...`) must print
  those headers. Every process the block started is ended by the session
  the test holds.

A block that cannot run as written is preceded by
`<!-- readme-test: skip (why) -->`; those are skipped with their reason
(pytest -rs lists them), never silently.
"""

import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, final_elements, free_port

README = REPO / "README.md"
BUILD = REPO / "build"
SKIP = re.compile(r"^<!--\s*readme-test:\s*skip\s*\((?P<why>.+)\)\s*-->$")
DECLARATION = re.compile(r"^\s*\w+\s*::\s*\S", re.M)
HEADERS = re.compile(r"^[A-Z][A-Z/]*( [A-Z][A-Z/]*)+$")
COMMENT = re.compile(r"\s+#\s.*$")


@dataclass
class Block:
    line: int        # of the opening fence, 1-based
    lang: str
    text: str
    skip: str = ""   # the reason given by a readme-test: skip marker

    @property
    def kind(self):
        if self.lang == "sh":
            return "shell-session" if re.search(r"^\$ ", self.text, re.M) else "shell"
        if self.lang in ("python", "cpp", "cmake", "brio"):
            return self.lang
        if self.lang == "" and DECLARATION.search(self.text):
            return "topology"
        return "unknown"

    @property
    def id(self):
        return f"line{self.line}-{self.kind}"


def readme_blocks():
    lines = README.read_text().splitlines()
    blocks, i = [], 0
    while i < len(lines):
        fence = re.match(r"^```(\w*)\s*$", lines[i])
        if not fence:
            i += 1
            continue
        start = i
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        before = next((lines[j].strip() for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        marker = SKIP.match(before)
        blocks.append(Block(start + 1, fence.group(1), "\n".join(body) + "\n", marker.group("why") if marker else ""))
    return blocks


BLOCKS = readme_blocks()


def python_modules():
    """{file name: text} of the Python blocks, named by their first line."""
    modules = {}
    for block in BLOCKS:
        if block.kind == "python" and not block.skip:
            name = re.match(r"#\s*(\w+\.py)\b", block.text)
            assert name, f"README.md:{block.line}: a Python block's first line names its file (# NAME.py)"
            modules[name.group(1)] = block.text
    return modules


def checkout_like(tmp_path):
    """A temp dir laid out like a checkout: the README's commands use
    topologies/ and build/bin/ relative to it."""
    for folder in ("topologies", "examples"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "build").symlink_to(BUILD, target_is_directory=True)
    return tmp_path


def shell_env(tmp_path):
    env = dict(os.environ)
    env["PATH"] = f"{BUILD / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
    env["HOME"] = str(tmp_path)  # defaults (the master's registry) land in the temp dir
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    for name in ("XDG_STATE_HOME", "DATABLOX_MASTER", "DATABLOX_PYTHONPATH"):
        env.pop(name, None)
    return env


def test_every_block_has_a_runner_or_a_reason_to_skip():
    assert BLOCKS, "README.md has no code blocks?"
    unknown = [f"README.md:{b.line}: ```{b.lang}" for b in BLOCKS if b.kind == "unknown" and not b.skip]
    assert not unknown, ("blocks this test cannot run; give them a language it runs or a "
                         "<!-- readme-test: skip (why) --> marker: " + ", ".join(unknown))


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_readme_block(block, tmp_path, cli, run_topology):
    if block.skip:
        pytest.skip(f"README.md:{block.line}: {block.skip}")
    runner = {"topology": run_topology_block, "python": run_python_block, "cpp": run_cpp_block,
              "cmake": check_copy_of_a_file, "brio": run_brio_block,
              "shell-session": run_shell_session_block, "shell": run_shell_block}.get(block.kind)
    if runner is None:
        pytest.fail(f"README.md:{block.line}: no runner for ```{block.lang} (mark it readme-test: skip)")
    runner(block, tmp_path, cli=cli, run_topology=run_topology)


# ---------------------------------------------------------------- topology, python, cpp


def statements(topology):
    """A topology's lines without comments, blank lines or extra spaces."""
    lines = (re.sub(r"(^|\s)#.*$", "", line) for line in topology.splitlines())
    return [" ".join(line.split()) for line in lines if line.strip()]


def run_topology_block(block, tmp_path, cli, run_topology):
    shown_as = re.match(r"#\s*(topologies/\S+\.topo)\s*$", block.text.splitlines()[0])
    if shown_as:  # an annotated copy: the same statements, other comments
        assert statements((REPO / shown_as.group(1)).read_text()) == statements(block.text), \
            f"README.md:{block.line} shows {shown_as.group(1)}, but differs from it"
    for name, text in python_modules().items():
        (tmp_path / name).write_text(text)
    path = tmp_path / "readme.topo"
    path.write_text(block.text)
    checked = cli("check", path, cwd=tmp_path)
    assert checked.returncode == 0, f"README.md:{block.line}: check failed:\n{checked.stderr}"
    result = run_topology(tmp_path, block.text, "-q", "-o", "json", name="readme.topo")
    assert result.returncode == 0, f"README.md:{block.line}: run failed:\n{result.stderr}"
    for name, element in final_elements(json.loads(result.stdout)).items():
        assert element["state"] == "ended", (name, element["state"])
        # An optional output left open (Filter's `rejected`) is fine; an
        # element whose every log goes nowhere (an Ask with nothing after it) is not.
        assert element["stats"]["out_links"] or not element["stats"]["dropped_unconnected"], \
            f"README.md:{block.line}: what {name} emits goes nowhere"
        assert element["stats"]["rejected"] == 0 and element["stats"]["malformed"] == 0, (name, element["stats"])
    for sink in re.findall(r'JsonLinesSink\(path:\s*"([^"]+)"', block.text):
        assert (tmp_path / sink).stat().st_size > 0, f"README.md:{block.line}: {sink} is empty"


def run_brio_block(block, tmp_path, cli, run_topology):
    """A Brio schema: `datablox check` passes it; headed `// topologies/X.brio`,
    it is that file but for comments."""
    def words(text):
        return re.sub(r"(//|#).*", "", text).split()
    shown_as = re.match(r"//\s*(topologies/[\w/.-]+?\.brio)\b", block.text.splitlines()[0])
    if shown_as:
        assert words((REPO / shown_as.group(1)).read_text()) == words(block.text), \
            f"README.md:{block.line} shows {shown_as.group(1)}, but differs from it"
    path = tmp_path / "readme.brio"
    path.write_text(block.text)
    checked = cli("check", path, cwd=tmp_path)
    assert checked.returncode == 0, f"README.md:{block.line}: check failed:\n{checked.stderr}"


def run_python_block(block, tmp_path, cli, run_topology):
    compile(block.text, f"README.md:{block.line}", "exec")
    name = re.match(r"#\s*(\w+)\.py\b", block.text).group(1)
    (tmp_path / f"{name}.py").write_text(block.text)
    probe = ("import inspect, datablox, {m}\n"
             "found = [c for _, c in inspect.getmembers({m}, inspect.isclass)\n"
             "         if issubclass(c, datablox.Element) and c is not datablox.Element]\n"
             "assert found, 'no datablox.Element subclass'\n"
             "print(' '.join(c.__name__ for c in found))\n").format(m=name)
    env = shell_env(tmp_path)
    env["PYTHONPATH"] = f"{BUILD / 'python'}:{tmp_path}"
    got = subprocess.run(["/usr/bin/python3", "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=60, stdin=subprocess.DEVNULL)
    assert got.returncode == 0, got.stderr
    used = [b for b in BLOCKS if b.kind == "topology" and any(f"py:{name}.{c}" in b.text for c in got.stdout.split())]
    assert used, f"README.md:{block.line}: no topology block of the README uses {name}.py"


def shown_file(block):
    """The repository file a block shows, when its first line names one
    (`// examples/x/y.cc`, `# examples/x/CMakeLists.txt`), else None."""
    named = re.match(r"^(?://|#)\s*(examples/\S+)\s*$", block.text.splitlines()[0])
    return REPO / named.group(1) if named else None


def check_copy_of_a_file(block, tmp_path, cli, run_topology):
    shown = shown_file(block)
    assert shown, f"README.md:{block.line}: a ```{block.lang} block names the file it shows on its first line"
    assert shown.is_file() and shown.read_text() == block.text, f"README.md:{block.line} differs from {shown}"


def run_cpp_block(block, tmp_path, cli, run_topology):
    if shown_file(block):
        check_copy_of_a_file(block, tmp_path, cli, run_topology)
    source = tmp_path / "readme_block.cc"
    source.write_text(block.text)
    compiler = shutil.which("g++") or shutil.which("c++")
    assert compiler, "no C++ compiler"
    got = subprocess.run([compiler, "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                          f"-I{REPO / 'include'}", str(source)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert got.returncode == 0, f"README.md:{block.line}: does not compile:\n{got.stderr}"


# ---------------------------------------------------------------- shell


def output_line_pattern(line):
    """A shown output line as a loose pattern: any token with a digit (a
    count, a rate, a duration) matches any token; the rest is literal."""
    return r"\s+".join(r"\S+" if re.search(r"\d", token) else re.escape(token) for token in line.split())


def run_shell_session_block(block, tmp_path, cli, run_topology):
    checkout_like(tmp_path)
    steps, current = [], None
    for line in block.text.splitlines():
        if line.startswith("$ "):
            current = (line[2:], [])
            steps.append(current)
        elif current and line.strip():
            current[1].append(line)
    for command, shown in steps:
        code, printed = run_on_a_terminal(command, tmp_path)
        assert code == 0, f"README.md:{block.line}: `{command}` exited {code}:\n{printed}"
        actual = [re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line) for line in re.split(r"[\r\n]+", printed)]
        at = 0
        for want in shown:
            if want.strip() == "...":  # any lines
                continue
            pattern = re.compile(r"^\s*" + output_line_pattern(want) + r"\s*$")
            while at < len(actual) and not pattern.match(actual[at]):
                at += 1
            assert at < len(actual), (f"README.md:{block.line}: `{command}` printed nothing shaped like\n  {want}\n"
                                      f"got:\n{printed}")
            at += 1


def run_on_a_terminal(command, cwd, timeout=120):
    """Runs a command as typed at a terminal (a pty: the live progress line
    is drawn), in a session of its own; returns its exit status and output."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=shell_env(cwd), stdin=slave, stdout=slave,
                            stderr=slave, start_new_session=True)
    os.close(slave)
    output, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every holder of the terminal has closed it
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(master)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return proc.returncode, output.decode(errors="replace")


READY = r"""
__readme_ready() {  # $1: how many caretakers must have joined; bounded, like a person waiting
  local until=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$until" ]; do
    if out=$(datablox nodes --master "$__readme_master" 2>/dev/null); then
      [ "$(printf '%s\n' "$out" | tail -n +2 | grep -c . || true)" -ge "$1" ] && return 0
    fi
    sleep 0.1
  done
  echo "readme-test: the daemons did not get ready" >&2
  return 1
}
"""


def shell_script(block, master):
    """The block as a bash script: each command announced on stdout (so that
    its output can be told apart), a bounded wait after each daemon."""
    lines = [f"set -e\n__readme_master={master}\n{READY}"]
    caretakers = 0
    for n, line in enumerate(block.text.replace("7070", master.rsplit(":", 1)[1]).splitlines()):
        code = COMMENT.sub("", line).strip()
        if not code:
            continue
        lines.append(f"echo '@@readme-cmd {n}'")
        lines.append(line)
        if code.endswith("&"):
            if re.search(r"\bdatablox\s+caretaker\b", code):
                caretakers += 1
            lines.append(f"__readme_ready {caretakers}")
    return "\n".join(lines) + "\n"


def session_pids(sid):
    """Pids of the processes of one session (the block's shell and all it started)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == sid and fields[0] != "Z":  # fields[3]: the session id
            pids.append(int(entry.name))
    return pids


def end_session(sid):
    """Ends every process of the session the block ran in: SIGTERM (the
    daemons stop their elements), then SIGKILL for what is left."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in session_pids(sid):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while session_pids(sid) and time.monotonic() < deadline:
            time.sleep(0.05)
    return session_pids(sid)


def run_shell_block(block, tmp_path, cli, run_topology):
    checkout_like(tmp_path)
    master = f"tcp://127.0.0.1:{free_port()}"
    script = tmp_path / "readme_block.sh"
    script.write_text(shell_script(block, master))
    out_path, err_path = tmp_path / "block.stdout", tmp_path / "block.stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        shell = subprocess.Popen(["bash", str(script)], cwd=tmp_path, env=shell_env(tmp_path), stdout=out, stderr=err,
                                 stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        code = shell.wait(timeout=180)
    except subprocess.TimeoutExpired:
        code = None
    finally:
        left = end_session(shell.pid)
        if shell.poll() is None:
            shell.wait()
    stdout, stderr = out_path.read_text(errors="replace"), err_path.read_text(errors="replace")
    assert not left, f"processes of the block outlived it: {left}"
    assert code == 0, f"README.md:{block.line}: the block exited {code}:\n{stderr[-3000:]}"
    # Output of each command, by the line of the block it came from.
    outputs, current = {}, None
    for line in stdout.splitlines():
        announced = re.match(r"^@@readme-cmd (\d+)$", line)
        if announced:
            current = int(announced.group(1))
            outputs[current] = []
        elif current is not None:
            outputs[current].append(line)
    for n, line in enumerate(block.text.splitlines()):
        comment = re.search(r"\s#\s+(.*)$", line)
        if comment and HEADERS.match(comment.group(1).strip()):
            printed = outputs.get(n, [])
            assert printed and printed[0].split() == comment.group(1).split(), \
                f"README.md:{block.line + 1 + n}: `{line.split('#')[0].strip()}` printed {printed[:2]}"
