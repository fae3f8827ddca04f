"""bench/run nexus: 4 parallel Nexus streams moving 1 GiB of parcels between
two processes (nexus_peer serve / fetch, ZeroMQ DEALER/ROUTER on loopback),
against one plain TCP stream moving the same bytes (bench_tcp_pair), in the
same run, alternating, R rounds each; the medians' ratio is
nexus_vs_tcp_ratio (target >= 0.7)."""
import json
import os
import socket
import subprocess
import time

from lib.common import NICE, build, log, median, run, stop

TOTAL_BYTES = 1 << 30
STREAMS = 4
PARCEL_BYTES = 1 << 20
WINDOW = 8  # parcels in flight per stream: 8 MiB
ITEMS_PER_PARCEL = 1000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nexus_round(bin_dir):
    address = f"tcp://127.0.0.1:{free_port()}"
    server = subprocess.Popen(NICE + [os.path.join(bin_dir, "nexus_peer"), "serve", "--bind", address],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        time.sleep(0.2)  # keeps the bind out of the measured time (an earlier client would only wait for it)
        parcels = TOTAL_BYTES // PARCEL_BYTES // STREAMS
        code, out, err = run(NICE + [os.path.join(bin_dir, "nexus_peer"), "fetch", "--connect", address,
                                     "--streams", str(STREAMS), "--window", str(WINDOW), "--paradata",
                                     f"parcels={parcels} items={ITEMS_PER_PARCEL} bytes={PARCEL_BYTES}"],
                             timeout=300, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    finally:
        stop(server)
    summary = json.loads(out.splitlines()[-1])
    if code != 0 or not summary["ok"] or summary["bytes"] != TOTAL_BYTES:
        raise RuntimeError(f"nexus fetch failed ({code}): {out[-1000:]} {err[-1000:]}")
    return summary["mb_per_s"]


def tcp_round(bin_dir):
    code, out, err = run(NICE + [os.path.join(bin_dir, "bench_tcp_pair"), "--bytes", str(TOTAL_BYTES), "--chunk",
                                 str(PARCEL_BYTES)], timeout=300, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    result = json.loads(out.splitlines()[-1])
    if code != 0 or not result["complete"]:
        raise RuntimeError(f"bench_tcp_pair failed ({code}): {out} {err[-1000:]}")
    return result["mb_per_s"]


def nexus(args):
    build_dir = os.path.abspath(args.build_dir)
    if not args.no_build:
        build(build_dir, ["nexus_peer", "bench_tcp_pair"])
    bin_dir = os.path.join(build_dir, "bin")
    log(f"nexus: {STREAMS} streams, {TOTAL_BYTES >> 20} MiB in {PARCEL_BYTES >> 10} KiB parcels, vs one TCP stream; "
        f"{args.rounds} rounds, alternating")
    nexus_runs, tcp_runs = [], []
    for round_index in range(args.rounds):
        # Alternating which goes first spreads any drift of the machine over both.
        order = [("nexus", nexus_round, nexus_runs), ("tcp", tcp_round, tcp_runs)]
        for name, measure, runs in (order if round_index % 2 == 0 else order[::-1]):
            runs.append(measure(bin_dir))
            log(f"  round {round_index + 1} {name}: {runs[-1]:.0f} MB/s")
    nexus_mb, tcp_mb = median(nexus_runs), median(tcp_runs)
    ratio = round(nexus_mb / tcp_mb, 3)
    print(f"nexus {nexus_mb:.0f} MB/s ({STREAMS} streams)  tcp {tcp_mb:.0f} MB/s (one stream)  "
          f"nexus_vs_tcp_ratio {ratio} (target >= 0.7)")
    result = {
        "bench": "nexus",
        "nexus_vs_tcp_ratio": ratio,
        "nexus_mb_per_s": round(nexus_mb, 1),
        "tcp_mb_per_s": round(tcp_mb, 1),
        "rounds": args.rounds,
        "nexus_runs_mb_per_s": nexus_runs,
        "tcp_runs_mb_per_s": tcp_runs,
        "bytes": TOTAL_BYTES,
        "streams": STREAMS,
        "parcel_bytes": PARCEL_BYTES,
        "window_parcels": WINDOW,
        "cpus": os.cpu_count(),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result, separators=(",", ":")), flush=True)
