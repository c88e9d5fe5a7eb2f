"""Peer of `funaudio bench profile`: PyTorch's own per-op profile of ref-small (eager).

One warm-up training step and inference, then `--steps` of each under torch.profiler; prints
one JSON object: for the training step (L1 loss, Adam lr 1e-3, batch 16) and for batch-1
inference in eval mode under no_grad, every aten op's self CPU time in ms per step and its
calls per step (self time: an op's own work, not the ops it calls, so the rows add up to the
step), and the torch version.
"""
import argparse
import contextlib
import json
import os
import sys

import torch
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_train import inference, model, training_step  # noqa: E402
from ref_small import FULL, synthetic_batch  # noqa: E402


@contextlib.contextmanager
def quiet_stderr():
    """The profiler's C++ side prints a line to stderr at each start and stop: hide them."""
    saved = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def per_step(fn, steps):
    """[{op, ms, calls}] per call of `fn`, ops with any self time."""
    fn()
    with quiet_stderr(), profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            fn()
    rows = []
    for event in prof.key_averages():
        ms = event.self_cpu_time_total / 1000 / steps
        if ms > 0:
            rows.append({"op": event.key, "ms": ms, "calls": event.count / steps})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=5, help="profiled steps and inferences")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    tokens, ref_mel, target = synthetic_batch(FULL, torch.Generator().manual_seed(1))
    train = training_step(model(FULL), tokens, ref_mel, target, [])
    infer = inference(model(FULL), tokens[:1], ref_mel[:1])
    print(json.dumps({"train": per_step(train, args.steps), "infer": per_step(infer, args.steps),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
