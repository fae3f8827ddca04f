#!/usr/bin/env python3
"""No include of a private header from another folder (run by ctest as
check_includes; `python3 tests/check_includes.py [ROOT]` by hand).

A source file may include, of this repository's headers:
  - the public API, include/datablox/...;
  - a header of its own folder (the folder of the nearest CMakeLists.txt
    above it: runtime/host, shards, bench, ...);
  - a header of a folder whose CMake target its folder's targets name as
    dependencies (DEPS of datablox_library / datablox_test / datablox_fuzzer, or
    target_link_libraries), directly: runtime/master may include
    runtime/core and dsl, not expr, which only dsl depends on.
A public header (include/datablox/...) may include public headers only.
Anything else is listed as FILE:LINE: INCLUDE (FOLDER may include: ...),
and the exit status is 1. Headers outside the repository (<zmq.hpp>, ...)
are not looked at."""

import os
import re
import sys
from pathlib import Path

SOURCE_SUFFIXES = {".h", ".hpp", ".cc", ".cpp"}
SKIPPED_TOP = {"build", "build-asan", "build-fuzz", ".git"}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')
# The call, its first word (the target) and the rest up to its closing
# parenthesis (CMake calls here never nest parentheses except generator
# expressions, which are dropped first).
CALL = re.compile(r"\b(datablox_library|datablox_test|add_library|add_executable|target_link_libraries|"
                  r"pybind11_add_module|datablox_add_element|datablox_fuzzer)\s*\(\s*([A-Za-z0-9_]+)([^)]*)\)", re.S)


def owner(root, path):
    """The folder (relative to root, "" for the root) of the nearest
    CMakeLists.txt at or above path's folder."""
    folder = path.parent
    while True:
        if (folder / "CMakeLists.txt").is_file():
            return folder.relative_to(root).as_posix() if folder != root else ""
        if folder == root:
            return ""
        folder = folder.parent


def targets(root):
    """{target: folder} and {folder: set of targets it depends on}."""
    folder_of, deps = {}, {}
    for cmake in root.rglob("CMakeLists.txt"):
        if cmake.relative_to(root).parts[0] in SKIPPED_TOP:
            continue
        folder = owner(root, cmake)
        text = re.sub(r"#.*", "", cmake.read_text())
        text = re.sub(r"\$<[^>]*>", "", text)
        for kind, name, rest in CALL.findall(text):
            words = rest.split()
            if kind != "target_link_libraries" and not name.startswith("${"):
                folder_of.setdefault(name, folder)
            if kind in ("datablox_library", "datablox_test", "datablox_fuzzer"):
                words = words[words.index("DEPS") + 1:] if "DEPS" in words else []
            deps.setdefault(folder, set()).update(w for w in words if w not in ("PUBLIC", "PRIVATE", "INTERFACE"))
    return folder_of, deps


def resolve(root, source, included):
    """The repository file an include names, or None (a system header)."""
    for base in (source.parent, root, root / "include"):
        candidate = base / included
        if candidate.is_file():
            return candidate.resolve()
    return None


def violations(root):
    root = root.resolve()
    folder_of, deps = targets(root)
    public = (root / "include").resolve()
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.suffix not in SOURCE_SUFFIXES or rel.parts[0] in SKIPPED_TOP or not path.is_file():
            continue
        mine = owner(root, path)
        allowed = {folder_of[t] for t in deps.get(mine, ()) if t in folder_of} - {mine}
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            header = resolve(root, path, match.group(1))
            if header is None or header.is_relative_to(public):
                continue
            theirs = owner(root, header)
            if theirs == mine or theirs in allowed:
                continue
            found.append(f"{rel}:{number}: {match.group(1)} ({mine or '.'} may include: "
                         f"{', '.join(sorted(allowed)) or 'its own and include/datablox only'})")
    return found


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    found = violations(root)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} includes of another folder's private header", file=sys.stderr)
        return 1
    print("check_includes: every include is public, of its own folder, or of a declared dependency")
    return 0


if __name__ == "__main__":
    sys.exit(main())
