#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/,
from the repository's own inputs (topologies/, tests/, examples/, bench/,
the unit tests' queries and expressions) and a few hand-made frames.

Run it again after adding inputs; it writes seed-* files only and never
touches regression-* files (the inputs of fixed crashes). Every seed is
small (MAX_BYTES): a fuzz run starts from what the code reads, not big files.
"""
import hashlib
import json
import pathlib
import re
import struct

import msgpack

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
MAX_BYTES = 4096
SOURCES = ["topologies", "tests", "examples", "bench", "docs"]


def files(pattern):
    for top in SOURCES:
        yield from sorted((ROOT / top).rglob(pattern))


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    if not data or len(data) > MAX_BYTES:
        return
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)


def quoted(pattern, paths):
    r"""Every double-quoted string literal matching pattern in the files."""
    for path in paths:
        for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', path.read_text(errors="replace")):
            text = re.sub(r"\\(.)", lambda e: {"n": "\n", "t": "\t"}.get(e.group(1), e.group(1)), m.group(1))
            if re.search(pattern, text):
                yield text


def topology():
    for path in files("*.topo"):
        write("topology", path.read_bytes())
    # Defaults for every element and the topology's checkpoint interval, beside an element's own policy.
    write("topology", POLICY_STAR)


POLICY_STAR = (
    'src :: Sequence(count: 3)\n'
    'out :: Sink(path: "out.jsonl")\n'
    'src -> out\n'
    'policy * { checkpoint: 500, queue: 8 }\n'
    'policy out { queue: 2 }\n'
)


def expr():
    for path in files("*.topo"):
        for m in re.finditer(r'(?:expr|set): "((?:[^"\\]|\\.)*)"', path.read_text()):
            write("expr", m.group(1).replace('\\"', '"'))
    for text in quoted(r"[=<>+*%(]", sorted((ROOT / "expr").glob("*_test.cc"))):
        write("expr", text)


def json_lines():
    for path in files("*.jsonl"):
        write("json_lines", path.read_bytes()[:MAX_BYTES])
    write("json_lines", '{"seq": 1, "name": "a"}\n\n{"seq": 2.5, "list": [1, [2]], "m": {"k": null}}\r\nnot json\n[1]\n')
    write("json_lines", '{"big": 18446744073709551615}\n{"s": "caf\\u00e9 \\"q\\""}\n')


def brio():
    for path in files("*.brio"):
        write("brio_schema", path.read_bytes())
    for path in sorted((ROOT / "cell").rglob("*_test.cc")) + sorted((ROOT / "cell").rglob("*_util.cc")):
        for m in re.finditer(r'R"\(((?:(?!\)").)*?\bschema \w+ \{(?:(?!\)").)*)\)"', path.read_text(), re.S):
            write("brio_schema", m.group(1))
    write("brio_press", '{"b":true,"y":-128,"s":-32768,"i":2147483647,"l":-9223372036854775807,"d":0.1,'
          '"str":"h\\u00e9llo","bools":[true,false],"bytes":[1,-2],"shorts":[300],"ints":[-70000],'
          '"longs":[1,2,3],"doubles":[1.5,-0.25],"strs":["a","b","a"],"scores":{"x":1.5,"y":2},'
          '"names":{"7":"seven","-1":"minus"},"leaf":{"x":5,"tag":"t"},"leaves":[{"x":1,"tag":"p"},{"x":2}],'
          '"trees":[{"name":"r","kids":[{"name":"c","kids":[]}]}]}\n')
    write("brio_press", '{"i": "wrong type", "unknown": 1}\n\n{"trees": [{"kids": [{"kids": [{"kids": []}]}]}]}\nnope\n')


def eql():
    for text in quoted(r"^select ", sorted((ROOT / "cell").rglob("*_test.cc"))):
        write("eql", text)
    for path in files("*.topo"):
        for m in re.finditer(r'"(select [^"]*)"', path.read_text()):
            write("eql", m.group(1))
    # Partials (cell/query/partial_codec.h): count by a string key; sum; count(distinct).
    write("eql", msgpack.packb(["eql-partial", 1, 1, [[0, True]], 10, 2, [[["FR"], [5]], [[None], [1]]]]))
    write("eql", msgpack.packb(["eql-partial", 1, 0, [[2, False]], 3, 1, [[[], [[2, 3, 1.5, 1, 2, 0.5, 1.0]]]]]))
    write("eql", msgpack.packb(["eql-partial", 1, 2, [[1, True]], 1, 1, [[[7, 2.5], [[[1, 2], ["a"]]]]]]))


def wire():
    log = msgpack.packb({"seq": 1, "name": "a", "x": 2.5, "l": [1, {"k": None}]})
    logs = [log, msgpack.packb({}), msgpack.packb({"b": b"\xff"})]
    batch = bytes([2, 1]) + struct.pack("<Q", 7) + b"\xdd" + struct.pack(">I", len(logs))
    for item in logs:
        batch += b"\xc4" + bytes([len(item)]) + item
    write("wire", batch)
    write("wire", bytes([2, 2]) + struct.pack("<QQ", 1, 2) + bytes([1]) + struct.pack("<QQ", 3, 4))
    write("wire", bytes([2, 8]) + struct.pack("<QQ", 1, 2) + bytes([0]))
    write("wire", bytes([2, 3]) + struct.pack("<QQ", 5, 6))
    write("wire", bytes([2, 4]))
    write("wire", bytes([2, 9]))
    for kind in (5, 6):
        write("wire", bytes([2, kind]) + struct.pack("<Q", 9) + log)
    write("wire", bytes([2, 7]) + struct.pack("<Q", 9) + b"no such element")
    write("wire", log)


def control():
    plan = {"topology": "t", "name": "e", "class": "Filter", "params": {"expr": "seq > 1"},
            "inputs": [{"port": "in", "links": ["a.out>e.in"]}], "outputs": [{"port": "out", "links": []}],
            "restart": "on_failure"}
    messages = [
        {"op": "submit", "file": "/t.topo", "text": "a :: Sequence(count: 3)\n", "name": "t"},
        {"op": "status", "topology": "t"}, {"op": "list"}, {"op": "nodes"},
        {"op": "events", "topology": "", "limit": 10}, {"op": "stop", "topology": "t"},
        {"op": "kill", "topology": "t", "wait_s": 1.5}, {"op": "shutdown"},
        {"op": "handler", "element": "t/e", "name": "count", "value": "1", "request": 3},
        {"op": "logs", "element": "t/e", "lines": 20},
        {"op": "join", "node": "n1", "figures": {"cores": 2, "address": "127.0.0.1", "cpu_percent": 3.5}, "pid": 9},
        {"op": "heartbeat", "node": "n1", "elements": [{"element": "t/e", "state": "running", "pid": 10}]},
        {"op": "spawn", "plan": plan}, {"op": "connect", "element": "t/e", "plan": plan},
        {"op": "hello", "element": "t/e"}, {"op": "configure", "plan": plan, "ended_links": ["a.out>e.in"]},
        {"op": "bound", "element": "t/e", "endpoints": {"out": "tcp://127.0.0.1:5000"}},
        {"op": "stats", "element": "t/e", "handlers": {"count": "3"}},
        {"op": "failed", "element": "t/e", "error": "boom"}, {"op": "bye"},
        {"op": "scale", "topology": "t", "element": "users", "members": 3},
        {"ok": False, "error": "no such topology"}, {"ok": True, "topologies": []},
    ]
    for m in messages:
        write("control", json.dumps(m))
    write("control", "src.out>keep.in")


def nexus_frame():
    # [kind, stream_id, ...] (runtime/nexus/frame.h); the first byte: 1 when a payload followed.
    for kind in range(1, 10):
        write("nexus_frame", bytes([1 if kind == 4 else 0]) + msgpack.packb([kind, 7, "port", 16, b"para"]))
    write("nexus_frame", b"\x00" + msgpack.packb([1, 1, "query", 8, b"", 0]))
    write("nexus_frame", b"\x00" + msgpack.packb([9, 1, 100, 2, "done"]))


if __name__ == "__main__":
    for make in (topology, expr, json_lines, brio, eql, wire, control, nexus_frame):
        make()
    for folder in sorted(CORPUS.iterdir()):
        print(f"{folder.name}: {len(list(folder.iterdir()))} files")
