"""The checkpoint hooks of Python classes, called through the C++ element as
the element host calls them (datablox._datablox.checkpoint_hooks): what
snapshot() may return and how its errors read, and on_checkpoint_complete.
No host, no process; tests/e2e/test_checkpoints_python.py runs them in one."""

import pytest

import datablox
from datablox._datablox import checkpoint_hooks as hooks


class Returns(datablox.Element):
    """snapshot() returns whatever the test put in `state`"""

    def __init__(self, state):
        super().__init__()
        self.state = state
        self.completed = []

    def snapshot(self):
        return self.state

    def on_checkpoint_complete(self, checkpoint):
        self.completed.append(checkpoint)


class Raises(datablox.Element):
    def snapshot(self):
        raise ValueError("boom")

    def on_checkpoint_complete(self, checkpoint):
        raise KeyError(checkpoint)


@pytest.mark.parametrize("state", [b"\x00\xffstate", bytearray(b"\x00\xffstate"), memoryview(b"\x00\xffstate")])
def test_a_snapshot_is_the_bytes_the_class_returns(state):
    assert hooks.snapshot(Returns(state)) == b"\x00\xffstate"


def test_a_strided_memoryview_is_copied_as_its_bytes():
    assert hooks.snapshot(Returns(memoryview(b"a-b-c")[::2])) == b"abc"


def test_none_and_a_class_without_snapshot_keep_no_state():
    assert hooks.snapshot(Returns(None)) == b""
    assert hooks.snapshot(datablox.Element()) == b""


@pytest.mark.parametrize("state, kind", [("text", "str"), (5, "int"), ([1], "list")])
def test_a_snapshot_that_is_not_bytes_is_an_error_naming_the_class_and_the_type(state, kind):
    with pytest.raises(RuntimeError) as e:
        hooks.snapshot(Returns(state))
    assert str(e.value) == f"Returns.snapshot must return bytes, not {kind}"


def test_an_exception_in_snapshot_is_an_error_naming_the_class_and_method(capfd):
    with pytest.raises(RuntimeError) as e:
        hooks.snapshot(Raises())
    assert str(e.value) == "Raises.snapshot raised ValueError: boom"
    assert "ValueError: boom" in capfd.readouterr().err  # the traceback, for the operator


def test_on_checkpoint_complete_gets_the_checkpoint_id():
    element = Returns(b"")
    hooks.on_checkpoint_complete(element, 7)
    hooks.on_checkpoint_complete(element, 2**40)
    assert element.completed == [7, 2**40]
    hooks.on_checkpoint_complete(datablox.Element(), 3)  # no method: nothing to do


def test_an_exception_in_on_checkpoint_complete_outside_a_host_is_the_callers():
    # In a host it fails the element (as every void hook does); here there
    # is no host to fail, so the exception reaches the caller unchanged.
    with pytest.raises(KeyError):
        hooks.on_checkpoint_complete(Raises(), 4)


class Restores(datablox.Element):
    def __init__(self):
        super().__init__()
        self.restored = []

    def restore(self, state):
        if state == b"bad":
            raise ValueError("not mine")
        self.restored.append(state)


def test_restore_gets_the_snapshot_bytes_and_its_errors_name_the_class():
    element = Restores()
    hooks.restore(element, b"\x00\x01")
    hooks.restore(element, b"")
    assert element.restored == [b"\x00\x01", b""]
    with pytest.raises(RuntimeError, match=r"Restores\.restore raised ValueError: not mine"):
        hooks.restore(element, b"bad")


def test_a_class_without_restore_takes_back_an_empty_snapshot_only():
    element = Returns(b"")
    hooks.restore(element, b"")
    with pytest.raises(RuntimeError, match="keeps no state"):
        hooks.restore(element, b"x")
