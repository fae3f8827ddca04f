"""Elements of the lifecycle tests: sources (produce, timers), handlers,
reject, fail, exceptions in hooks, stop."""

import os

import datablox


class Chunks(datablox.Element):
    """a source: COUNT logs, CHUNK per produce() call; True (or DELAY_MS) while more, then False or None"""

    ports = [datablox.push_out("out", schema={"i": "int", "call": "int"})]
    params = [datablox.param("count", "int", datablox.REQUIRED, "how many logs"),
              datablox.param("chunk", "int", 7, "logs per produce() call"),
              datablox.param("delay_ms", "float", 0.0, "with > 0, produce() returns this delay instead of True"),
              datablox.param("end", "string", "false", "what ends it: false or none")]

    def configure(self, params):
        self.count, self.chunk, self.delay = params["count"], params["chunk"], params["delay_ms"]
        self.end = False if params["end"] == "false" else None
        self.i = self.calls = 0

    def produce(self):
        self.calls += 1
        stop = min(self.count, self.i + self.chunk)
        self.emit([{"i": i, "call": self.calls} for i in range(self.i, stop)])
        self.i = stop
        if self.i >= self.count:
            return self.end
        return self.delay if self.delay > 0 else True


class BadProduce(datablox.Element):
    """produce() returns a string"""

    ports = [datablox.push_out("out")]

    def produce(self):
        self.emit({"once": 1})
        return "later"


class Ticker(datablox.Element):
    """a periodic timer emits TICKS logs and is cancelled; a one-shot timer fires once.

    A timer does not keep an element alive: produce() returns a delay until
    the ticks are done and a grace period (in which a timer that was not
    cancelled would fire again) has passed."""

    ports = [datablox.push_out("out", schema={"tick": "int", "timer": "string"})]
    params = [datablox.param("ticks", "int", 4), datablox.param("period_ms", "int", 10)]

    def configure(self, params):
        self.ticks, self.period = params["ticks"], params["period_ms"]
        self.n = 0
        self.grace = 0

    def start(self):
        self.periodic = self.set_timer(self.period, self.period)
        self.once = self.set_timer(1)
        self.never = self.set_timer(60000)
        self.cancel_timer(self.never)

    def on_timer(self, timer_id):
        if timer_id == self.once:
            self.emit({"tick": -1, "timer": "once"})
            return
        if timer_id == self.periodic:
            self.emit({"tick": self.n, "timer": "periodic"})
            self.n += 1
            if self.n == self.ticks:
                self.cancel_timer(timer_id)
            return
        self.emit({"tick": -2, "timer": f"unknown {timer_id}"})

    def produce(self):
        if self.n < self.ticks:
            return self.period
        self.grace += 1
        return 5 * self.period if self.grace < 3 else False


class Handlers(datablox.Element):
    """counts logs, rejects every seq divisible by 3"""

    ports = [datablox.push_in("in")]
    handlers = {"seen": "logs seen", "last": "the last seq", "broken": "raises"}

    def start(self):
        self.seen = 0
        self.last = None
        self.add_read_handler("seen", lambda: self.seen)
        self.add_read_handler("last", lambda: f"seq={self.last}")
        self.add_read_handler("broken", lambda: 1 / 0)
        self.add_write_handler("seen", lambda value: setattr(self, "seen", int(value)))

    def on_log(self, port, log):
        self.seen += 1
        self.last = log["seq"]
        if log["seq"] % 3 == 0:
            self.reject(f"seq {log['seq']} is divisible by 3")


class Fails(datablox.Element):
    """fails itself at seq == AT"""

    ports = [datablox.push_in("in")]
    params = [datablox.param("at", "int", 3)]

    def configure(self, params):
        self.at = params["at"]

    def on_log(self, port, log):
        if log["seq"] == self.at:
            self.fail(f"seq {log['seq']} is unlucky")


class Divides(datablox.Element):
    """divides by (seq - 2): raises ZeroDivisionError at seq 2"""

    ports = [datablox.push_in("in"), datablox.push_out("out", required=False)]

    def on_log(self, port, log):
        self.emit({"q": 100 // (log["seq"] - 2)})


class BadConfig(datablox.Element):
    """raises in configure"""

    ports = [datablox.push_out("out")]
    params = [datablox.param("what", "string", "nothing")]

    def configure(self, params):
        raise RuntimeError(f"cannot use {params['what']}")


class NoSuperInit(datablox.Element):
    """overrides __init__ without calling datablox.Element.__init__"""

    ports = [datablox.push_in("in")]

    def __init__(self):
        self.x = 1


class WithInit(datablox.Element):
    """overrides __init__ properly"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]

    def __init__(self):
        super().__init__()
        self.base = 41

    def on_log(self, port, log):
        self.emit({"seq": log["seq"], "value": self.base + 1, "name": self.name})


class Stops(datablox.Element):
    """prints from its hooks and writes stop.txt (in its working directory) in stop()"""

    ports = [datablox.push_in("in")]

    def start(self):
        self.seen = 0
        print(f"{self.name}: started", flush=True)

    def on_log(self, port, log):
        self.seen += 1

    def on_inputs_ended(self):
        print(f"{self.name}: inputs ended after {self.seen}", flush=True)

    def stop(self):
        with open("stop.txt", "w") as f:
            f.write(f"{self.name} stopped after {self.seen} in {os.getcwd()}\n")


class Spins(datablox.Element):
    """never returns from on_log (a busy loop holding the GIL)"""

    ports = [datablox.push_in("in")]

    def on_log(self, port, log):
        print(f"{self.name}: spinning", flush=True)
        while True:
            pass


class WaitsLong(datablox.Element):
    """produce() emits once and asks not to be called again for DELAY ms; a
    timer fails the element after 300 ms (the expected end); a second call
    to produce() emits again and ends the element"""

    ports = [datablox.push_out("out")]
    params = [datablox.param("delay", "string", "inf", "a float: what produce() returns after its first call")]

    def configure(self, params):
        self.delay = float(params["delay"])
        self.calls = 0

    def start(self):
        self.set_timer(300)

    def produce(self):
        self.calls += 1
        self.emit({"call": self.calls})
        return self.delay if self.calls == 1 else False

    def on_timer(self, timer_id):
        self.fail(f"produce() was not called again within 300 ms (calls: {self.calls})")


class ThreadEmits(datablox.Element):
    """a Python thread of its own calls emit() once, outside any hook"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]

    def start(self):
        import threading
        self.outcome = None

        def work():
            try:
                self.emit({"from": "thread"})
                self.outcome = "emitted"
            except Exception as e:  # noqa: BLE001 - any refusal will do
                self.outcome = f"{type(e).__name__}: {e}"

        self.thread = threading.Thread(target=work)
        self.thread.start()

    def on_inputs_ended(self):
        self.thread.join()
        self.emit({"outcome": self.outcome})


class Params(datablox.Element):
    """emits the parameters configure() received, with their Python types"""

    ports = [datablox.push_out("out")]
    params = [datablox.param("n", "int", datablox.REQUIRED), datablox.param("cond", "expr", "seq > 1"),
              datablox.param("set", "assignments", "a = 1"), datablox.param("items", "list", [1, "a", 2.5, True]),
              datablox.param("flag", "bool", False), datablox.param("ratio", "float", 0.5),
              datablox.param("text", "string", "t")]

    def configure(self, params):
        self.params = params

    def produce(self):
        self.emit({"params": self.params, "types": {k: type(v).__name__ for k, v in self.params.items()}})
        return False


class Exits(datablox.Element):
    """calls sys.exit(CODE) at seq 2"""

    ports = [datablox.push_in("in"), datablox.push_out("out", required=False)]
    params = [datablox.param("code", "int", 0)]

    def configure(self, params):
        self.code = params["code"]

    def on_log(self, port, log):
        import sys
        if log["seq"] == 2:
            sys.exit(self.code)
        self.emit(log)
