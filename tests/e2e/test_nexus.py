"""Nexus streaming end to end: nexus_peer servers and clients as real
processes on 127.0.0.1 (free ports), ended by the pids the tests hold.

Each test asserts exact counts or exact outcomes, never durations: where a
test needs a stream to last (a slow client, a server killed mid-stream), the
client is slowed down, and what is asserted is the outcome (a bound on
parcels in flight, an error instead of a hang)."""

import json
import os
import signal
import subprocess
import threading

import msgpack
import pytest
import zmq

from conftest import REPO, free_port, wait_until

PEER = REPO / "build/bin/nexus_peer"
MB = 1 << 20


class Server:
    """A `nexus_peer serve` in a session of its own, its metrics file read on demand."""

    def __init__(self, tmp_path, name="server", heartbeat_ms=200):
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.metrics_path = tmp_path / f"{name}.json"
        self.log = open(tmp_path / f"{name}.log", "w")
        self.process = subprocess.Popen(
            [str(PEER), "serve", "--bind", self.address, "--metrics-file", str(self.metrics_path),
             "--heartbeat-ms", str(heartbeat_ms)],
            stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL, start_new_session=True)
        wait_until(lambda: self.metrics_path.exists(), f"{name} serving")

    def metrics(self):
        try:
            return json.loads(self.metrics_path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def wait_metric(self, key, value):
        return wait_until(lambda: (m := self.metrics()) and m[key] == value and m, f"{key} == {value}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def servers(tmp_path):
    started = []

    def start(name="server", **kwargs):
        server = Server(tmp_path, name, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def fetch(addresses, paradata, *args, streams=1, timeout=120):
    """Runs `nexus_peer fetch`; returns (exit status, [stream reports], summary)."""
    command = [str(PEER), "fetch", "--streams", str(streams), "--paradata", paradata]
    for address in addresses:
        command += ["--connect", address]
    result = subprocess.run(command + [str(a) for a in args], capture_output=True, text=True, timeout=timeout)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines, result.stderr
    return result.returncode, lines[:-1], lines[-1]


def test_many_parallel_streams_arrive_with_exact_counts(servers):
    a, b = servers("a"), servers("b")
    status, reports, summary = fetch([a.address, b.address], "parcels=40 items=37 bytes=3000", streams=16)
    assert status == 0, summary
    assert [r["state"] for r in reports] == ["complete"] * 16
    assert all(r["items"] == 40 * 37 and r["completion_items"] == 40 * 37 for r in reports)
    assert all(r["bytes"] == 40 * 3000 and r["parcels"] == 40 for r in reports)
    assert summary["items"] == 16 * 40 * 37
    assert summary["connections_opened"] == 2  # one connection per peer pair, 8 streams on each
    for server in (a, b):
        m = server.wait_metric("streams_completed", 8)
        assert m["items"] == 8 * 40 * 37
        assert m["malformed_frames"] == 0 and m["protocol_errors"] == 0


def test_a_client_abort_ends_that_stream_at_the_server(servers):
    server = servers()
    status, reports, summary = fetch([server.address], "parcels=5000 items=1 bytes=1000", "--abort-after", 5,
                                     streams=2)
    assert status == 1
    assert reports[0]["state"] == "aborted"
    assert 5 <= reports[0]["items"] < 5000
    assert reports[1]["state"] == "complete" and reports[1]["items"] == 5000
    assert "aborted by the client" in summary["status"]
    m = server.wait_metric("streams_aborted", 1)
    assert m["streams_completed"] == 1


def test_cancelling_an_operation_aborts_all_its_streams(servers):
    server = servers()
    status, reports, summary = fetch([server.address], "parcels=5000 items=1 bytes=1000", "--cancel-after", 3,
                                     streams=4)
    assert status == 1
    assert [r["state"] for r in reports] == ["aborted"] * 4
    assert "nexus operation 1 cancelled (4 live streams aborted)" in summary["status"]
    server.wait_metric("streams_aborted", 4)


def test_a_server_killed_mid_stream_is_an_error_at_the_client_not_a_hang(servers):
    server = servers()
    client = subprocess.Popen(
        [str(PEER), "fetch", "--connect", server.address, "--streams", "3", "--paradata",
         "parcels=100000 items=1 bytes=1000", "--slow-us", "2000", "--timeout-ms", "1500"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        server.wait_metric("streams_initiated", 3)
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
        out, err = client.communicate(timeout=60)  # the bound of a hang, not a timing assertion
    finally:
        if client.poll() is None:
            os.killpg(client.pid, signal.SIGKILL)
            client.wait()
    lines = [json.loads(line) for line in out.splitlines()]
    assert client.returncode == 1, err
    assert [r["state"] for r in lines[:-1]] == ["failed"] * 3
    assert all("no frame from the server" in r["status"] for r in lines[:-1])
    assert all(r["items"] < 100000 for r in lines[:-1])
    assert lines[-1]["ok"] is False


def test_a_client_killed_mid_stream_frees_its_streams_at_the_server(servers):
    server = servers()
    client = subprocess.Popen(
        [str(PEER), "fetch", "--connect", server.address, "--streams", "3", "--paradata",
         "parcels=100000 items=1 bytes=1000", "--slow-us", "2000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        server.wait_metric("streams_initiated", 3)
    finally:
        os.killpg(client.pid, signal.SIGKILL)
        client.wait()
    # The server learns it when it next sends to the vanished client (a
    # heartbeat at the latest): the streams end as failed, nothing is kept.
    m = server.wait_metric("streams_failed", 3)
    assert m["active_streams"] == 0 and m["streams_completed"] == 0


def test_a_slow_source_is_kept_alive_by_heartbeats(servers):
    # No parcel for 2 s, a client timeout of 0.6 s, heartbeats every 0.1 s.
    server = servers(heartbeat_ms=100)
    status, reports, _ = fetch([server.address], "parcels=3 items=2 bytes=10 not_yet_ms=2000", "--timeout-ms", 600)
    assert status == 0, reports
    assert reports[0]["state"] == "complete" and reports[0]["items"] == 6


def lying_server(address, stop, parcels, items_per_parcel, completion_items):
    """A ROUTER written here, not with the code under test: it answers every
    initiate with `parcels` parcels and a completion claiming
    `completion_items`."""
    context = zmq.Context()
    router = context.socket(zmq.ROUTER)
    router.setsockopt(zmq.LINGER, 0)
    router.bind(address)
    poller = zmq.Poller()
    poller.register(router, zmq.POLLIN)
    while not stop.is_set():
        if not poller.poll(50):
            continue
        peer, header = router.recv_multipart()[:2]
        kind, stream_id = msgpack.unpackb(header)[:2]
        if kind != 1:  # credits and aborts: nothing to do
            continue
        router.send_multipart([peer, msgpack.packb([2, stream_id, parcels * items_per_parcel])])
        for _ in range(parcels):
            router.send_multipart([peer, msgpack.packb([4, stream_id, items_per_parcel]), b"x" * 100])
        expected = completion_items
        router.send_multipart([peer, msgpack.packb([9, stream_id, completion_items, expected, expected, 0])])
    router.close()
    context.term()


def test_a_completion_claiming_more_items_than_arrived_is_a_mismatch():
    address = f"tcp://127.0.0.1:{free_port()}"
    stop = threading.Event()
    thread = threading.Thread(target=lying_server, args=(address, stop, 3, 10, 31))
    thread.start()
    try:
        status, reports, summary = fetch([address], "", "--window", 8)
    finally:
        stop.set()
        thread.join()
    assert status == 1
    assert reports[0]["state"] == "failed"
    assert reports[0]["items"] == 30
    assert "count mismatch: the completion says 31 items, 30 were received" in reports[0]["status"]


def test_a_completion_short_of_its_expected_count_is_a_short_load(servers):
    server = servers()
    status, reports, summary = fetch([server.address], "parcels=4 items=10 bytes=10 expected_extra=3")
    assert status == 1
    assert reports[0]["state"] == "failed" and reports[0]["items"] == 40
    assert "short load: 40 items + 0 rejected, 43 expected" in reports[0]["status"]


def test_a_refused_stream_and_a_failing_one_end_in_errors(servers):
    server = servers()
    status, reports, _ = fetch([server.address], "refuse=1")
    assert status == 1 and reports[0]["state"] == "failed"
    assert "refused (code 1): Invalid: refused, as asked" in reports[0]["status"]
    status, reports, _ = fetch([server.address], "parcels=10 items=1 bytes=10 fail_after=3")
    assert status == 1 and reports[0]["state"] == "failed" and reports[0]["items"] == 3
    assert "failed at the server (code 4): Internal: failing after 3 parcels, as asked" in reports[0]["status"]
    m = server.wait_metric("streams_failed", 1)
    assert m["streams_refused"] == 1


def test_a_slow_client_keeps_server_memory_flat(servers):
    # 600 parcels of 1 MB to a client taking 2 ms for each: unbounded, the
    # server would queue ~600 MB; with credit at most the window (4) is out.
    # The RSS bound leaves room for the allocator's and the kernel's ways (a
    # full suite once saw 125 MB of growth here with 4 parcels in flight, as
    # freed parcels stayed in the heap): what it must catch is the unbounded.
    server = servers()
    status, reports, _ = fetch([server.address], f"parcels=600 items=1 bytes={MB}", "--window", 4, "--slow-us", 2000)
    assert status == 0
    assert reports[0]["items"] == 600 and reports[0]["max_unconsumed"] <= 4
    m = server.wait_metric("streams_completed", 1)
    assert m["max_in_flight"] <= 4
    growth_mb = (m["max_rss_kb"] - m["rss_at_first_stream_kb"]) / 1024
    assert growth_mb < 200, m


def test_malformed_frames_are_counted_and_the_server_goes_on(servers):
    server = servers()
    context = zmq.Context()
    dealer = context.socket(zmq.DEALER)
    dealer.setsockopt(zmq.LINGER, 0)
    dealer.connect(server.address)
    garbage = [b"\xc1", b"not msgpack", msgpack.packb([99, 1]), msgpack.packb([6, 1, "four"]),
               msgpack.packb([1, 1, [[[[[0]]]]]])]
    for frame in garbage:
        dealer.send(frame)
    try:
        server.wait_metric("malformed_frames", len(garbage))
    finally:
        dealer.close()
        context.term()
    status, reports, _ = fetch([server.address], "parcels=5 items=2 bytes=10")
    assert status == 0 and reports[0]["items"] == 10
