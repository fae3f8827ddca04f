"""A Python element that can be a shard's member with keyed state.

SumByKey adds up a numeric field per key. It declares itself shardable with
keyed state (shardable = "keyed"), names the parameter that holds its key
field (shard_key = "key": a hash-routed shard must route by that field), and
implements the shard hooks:

- state_size(): the keys it holds;
- export_state(moving): the state of every key whose group moves, as a list
  of dicts, forgotten here (moving.contains_text(text) tests a key by the
  text datablox.key_text gives it, moving.contains(value) by its value);
- import_state(logs): takes over what another member's export_state gave;
- can_add(load): None (no) or the cost of adding a member: the keys that
  would move (load.moving_share of them);
- merge(replies), a staticmethod: the members' replies to one query as the
  one reply a single SumByKey would give (`merge: custom`).

A shard of them, routed by the key, merged by the class's own merge:

    sums :: shard py:sum_by_key.SumByKey(key: "user") { members: 1..4, route: hash(user), merge: custom }
"""

import datablox


class SumByKey(datablox.Element):
    """sums the field VALUE per value of the field KEY; answers {} and {"key": K}"""

    ports = [datablox.push_in("in"),
             datablox.query_in("query", doc='{} -> {"sums": {KEY: SUM}, "count": N}; '
                                            '{"key": K} -> {"key": K, "sum": S, "count": N}')]
    params = [datablox.param("key", "string", datablox.REQUIRED, "the field summed by"),
              datablox.param("value", "string", "value", "the numeric field summed")]
    shardable = "keyed"
    shard_key = "key"

    def configure(self, params):
        self.key, self.value = params["key"], params["value"]
        # By the key's text (datablox.key_text): what hash routing hashes, and
        # a str whatever the key's type. Each holds [sum, logs].
        self.sums = {}

    def on_batch(self, port, logs):
        for log in logs:
            value = log.get(self.value, 0)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.reject(f"{self.value} is not a number")
                continue
            entry = self.sums.setdefault(datablox.key_text(log.get(self.key)), [0, 0])
            entry[0] += value
            entry[1] += 1

    def on_query(self, port, request, responder):
        if "key" in request:
            text = datablox.key_text(request["key"])
            total, logs = self.sums.get(text, (0, 0))
            responder.reply({"key": text, "sum": total, "count": logs})
        else:
            responder.reply({"sums": {text: entry[0] for text, entry in sorted(self.sums.items())},
                             "count": sum(entry[1] for entry in self.sums.values())})

    # ---- the shard hooks

    def state_size(self):
        return len(self.sums)

    def export_state(self, moving):
        leaving = sorted(text for text in self.sums if moving.contains_text(text))
        state = [{"key": text, "sum": self.sums[text][0], "count": self.sums[text][1]} for text in leaving]
        for text in leaving:  # forgotten only once the list is whole
            del self.sums[text]
        return state

    def import_state(self, logs):
        # Checked whole before any is added: all the state arrives, or none.
        for i, log in enumerate(logs):
            if not isinstance(log.get("key"), str) or not isinstance(log.get("count"), int):
                raise ValueError(f"state log {i} is not {{'key': str, 'sum': number, 'count': int}}")
        for log in logs:
            # A key held here already adds up: each side summed other logs.
            entry = self.sums.setdefault(log["key"], [0, 0])
            entry[0] += log.get("sum", 0)
            entry[1] += log["count"]

    def can_add(self, load):
        # Hash routing gives a member work only through the keys it owns: a
        # member with fewer keys than the shard would have members cannot
        # give the new one any.
        if len(self.sums) < load.members + 1:
            return None
        return len(self.sums) * load.moving_share

    @staticmethod
    def merge(replies):
        count = sum(reply.get("count", 0) for reply in replies)
        if all("key" in reply for reply in replies):
            return {"key": replies[0]["key"], "sum": sum(reply["sum"] for reply in replies), "count": count}
        sums = {}
        for reply in replies:
            for text, total in reply.get("sums", {}).items():
                sums[text] = sums.get(text, 0) + total
        return {"sums": dict(sorted(sums.items())), "count": count}
