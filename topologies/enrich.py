"""A Python element for topologies/mixed_python.topo.

Enrich adds two fields to every log, remembers what it sent and answers
queries about it; when its input ends it asks the Counter upstream for its
totals and emits them, as one log, on its "summary" port."""

import datablox


class Enrich(datablox.Element):
    """adds "scaled" and "label" to every log; answers {"seq": N} with the log sent for N"""

    ports = [
        datablox.push_in("in", schema={"seq": "int", "parity": "string"}),
        datablox.push_out("out", schema={"seq": "int", "parity": "string", "scaled": "int", "label": "string"}),
        datablox.push_out("summary", required=False, doc="one log at the end: the counter's totals"),
        datablox.query_in("query", doc='{"seq": N} -> the log sent for N'),
        datablox.query_out("counts", doc="asked {} once, when the input has ended"),
    ]
    params = [datablox.param("factor", "int", 10, "scaled = seq * factor")]

    def configure(self, params):
        self.factor = params["factor"]
        self.sent = {}  # seq -> the log sent for it

    def on_batch(self, port, logs):
        # logs are read-only views, valid during this call: keep dicts, not them.
        enriched = []
        for log in logs:
            seq, parity = log["seq"], log["parity"]
            enriched.append({"seq": seq, "parity": parity, "scaled": seq * self.factor,
                             "label": f"{parity}-{seq:03d}"})
        self.sent.update((e["seq"], e) for e in enriched)
        self.emit(enriched)

    def on_query(self, port, request, responder):
        seq = request.get("seq")
        if seq in self.sent:
            responder.reply(self.sent[seq])
        else:
            responder.error(f"seq {seq} was never seen")

    def on_inputs_ended(self):
        # Every log has been counted upstream by now: ask for the totals.
        self.ask("counts", {}, self.got_counts)

    def got_counts(self, reply, error):
        if error:
            self.fail(f"the counter did not answer: {error}")
            return
        self.emit({"seen": len(self.sent), "counted": reply["count"], "groups": reply["groups"]}, port="summary")
