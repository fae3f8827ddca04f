"""Elements of the query tests: Python answering (now, later, with an error,
never) and Python asking."""

import json

import datablox


class Squares(datablox.Element):
    """forwards its input, remembering seq -> seq * seq; answers {"seq": N}"""

    ports = [datablox.push_in("in", schema={"seq": "int"}), datablox.push_out("out", required=False),
             datablox.query_in("query", doc="{'seq': N} -> {'seq': N, 'square': N * N}")]

    def start(self):
        self.squares = {}

    def on_batch(self, port, logs):
        for log in logs:
            self.squares[log["seq"]] = log["seq"] ** 2
        self.emit(logs)

    def on_query(self, port, request, responder):
        if "seq" not in request:
            responder.error(f"no seq in {sorted(request.keys())}")
            return
        seq = request["seq"]
        if seq not in self.squares:
            responder.error(f"seq {seq} not seen")
            return
        responder.reply({"seq": seq, "square": self.squares[seq], "port": port, "seen": len(self.squares)})


class Later(datablox.Element):
    """answers each query from a timer, 30 ms later, and then a second time (ignored)"""

    ports = [datablox.push_in("in"), datablox.push_out("out", required=False), datablox.query_in("query")]

    def start(self):
        self.waiting = []

    def on_log(self, port, log):
        self.emit(log)

    def on_query(self, port, request, responder):
        self.waiting.append((responder, request.to_dict()))
        self.set_timer(30)

    def on_timer(self, timer_id):
        responder, request = self.waiting.pop(0)
        responder.reply({"late": True, "request": request})
        responder.reply({"twice": True})
        responder.error("and an error after the reply")


class Silent(datablox.Element):
    """keeps every responder and never answers"""

    ports = [datablox.push_in("in", required=False), datablox.query_in("query")]

    def start(self):
        self.kept = []

    def on_query(self, port, request, responder):
        self.kept.append(responder)


class RaisingResponder(datablox.Element):
    """raises in on_query"""

    ports = [datablox.push_in("in", required=False), datablox.query_in("query")]

    def on_query(self, port, request, responder):
        raise KeyError("no answer here")


class AskAtEnd(datablox.Element):
    """when its input ends, asks REQUEST on "ask" and emits {"reply": ..., "error": ...}"""

    ports = [datablox.push_in("in"), datablox.push_out("out"), datablox.query_out("ask")]
    params = [datablox.param("request", "string", "{}", "a JSON object"),
              datablox.param("timeout_ms", "int", 5000),
              datablox.param("port", "string", "ask", "the port asked on: a name, or an index")]

    def configure(self, params):
        self.request = json.loads(params["request"])
        self.timeout_ms = params["timeout_ms"]
        self.port = int(params["port"]) if params["port"].lstrip("-").isdigit() else params["port"]
        self.seen = 0

    def on_batch(self, port, logs):
        self.seen += len(logs)

    def on_inputs_ended(self):
        self.ask(self.port, self.request, self.done, timeout_ms=self.timeout_ms)

    def done(self, reply, error):
        self.emit({"seen": self.seen, "reply": reply, "error": error})


class RaisingCallback(datablox.Element):
    """asks when its input ends; its callback raises"""

    ports = [datablox.push_in("in"), datablox.query_out("ask")]

    def on_inputs_ended(self):
        self.ask("ask", {}, self.done)

    def done(self, reply, error):
        raise RuntimeError(f"callback got {reply}")
