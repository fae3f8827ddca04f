"""Runs one element class without a host, for unit tests (the C++ harness,
datablox/testing.h)::

    from datablox.testing import Harness

    run = Harness("Aggregate", by=["user"], compute="n = count()")
    run.push("in", [{"user": "a"}, {"user": "a"}])
    run.end()
    assert run.output("out") == [{"user": "a", "n": 2}]

Logs and answers are dicts; a bad class, parameter, port or log raises
ValueError with the harness's message. Timers fire only from advance(ms).
"""
import json

from ._datablox import _ElementHarness


class Harness:
    def __init__(self, class_name, **params):
        self._run = _ElementHarness.make(class_name, params)

    def push(self, port, logs):
        """One batch of logs (dicts) on push input PORT."""
        self._run.push(port, [json.dumps(log) for log in logs])

    def end(self):
        """Every input has ended: the element emits what it holds."""
        self._run.end()

    def produce(self, calls=1000000):
        """A source: produce() until it is done."""
        self._run.produce(calls)

    def query(self, port, request):
        """The answer (a dict) to REQUEST on query input PORT."""
        return json.loads(self._run.query(port, json.dumps(request)))

    def advance(self, ms):
        """The harness's clock moves on by MS: the timers due fire."""
        self._run.advance(ms)

    def output(self, port):
        """What push output PORT got so far, in order."""
        return [json.loads(text) for text in self._run.output(port)]

    def take_output(self, port):
        """As output(), and forgets it."""
        return [json.loads(text) for text in self._run.take_output(port)]

    def read(self, handler):
        """A read handler's value ("" when there is none)."""
        return self._run.read(handler)

    @property
    def rejected(self):
        return self._run.rejected
