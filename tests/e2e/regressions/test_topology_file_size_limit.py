"""Issue 8, item 8: `datablox check /dev/zero` read until memory ran out.
Topology files are read up to 16 MiB (dsl/limits.h), in chunks, and one byte
past it is an error that names the limit: exit 65."""

import os
import subprocess
import time

LIMIT = 16 << 20
MESSAGE = "error: file is larger than 16 MiB (the limit for a topology file)"


def test_check_of_dev_zero_is_refused_with_the_limit(cli):
    result = cli("check", "/dev/zero", timeout=30)
    assert result.returncode == 65, (result.returncode, result.stderr[-2000:])
    assert f"/dev/zero:1:{LIMIT + 1}: {MESSAGE}" in result.stderr, result.stderr[-2000:]


def test_a_file_one_byte_over_the_limit_is_refused_where_it_passes_it(tmp_path, cli):
    head = b"src :: Sequence(count: 1)\nout :: Null\nsrc -> out\n"
    path = tmp_path / "big.topo"
    path.write_bytes(head + b"#" * (LIMIT + 1 - len(head)))
    try:
        result = cli("check", path)
        assert result.returncode == 65, (result.returncode, result.stderr[-2000:])
        # Line 4 (after head's three lines), column of byte LIMIT (0-based).
        assert f"{path}:4:{LIMIT - len(head) + 1}: {MESSAGE}" in result.stderr, result.stderr[-2000:]
    finally:
        path.unlink()


def test_an_endless_fifo_is_refused(tmp_path, datablox):
    fifo = tmp_path / "endless.topo"
    os.mkfifo(fifo)
    check = subprocess.Popen([str(datablox), "check", str(fifo)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
    written = 0
    try:
        # Non-blocking until the reader has opened it (ENXIO before), so that
        # a reader that never comes cannot hang the test.
        deadline = time.monotonic() + 30
        while True:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError:
                assert time.monotonic() < deadline and check.poll() is None, "check never opened the FIFO"
                time.sleep(0.01)
        os.set_blocking(fd, True)
        chunk = b"# " + b"x" * 65534
        try:
            while written < 4 * LIMIT:  # far more than the limit: the reader must stop first
                written += os.write(fd, chunk)
        except BrokenPipeError:
            pass
        finally:
            os.close(fd)
        _, err = check.communicate(timeout=30)
    finally:
        if check.poll() is None:
            check.kill()
            check.wait()
        fifo.unlink()
    assert written < 2 * LIMIT, "the reader did not stop at the limit"
    assert check.returncode == 65, (check.returncode, err[-2000:])
    assert MESSAGE.encode() in err
