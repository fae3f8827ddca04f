"""SumByKey (topologies/sum_by_key.py) made slow for the shard tests: it
spends DELAY_US per log inside its hook (asleep, so that it is busy without
taking a core of this 2-core machine), which a member's busy share counts,
and it has a push output that carries nothing, whose END tells an Ask
downstream that every log was summed. Copied beside the test's topology
with sum_by_key.py."""

import time

import datablox
from sum_by_key import SumByKey


class SlowSum(SumByKey):
    """SumByKey that spends DELAY_US per log"""

    ports = SumByKey.ports + [datablox.push_out("out", required=False, doc="nothing; ends when the input has")]
    params = SumByKey.params + [datablox.param("delay_us", "int", 0, "the time spent on each log")]

    def configure(self, params):
        super().configure(params)
        self.delay_s = params["delay_us"] / 1e6

    def on_batch(self, port, logs):
        time.sleep(self.delay_s * len(logs))
        super().on_batch(port, logs)
