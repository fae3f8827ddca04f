"""A requester for the shard tests: for every log it receives it asks a
SqliteStore shard, by key (the request names the route's field, so it goes
to the key's owner alone), how many rows that key has, and emits the answer
with the time it came. Copied beside the test's topology."""

import time

import datablox


class AskEach(datablox.Element):
    """asks, for each log, how many rows key u(SEQ % KEYS) has"""

    ports = [datablox.push_in("in"), datablox.push_out("out"), datablox.query_out("ask")]
    params = [datablox.param("keys", "int", datablox.REQUIRED, "how many keys there are")]

    def configure(self, params):
        self.keys = params["keys"]

    def on_batch(self, port, logs):
        for log in logs:
            seq = log["seq"]
            key = f"u{seq % self.keys}"
            request = {"sql": "SELECT count(*) AS n FROM t WHERE user = ?", "params": [key], "user": key}
            self.ask("ask", request, lambda reply, error, key=key, seq=seq: self.answered(seq, key, reply, error))

    def answered(self, seq, key, reply, error):
        n = -1 if error else reply["rows"][0]["n"]
        self.emit({"seq": seq, "key": key, "n": n, "error": str(error or ""), "unix_ms": int(time.time() * 1000)})
