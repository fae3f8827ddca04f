"""A requester for the cell scan tests (test_cell_scan.py): what it is asked
on `scan` it asks its `ask` port (a CellWorker shard's scan port, so the
host gathers and merges the members' replies), and answers the merged
reply with the partial's bytes as hex ("partial_hex"): `datablox call`
prints a reply as JSON, where bytes would not survive. Copied beside the
test's topology."""

import datablox


class ScanRelay(datablox.Element):
    """relays a scan to a CellWorker shard; answers its merged reply, the partial as hex"""

    ports = [datablox.query_in("scan", doc="a scan request (cell/worker/scan_protocol.h)"),
             datablox.query_out("ask", doc="the CellWorker shard's scan port")]
    params = [datablox.param("timeout_ms", "int", 60000, "how long the shard may take")]

    def configure(self, params):
        self.timeout_ms = params["timeout_ms"]

    def produce(self):
        return 60000  # a service: it runs until stopped

    def on_query(self, port, request, responder):
        self.ask("ask", request.to_dict(), lambda reply, error: self.answered(responder, reply, error),
                 timeout_ms=self.timeout_ms)

    @staticmethod
    def answered(responder, reply, error):
        if error is not None:
            responder.error(error)
            return
        reply = dict(reply)
        reply["partial_hex"] = reply.pop("partial").hex()
        responder.reply(reply)
