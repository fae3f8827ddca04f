"""Python classes with checkpoint hooks, for tests/e2e/test_checkpoints_python.py
(copied beside the test's topology). Tally's snapshot is its count of logs,
so a consistent cut has it equal to the Sequence's `emitted` exactly."""

import datablox


class Tally(datablox.Element):
    """counts the logs it gets; its snapshot is the count as decimal text"""

    ports = [datablox.push_in("in")]
    handlers = {"count": "logs counted", "completed": "the last checkpoint on_checkpoint_complete got (0: none)"}

    def configure(self, params):
        # Here, not in start(): a rollback's restore() comes between the two.
        self.count = 0
        self.completed = 0
        self.add_read_handler("count", lambda: self.count)
        self.add_read_handler("completed", lambda: self.completed)

    def on_batch(self, port, logs):
        self.count += len(logs)

    def snapshot(self):
        return str(self.count).encode()

    def restore(self, state):
        self.count = int(state or b"0")

    def on_checkpoint_complete(self, checkpoint):
        self.completed = checkpoint


class BrokenTally(Tally):
    """a Tally whose snapshot always raises"""

    def snapshot(self):
        raise ValueError("no state today")


class UntoldTally(Tally):
    """a Tally whose on_checkpoint_complete always raises"""

    def on_checkpoint_complete(self, checkpoint):
        raise RuntimeError(f"cannot publish {checkpoint}")
