"""The peer's half of FunAudio's interleaved benches (Benchmarks/Interleaved.swift).

`funaudio bench` starts a peer script with `--serve` and keeps it running: the peer prints
one JSON object when it is ready, then answers every `round` line on stdin with one JSON
object of timings (milliseconds), and exits on `quit` or end of input. FunAudio times its own
side between the peer's rounds, so both sides see the same load.
"""
import json
import statistics
import sys
import time


def median_ms(fn, repeats):
    """The median wall time of `repeats` calls of `fn`, in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def serve(ready, one_round):
    """Prints `ready`, then one JSON object from `one_round()` per `round` line."""
    print(json.dumps(ready), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            return
        if command == "round":
            print(json.dumps(one_round()), flush=True)
