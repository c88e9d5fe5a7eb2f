#!/usr/bin/env python3
"""Peer for `funaudio bench tracking`: Python's sqlite3 inserting metric points.

Same table and index as runs.db's metric_values, WAL mode, synchronous=NORMAL, rows given to
executemany in batches of 100,000 in one transaction each (the fastest plain-Python path).
Prints {"points_per_s": ...} as JSON.
"""
import argparse
import json
import sqlite3
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--points", type=int, default=1_000_000)
    args = parser.parse_args()

    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("CREATE TABLE metric_values (run_id INTEGER NOT NULL, key_id INTEGER NOT NULL, "
               "step INTEGER NOT NULL, value REAL, wall_time REAL NOT NULL)")
    db.execute("CREATE INDEX metric_values_by_run_key_step ON metric_values(run_id, key_id, step)")

    start = time.perf_counter()
    batch = []
    for i in range(args.points):
        batch.append((1, (i & 15) + 1, i >> 4, i * 0.001, time.time()))
        if len(batch) == 100_000:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT INTO metric_values VALUES (?, ?, ?, ?, ?)", batch)
            db.execute("COMMIT")
            batch.clear()
    if batch:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO metric_values VALUES (?, ?, ?, ?, ?)", batch)
        db.execute("COMMIT")
    seconds = time.perf_counter() - start
    db.close()
    print(json.dumps({"points_per_s": args.points / seconds, "points": args.points, "seconds": seconds}))


if __name__ == "__main__":
    main()
