"""A Python element's handlers obey the C++ rule, with the same message:
registering one its class does not declare (`handlers = {...}`), or
declaring one it has not registered by the end of start(), fails it."""

from .py_support import assert_no_process_left


def run_one(tmp_path, run_topology, class_name):
    text = f"""
src :: Sequence(count: 10)
h   :: py:pyt_handlers.{class_name}
src -> h
"""
    result = run_topology(tmp_path, text, "-o", "json")
    assert result.returncode == 1, result.stderr
    assert_no_process_left(result)
    return result.stderr


def test_an_undeclared_handler_fails_the_element(tmp_path, run_topology):
    stderr = run_one(tmp_path, run_topology, "Undeclared")
    assert ("error: element 'h' (py:pyt_handlers.Undeclared) failed: "
            "py:pyt_handlers.Undeclared registers handler 'secret' but does not declare it") in stderr, stderr


def test_a_declared_handler_never_registered_fails_the_element(tmp_path, run_topology):
    stderr = run_one(tmp_path, run_topology, "Unregistered")
    assert ("error: element 'h' (py:pyt_handlers.Unregistered) failed: "
            "py:pyt_handlers.Unregistered declares handler 'never' but never registers it") in stderr, stderr


def test_an_undeclared_handler_registered_after_start_fails_the_element(tmp_path, run_topology):
    stderr = run_one(tmp_path, run_topology, "Late")
    assert ("error: element 'h' (py:pyt_handlers.Late) failed: "
            "py:pyt_handlers.Late registers handler 'late' but does not declare it") in stderr, stderr
