"""Elements whose handlers differ from their declaration: the host fails
each, naming every offender (tests/python/test_py_handlers.py)."""

import datablox


class Undeclared(datablox.Element):
    """registers 'secret' in configure, which it does not declare"""

    ports = [datablox.push_in("in")]
    handlers = {"seen": "logs seen"}

    def configure(self, params):
        self.add_read_handler("seen", lambda: 0)
        self.add_read_handler("secret", lambda: 1)


class Unregistered(datablox.Element):
    """declares 'never', which it never registers"""

    ports = [datablox.push_in("in")]
    handlers = {"seen": "logs seen", "never": "not there"}

    def start(self):
        self.add_read_handler("seen", lambda: 0)


class Late(datablox.Element):
    """registers the undeclared 'late' from on_batch, after start()"""

    ports = [datablox.push_in("in")]
    handlers = {"seen": "logs seen"}

    def configure(self, params):
        self.add_write_handler("seen", lambda value: None)

    def on_batch(self, port, logs):
        self.add_read_handler("late", lambda: 2)
