"""Peer of `funaudio bench train`: times the bench model 'ref-small' in PyTorch on 2 threads.

Prints one JSON object: params, train_step_ms (median of --steps Adam steps after warm-up,
batch 16), infer_ms (median batch-1 forward under no_grad in eval mode), loss_first and
loss_last (the L1 loss on the fixed synthetic batch at the first and last step), and
sgemm_gflops: torch.matmul at the shapes `funaudio bench train` uses for its sgemm ceiling,
measured in this process, so ratios can be read against each side's ceiling on a busy machine.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ref_small import FULL, RefSmall, synthetic_batch  # noqa: E402


def median_ms(fn, warmup, steps):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def sgemm_gflops():
    """Best of 5 over (m, n, k, transpose A, transpose B) as in TrainBenchmark.sgemmCeiling."""
    shapes = [(4096, 256, 1280, False, True), (1024, 1024, 256, False, False), (1024, 256, 1024, True, False)]
    operands = []
    for m, n, k, ta, tb in shapes:
        a = torch.full((k, m) if ta else (m, k), 0.5)
        b = torch.full((n, k) if tb else (k, n), 0.25)
        operands.append((a.t() if ta else a, b.t() if tb else b, 2 * m * n * k))
    best = 0.0
    for _ in range(5):
        flops, seconds = 0, 0.0
        for a, b, f in operands:
            start = time.perf_counter()
            torch.matmul(a, b)
            seconds += time.perf_counter() - start
            flops += f
        best = max(best, flops / seconds / 1e9)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    cfg = FULL
    model = RefSmall(**cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    tokens, ref_mel, target = synthetic_batch(cfg, torch.Generator().manual_seed(1))
    losses = []

    def train_step():
        optimizer.zero_grad(set_to_none=False)
        loss = torch.nn.functional.l1_loss(model(tokens, ref_mel), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    train_ms = median_ms(train_step, args.warmup, args.steps)

    model.eval()
    tokens1, ref1 = tokens[:1], ref_mel[:1]

    def infer():
        with torch.no_grad():
            model(tokens1, ref1)

    infer_ms = median_ms(infer, 5, max(args.steps, 30))
    print(json.dumps({
        "params": sum(p.numel() for p in model.parameters()),
        "train_step_ms": train_ms,
        "infer_ms": infer_ms,
        "loss_first": losses[0],
        "loss_last": losses[-1],
        "sgemm_gflops": sgemm_gflops(),
        "steps": args.steps,
        "threads": args.threads,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
