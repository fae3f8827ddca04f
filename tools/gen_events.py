#!/usr/bin/python3
"""Writes a behavioural dataset: flat JSON-lines event rows, as logs arrive.

Each row is one event of one session of one user:

  {"user":"u0000042","session":841,"session_start":1700003600000,"ts":1700003601250,
   "type":"click","value":12.5,"country":"DE","os":"android"}

users x 1-20 sessions x 1-50 events (uniform), so ~268 rows and ~40 KB a user
on average: 20,000 users make ~800 MB. The rows of a user are spread over the
--files files and out of order (users are generated in chunks whose rows are
shuffled, then dealt to the files), as the sample store must expect: the
presser groups them back into user -> sessions -> events by key
(topologies/unity.brio). The same --seed writes the same bytes.

A summary goes to stderr as one JSON line: rows, users, sessions, bytes (of
JSON, before gzip), file_bytes (on disk), files, seconds.

Stdlib only, run with /usr/bin/python3; importable (generate()) by the bench
and the tests.

  tools/gen_events.py OUT_DIR --users 1000 --files 4
  tools/gen_events.py OUT_DIR --target-mb 770 --files 8 --gzip
  tools/gen_events.py OUT_DIR --users 1000 --files 4 --partition user
"""

import argparse
import gzip
import json
import os
import random
import sys
import time

COUNTRIES = ("US", "DE", "FR", "GB", "JP", "BR", "IN", "CA", "ES", "IT", "KR", "MX", "NL", "SE", "PL", "AU")
OSES = ("android", "ios", "windows", "macos", "linux")
# Weighted: most events are views and clicks.
TYPES = ("view",) * 8 + ("click",) * 6 + ("start", "end", "purchase", "level_up", "ad", "share")
BASE_MS = 1_700_000_000_000      # 2023-11-14, epoch milliseconds
SPAN_MS = 30 * 24 * 3600 * 1000  # sessions start within 30 days
MAX_SESSIONS = 20
MAX_EVENTS = 50
CHUNK_USERS = 64                 # users whose rows are shuffled together
ROW = ('{"user":"%s","session":%d,"session_start":%d,"ts":%d,"type":"%s","value":%s,'
       '"country":"%s","os":"%s"}\n')


def user_rows(index, rng):
    """The rows of user number `index` (in time order) and its session count."""
    r = rng.random
    user = "u%07d" % index
    country = COUNTRIES[int(r() * len(COUNTRIES))]
    os_name = OSES[int(r() * len(OSES))]
    sessions = 1 + int(r() * MAX_SESSIONS)
    starts = sorted(BASE_MS + int(r() * SPAN_MS) for _ in range(sessions))
    rows = []
    append = rows.append
    ntypes = len(TYPES)
    for s, start in enumerate(starts):
        session = index * MAX_SESSIONS + s  # unique over the dataset
        ts = start
        for _ in range(1 + int(r() * MAX_EVENTS)):
            ts += int(r() * 30_000)
            # Two decimals written as such: "12.5", "0.07", "3.0" stay exact in JSON.
            value = "%.2f" % (r() * 100)
            append(ROW % (user, session, start, ts, TYPES[int(r() * ntypes)], value, country, os_name))
    return rows, sessions


def file_names(out_dir, files, compress):
    suffix = ".jsonl.gz" if compress else ".jsonl"
    return [os.path.join(out_dir, "events-%04d%s" % (k, suffix)) for k in range(files)]


def generate(out_dir, users=None, target_bytes=None, seed=1, files=1, compress=False, partition=None):
    """Writes the dataset into out_dir (created if need be); returns the summary.

    Exactly one of users (how many) or target_bytes (stop after the user that
    reaches this many bytes of JSON) is given. partition="user" puts every row
    of a user in one file (user number % files), still out of order, as the
    sample store's flat views want their files (partitioned by root key).
    """
    if (users is None) == (target_bytes is None):
        raise ValueError("give users or target_bytes")
    if files < 1:
        raise ValueError("files must be at least 1")
    started = time.monotonic()
    os.makedirs(out_dir, exist_ok=True)
    paths = file_names(out_dir, files, compress)
    # compresslevel 1: gzip at a few times the speed of the default, for a
    # little more size; the point is a realistic input, not a small one.
    outs = [gzip.open(p, "wb", compresslevel=1) if compress else open(p, "wb", buffering=1 << 20) for p in paths]
    rng = random.Random(seed)
    total_rows = total_sessions = total_bytes = index = 0
    try:
        while users is None or index < users:
            chunk = []
            for _ in range(CHUNK_USERS):
                if (users is not None and index >= users) or (target_bytes is not None and total_bytes >= target_bytes):
                    break
                rows, sessions = user_rows(index, rng)
                index += 1
                total_sessions += sessions
                total_rows += len(rows)
                total_bytes += sum(map(len, rows))  # ASCII: characters are bytes
                chunk.extend(rows)
            if not chunk:
                break
            if partition == "user":
                # The chunk's users are index - len(users in chunk) .. index - 1;
                # each row's user number is in the row itself.
                parts = [[] for _ in outs]
                for row in chunk:
                    parts[int(row[10:17]) % files].append(row)
                for part, out in zip(parts, outs):
                    rng.shuffle(part)
                    out.write("".join(part).encode("ascii"))
                continue
            rng.shuffle(chunk)
            for k, out in enumerate(outs):
                out.write("".join(chunk[k::files]).encode("ascii"))
    finally:
        for out in outs:
            out.close()
    return {
        "rows": total_rows,
        "users": index,
        "sessions": total_sessions,
        "bytes": total_bytes,
        "file_bytes": sum(os.path.getsize(p) for p in paths),
        "files": paths,
        "seed": seed,
        "seconds": round(time.monotonic() - started, 3),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", help="the folder to write events-NNNN.jsonl[.gz] into")
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--users", type=int, help="how many users")
    size.add_argument("--target-mb", type=float, help="about this many MB (10^6 bytes) of JSON")
    parser.add_argument("--seed", type=int, default=1, help="the same seed writes the same bytes (default 1)")
    parser.add_argument("--files", type=int, default=1, help="spread the rows over this many files (default 1)")
    parser.add_argument("--gzip", action="store_true", help="write .jsonl.gz files")
    parser.add_argument("--partition", choices=["user"],
                        help="user: all the rows of a user in one file (the default deals rows to every file)")
    args = parser.parse_args(argv)
    if args.users is not None and args.users < 0:
        parser.error("--users must be at least 0")
    if args.files < 1:
        parser.error("--files must be at least 1")
    target = None if args.target_mb is None else int(args.target_mb * 1e6)
    summary = generate(args.out_dir, users=args.users, target_bytes=target, seed=args.seed, files=args.files,
                       compress=args.gzip, partition=args.partition)
    print(json.dumps(summary), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
