"""Elements of the data-flow tests: per-log and per-batch hooks, forwarding,
values both ways, and logs kept past their hook."""

import datablox


class Tag(datablox.Element):
    """per log: adds square, parity and a label"""

    ports = [datablox.push_in("in", schema={"seq": "int"}),
             datablox.push_out("out", schema={"seq": "int", "square": "int", "parity": "string", "label": "string"})]
    params = [datablox.param("prefix", "string", "n", "the label's prefix")]

    def configure(self, params):
        self.prefix = params["prefix"]

    def on_log(self, port, log):
        seq = log["seq"]
        self.emit({"seq": seq, "square": seq * seq, "parity": "even" if seq % 2 == 0 else "odd",
                   "label": f"{self.prefix}{seq:04d}"})


class Summarize(datablox.Element):
    """per batch: new dicts from the received logs"""

    ports = [datablox.push_in("in", schema={"seq": "int", "square": "int"}),
             datablox.push_out("out")]
    params = [datablox.param("offset", "int", 0)]

    def configure(self, params):
        self.offset = params["offset"]
        self.batches = 0

    def on_batch(self, port, logs):
        self.batches += 1
        self.emit([{"seq": log["seq"], "total": log["square"] + self.offset, "label": log["label"].upper(),
                    "fields": len(log)} for log in logs])


class Forward(datablox.Element):
    """forwards what it receives, unchanged: a Log (on_log) or the Batch (on_batch)"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]
    params = [datablox.param("mode", "string", "log", "log, batch or list")]

    def configure(self, params):
        self.mode = params["mode"]

    def on_batch(self, port, logs):
        if self.mode == "batch":
            self.emit(logs)
        elif self.mode == "list":
            self.emit(list(logs))
        else:
            for log in logs:
                self.emit(log)


class TwoInputs(datablox.Element):
    """names the push input each log came in on"""

    ports = [datablox.push_in("left"), datablox.push_in("right"), datablox.push_out("out")]

    def on_log(self, port, log):
        self.emit({"port": port, "seq": log["seq"]})


class Values(datablox.Element):
    """emits one log of every value type, and what a received Log says of itself"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]

    def on_log(self, port, log):
        try:
            missing = log["nope"]
        except KeyError as e:
            missing = f"KeyError {e}"
        self.emit({
            "none": None, "yes": True, "no": False, "neg": -7, "max": 2 ** 63 - 1, "min": -2 ** 63,
            "half": 1.5, "three": 3.0, "raw": b"\x00\xffab", "text": "ü€ \"quoted\"", "list": [1, "a", [2.5, None]],
            "tuple": (1, 2),
            "map": {"k": {"n": 1}, "e": {}},
            "received": log, "keys": list(log.keys()), "len": len(log), "has_seq": "seq" in log,
            "has_nope": "nope" in log, "get_default": log.get("nope", 5), "get_none": log.get("nope"),
            "missing": missing, "copy": log.to_dict(), "items": sorted(k for k, _ in log.items()),
            "iter": list(log), "repr": repr(log), "as_dict": dict(log),
        })


class EmitErrors(datablox.Element):
    """tries emits that cannot work and emits what each raised"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]

    def on_log(self, port, log):
        attempts = {
            "not_a_dict": lambda: self.emit(42),
            "int_key": lambda: self.emit({1: "a"}),
            "set_value": lambda: self.emit({"s": {1, 2}}),
            "too_big": lambda: self.emit({"n": 2 ** 63}),
            "nested_key": lambda: self.emit({"m": {2: "b"}}),
            "surrogate": lambda: self.emit({"s": "\udcff"}),
            "no_port": lambda: self.emit({"a": 1}, port="nowhere"),
        }
        errors = {}
        for what, attempt in attempts.items():
            try:
                attempt()
                errors[what] = None
            except (ValueError, TypeError) as e:
                errors[what] = f"{type(e).__name__}: {e}"
        self.emit({"seq": log["seq"], "errors": errors})


class KeepLogs(datablox.Element):
    """keeps the first Log and Batch received; uses them after their hook"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]
    params = [datablox.param("catch", "bool", True, "catch the ValueError and emit it; else let it fail the element")]

    def configure(self, params):
        self.catch = params["catch"]
        self.log = self.batch = self.copy = None

    def on_batch(self, port, logs):
        if self.log is None:
            self.log, self.batch, self.copy = logs[0], logs, logs[0].to_dict()

    def on_inputs_ended(self):
        if not self.catch:
            self.log["seq"]  # raises: the element fails
            return
        outcome = {}
        for what, use in {"read": lambda: self.log["seq"], "len": lambda: len(self.batch),
                          "emit_log": lambda: self.emit(self.log), "emit_batch": lambda: self.emit(self.batch),
                          "repr": lambda: repr(self.log), "copy": lambda: self.copy}.items():
            try:
                outcome[what] = use()
            except ValueError as e:
                outcome[what] = f"ValueError: {e}"
        self.emit(outcome)


class Types(datablox.Element):
    """what Python type each received field has (and bytes in hex)"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]

    def on_log(self, port, log):
        copy = log.to_dict()
        self.emit({"types": {k: type(log[k]).__name__ for k in log.keys()},
                   "copy_types": {k: type(v).__name__ for k, v in copy.items()},
                   "bytes_hex": log["raw"].hex(), "three": log["three"], "tuple": log["tuple"]})
