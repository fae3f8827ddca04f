#!/usr/bin/python3
"""bench/run python: the naive Python baseline. Two processes with pyzmq
PUSH/PULL over tcp loopback, one JSON log per message: the producer
json.dumps()es {"seq": i, "pad": 80 x "x"} (~100 bytes) and sends it; the
consumer receives, json.loads()es it and checks seq.

  naive_peer.py pull --count N            binds, prints its endpoint, then one JSON result line
  naive_peer.py push --count N --endpoint E [--pad 80]
"""
import argparse
import json
import sys
import time

import zmq


def pull(count):
    context = zmq.Context()
    sock = context.socket(zmq.PULL)
    sock.setsockopt(zmq.LINGER, 0)
    sock.bind("tcp://127.0.0.1:*")
    print(sock.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
    began = time.perf_counter()
    first = None
    seq_ok = True
    size = 0
    for i in range(count):
        message = sock.recv()
        if first is None:
            first = time.perf_counter()
        log = json.loads(message)
        if log["seq"] != i:
            seq_ok = False
        size = len(message)
    last = time.perf_counter()
    steady = (count - 1) / (last - first) if count > 1 and last > first else 0
    print(json.dumps({"received": count, "seq_ok": seq_ok, "message_bytes": size,
                      "steady_s": round(last - first, 4), "steady_logs_per_s": round(steady),
                      "since_bind_s": round(last - began, 4)}), flush=True)
    sock.close()
    context.term()


def push(count, endpoint, pad):
    context = zmq.Context()
    sock = context.socket(zmq.PUSH)
    sock.connect(endpoint)
    text = "x" * pad
    for i in range(count):
        sock.send(json.dumps({"seq": i, "pad": text}).encode())
    sock.close()  # default linger: everything queued is delivered
    context.term()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["pull", "push"])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--endpoint")
    parser.add_argument("--pad", type=int, default=80)
    args = parser.parse_args()
    if args.role == "pull":
        pull(args.count)
    else:
        push(args.count, args.endpoint, args.pad)


if __name__ == "__main__":
    sys.exit(main())
