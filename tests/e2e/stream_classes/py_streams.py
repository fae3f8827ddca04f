"""The Python stream classes of tests/e2e/test_streams.py: PyNumbers serves
streams of consecutive little-endian uint64 numbers ("COUNT PER_PARCEL";
"refuse" raises, which refuses), PyPull opens `streams` of them under one
operation, checks every number, and emits one log per stream when it ended,
as the C++ StreamPull does."""

import struct

import datablox


class Numbers:
    """The parcels of one stream: an iterable that also says its expected count."""

    def __init__(self, count, per_parcel):
        self.expected = count
        self.count, self.per_parcel = count, per_parcel

    def __iter__(self):
        sent = 0
        while sent < self.count:
            n = min(self.per_parcel, self.count - sent)
            yield struct.pack(f"<{n}Q", *range(sent, sent + n)), n
            sent += n


class PyNumbers(datablox.Element):
    """serves streams of consecutive numbers (a Python test class)"""

    serves_streams = True
    ports = [datablox.query_in("numbers")]

    def on_stream(self, port, paradata):
        if paradata == b"refuse":
            raise ValueError("PyNumbers: refused as asked")
        count, per_parcel = (int(word) for word in paradata.split()[:2])
        return Numbers(count, per_parcel)


class PyPull(datablox.Element):
    """pulls streams of numbers and reports each (a Python test class)"""

    ports = [datablox.query_out("numbers"), datablox.push_out("out")]
    params = [datablox.param("streams", "int", 4), datablox.param("items", "int", 1000),
              datablox.param("per_parcel", "int", 100), datablox.param("refuse", "bool", False)]

    def configure(self, params):
        self.streams, self.items = params["streams"], params["items"]
        self.per_parcel, self.refuse = params["per_parcel"], params["refuse"]

    def start(self):
        assert self.stream_peers("numbers")[0].startswith("tcp://127.0.0.1:"), self.stream_peers("numbers")
        operation = self.new_stream_operation()
        paradata = "refuse" if self.refuse else f"{self.items} {self.per_parcel}"
        self.next = [0] * self.streams
        self.in_order = [True] * self.streams
        for i in range(self.streams):
            self.open_stream("numbers", paradata, lambda data, items, i=i: self.consume(i, data, items),
                             lambda result, i=i: self.done(i, result), window=4, operation=operation)

    def consume(self, i, data, items):
        numbers = struct.unpack(f"<{len(data) // 8}Q", data)
        if len(numbers) != items or list(numbers) != list(range(self.next[i], self.next[i] + items)):
            self.in_order[i] = False
        self.next[i] += items

    def done(self, i, result):
        self.emit({"stream": i, "ok": result["ok"], "items": result["items"],
                   "checked": self.next[i] if self.in_order[i] else 0, "error": result["error"] or "",
                   "expected": result["expected"]})
