"""datablox elements in Python.

A Python element subclasses datablox.Element, declares its ports and
parameters as class attributes, and overrides the hooks it needs::

    import datablox

    class Enrich(datablox.Element):
        \"\"\"adds the field scaled = seq * factor\"\"\"

        ports = [datablox.push_in("in", schema={"seq": "int"}),
                 datablox.push_out("out", schema={"seq": "int", "scaled": "int"})]
        params = [datablox.param("factor", "int", 2, "the multiplier")]

        def configure(self, params):
            self.factor = params["factor"]

        def on_batch(self, port, logs):
            self.emit([{"seq": log["seq"], "scaled": log["seq"] * self.factor} for log in logs])

In a topology it is named by module and class, found next to the topology
file or on DATABLOX_PYTHONPATH::

    enrich :: py:enrich.Enrich(factor: 3)

Received logs are read-only mappings (datablox.Log) valid while the hook
that received them runs; emit() forwards them unchanged without re-encoding,
and log.to_dict() / logs.to_list() keep copies.

The `port` a hook gets (on_batch, on_log, on_query) is a datablox.Port: the
input port's name (a str) that also equals its index among the class's
inputs of that kind, in declaration order, as a C++ hook gets it. For
ports = [push_in("left"), push_in("right"), ...], a log on "left" has
`port == 0` and `port == "left"` both true; port.index and port.name say
which explicitly.

A class that can be a shard's member says so, and what its state is::

    class SumByKey(datablox.Element):
        shardable = "keyed"        # or "stateless": nothing moves
        shard_key = "key"          # the parameter naming the key field

and may define the shard hooks: state_size(self), export_state(self,
moving) -> list[dict] (moving is a datablox.KeyGroups: the state of every
key whose group moves, forgotten here), import_state(self, logs),
can_add(self, load) -> None | float (load is a datablox.ShardLoad; None
says no) and a @staticmethod merge(replies: list[dict]) -> dict for
`merge: custom`. topologies/sum_by_key.py implements them all.

In a topology with `policy * { checkpoint: MS }`, a class may define the
checkpoint hooks: snapshot(self) -> bytes, its state (bytearray and
memoryview do too; None keeps nothing; a str is an error: encode it),
called between hooks when every log before the checkpoint's barrier was
handled and none after it (a source: between produce() calls). A raise or
a wrong type abandons that checkpoint, its `why` naming CLASS.snapshot,
and the element keeps running. on_checkpoint_complete(self, checkpoint:
int) runs once every element took the checkpoint and the master stored it
(what a sink prepared may be made visible then); a raise there fails the
element, as in any hook. restore(self, state: bytes) takes a snapshot back
when the master rolled the topology back to a checkpoint (an element
crashed): after configure() and before start(), so keep state set up in
configure() (b"" means back to its start; a class without restore() may
only be given b""). datablox._datablox.checkpoint_hooks calls them as the
host does, for tests without a host.

A class that serves streamed replies (Nexus) says `serves_streams = True`
and answers on_stream(self, port, paradata: bytes) with an iterable of
(bytes, items) parcels (a generator; None while nothing is ready), or
raises to refuse; port is the query input the requester's link arrives on,
-1 for a stream opened by address. Any element opens streams:
self.open_stream(port, paradata, consume, done, window=8, timeout_ms=10000,
operation=0) -> stream id, with consume(data: bytes, items) per parcel and
done(result: dict) once (result["ok"], ["error"], ["items"], ["bytes"],
["parcels"], ["expected"], ["potential"], ["rejected"]); also
open_stream_to(address, ...), new_stream_operation(), abort_stream(id),
cancel_stream_operation(op), stream_address(), stream_peers(port).
"""

from ._datablox import Batch, Element, KeyGroups, Log, Responder, ShardLoad, key_text

__all__ = ["Element", "Log", "Batch", "Responder", "Port", "push_in", "push_out", "query_in", "query_out", "param",
           "REQUIRED", "KeyGroups", "ShardLoad", "key_text"]

_FIELD_TYPES = {"nil", "bool", "int", "float", "string", "bytes", "array", "map"}
_PARAM_TYPES = {"int", "float", "string", "bool", "list", "expr", "assignments", "secret"}


class Port(str):
    """The input port a hook was called for: its name, which also equals its
    index (the C++ convention), so that `port == 0` and `port == "left"` are
    both true for the first input "left". It hashes as its name (a dict
    keyed by port names finds it) and is emitted as its name; int(port),
    port.index and list indexing (`counts[port]`) use the index."""

    def __new__(cls, name, index):
        self = super().__new__(cls, name)
        self.index = int(index)
        return self

    @property
    def name(self):
        return str.__str__(self)

    def __eq__(self, other):
        if isinstance(other, int):
            return self.index == other
        return str.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    __hash__ = str.__hash__

    def __index__(self):
        return self.index

    def __int__(self):
        return self.index

    def __repr__(self):
        return f"datablox.Port({self.name!r}, {self.index})"

    def __reduce__(self):
        return (Port, (self.name, self.index))


class _Required:
    def __repr__(self):
        return "datablox.REQUIRED"


REQUIRED = _Required()
"""The default of a parameter that must be given."""


def _port(name, kind, direction, schema, required, doc):
    if schema is not None:
        for field, type_name in schema.items():
            if type_name not in _FIELD_TYPES:
                raise ValueError(f"port {name!r}: field {field!r} has unknown type {type_name!r}; "
                                 f"use one of {sorted(_FIELD_TYPES)}")
    return {"name": name, "kind": kind, "direction": direction, "schema": dict(schema or {}),
            "required": bool(required), "doc": doc}


def push_in(name="in", schema=None, required=True, doc=""):
    """A push input. schema: {field: type} every incoming log must carry."""
    return _port(name, "push", "in", schema, required, doc)


def push_out(name="out", schema=None, required=True, doc=""):
    """A push output. schema: {field: type} every emitted log carries."""
    return _port(name, "push", "out", schema, required, doc)


def query_in(name="query", required=False, doc=""):
    """A query input: requests arrive in on_query(port, request, responder)."""
    return _port(name, "query", "in", None, required, doc)


def query_out(name="ask", required=True, doc=""):
    """A query output: self.ask(port, request, callback) sends on it."""
    return _port(name, "query", "out", None, required, doc)


def param(name, type="string", default=REQUIRED, doc=""):
    """A parameter: its type (int, float, string, bool, list, expr,
    assignments, secret), its default (REQUIRED when it must be given) and a line of doc.
    A secret is read as a string but shown as *** by status, describe, events
    and the logs; its value may be env("NAME") in the topology, read from the
    environment where the element runs."""
    if type not in _PARAM_TYPES:
        raise ValueError(f"param {name!r}: unknown type {type!r}; use one of {sorted(_PARAM_TYPES)}")
    required = default is REQUIRED
    return {"name": name, "type": type, "required": required, "default": None if required else default, "doc": doc}
