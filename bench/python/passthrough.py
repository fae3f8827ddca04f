"""bench/run python: Python elements that pass every log on.

PassThrough forwards each received batch as it is (the logs' bytes are not
re-encoded); Rebuild reads two fields of every log and emits a new dict for
it, which is what touching fields costs."""

import datablox


class PassThrough(datablox.Element):
    """forwards every batch unchanged"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]

    def on_batch(self, port, logs):
        self.emit(logs)


class Rebuild(datablox.Element):
    """emits a new dict per log, built from its fields"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]

    def on_batch(self, port, logs):
        self.emit([{"seq": log["seq"], "pad": log["pad"]} for log in logs])
