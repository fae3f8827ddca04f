"""A keyed shard member whose state holds a byte string and a float per
key, for the test that state keeps its types when it moves between members
(tests/e2e/test_shard_state_types.py). Copied beside the test's topology."""

import datablox


def blob_of(text):
    """The bytes kept for a key: not UTF-8, so no text form could carry them."""
    return text.encode() + b"\xff\x00\xfe"


class KeepBytes(datablox.Element):
    """keeps, per key, a count, a byte string and a float; answers {} with how many entries lost a type"""

    ports = [datablox.push_in("in"), datablox.push_out("out", required=False, doc="nothing; ends when the input has"),
             datablox.query_in("query", doc='{} -> {"count": N, "bad": entries whose blob or half lost its type}')]
    params = [datablox.param("key", "string", datablox.REQUIRED, "the field keyed by")]
    shardable = "keyed"
    shard_key = "key"

    def configure(self, params):
        self.key = params["key"]
        self.kept = {}  # key text -> {"count", "blob", "half"}

    def on_batch(self, port, logs):
        for log in logs:
            text = datablox.key_text(log.get(self.key))
            entry = self.kept.setdefault(text, {"count": 0, "blob": blob_of(text), "half": 0.5})
            entry["count"] += 1

    def bad(self, text, entry):
        return not (isinstance(entry["blob"], bytes) and entry["blob"] == blob_of(text)
                    and isinstance(entry["half"], float) and entry["half"] == 0.5)

    def on_query(self, port, request, responder):
        responder.reply({"count": sum(e["count"] for e in self.kept.values()),
                         "bad": sum(1 for text, e in self.kept.items() if self.bad(text, e))})

    def state_size(self):
        return len(self.kept)

    def can_add(self, load):
        return len(self.kept) * load.moving_share

    def export_state(self, moving):
        leaving = sorted(text for text in self.kept if moving.contains_text(text))
        state = [dict(self.kept[text], key=text) for text in leaving]
        for text in leaving:
            del self.kept[text]
        return state

    def import_state(self, logs):
        for log in logs:
            entry = dict(log)
            text = entry.pop("key")
            self.kept[text] = entry
