"""Peer of `funaudio bench train`: the bench model 'ref-small' in PyTorch, eager and compiled.

Started with `--serve` by FunAudio (protocol in rounds.py). At start-up, outside the rounds, it
builds four copies of the model from one seed: an eager and a `torch.compile`d one for the
training step (L1 loss, Adam lr 1e-3, batch 16, each with its own optimizer), and an eager and
a compiled one in eval mode for batch-1 inference under no_grad; it compiles (the first calls)
and warms each up once. The ready line says what it measured once: params, the torch version,
threads, loss_first, sgemm_gflops (torch.matmul at the shapes of TrainBenchmark.sgemmCeiling),
and `compile`: "ok", or the first line of the error when torch.compile fails on this machine
(then the compiled figures are left out of every round and the eager ones still come).

Each round prints the median ms of `--repeats` training steps (`train_step_ms`,
`compiled_train_step_ms`) and of `--infer-repeats` inferences (`infer_ms`,
`compiled_infer_ms`), and `loss`, the eager model's last loss. Without --serve it prints one
round merged into the ready object.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ref_small import FULL, RefSmall, synthetic_batch  # noqa: E402
from rounds import median_ms, serve  # noqa: E402


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


def model(cfg):
    torch.manual_seed(0)
    return RefSmall(**cfg)


def training_step(net, tokens, ref_mel, target, losses):
    """One Adam step of `net` (eager or compiled) on the fixed batch."""
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad(set_to_none=False)
        loss = torch.nn.functional.l1_loss(net(tokens, ref_mel), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return step


def inference(net, tokens, ref_mel):
    net.eval()

    def infer():
        with torch.no_grad():
            net(tokens, ref_mel)
    return infer


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="training steps per round (median)")
    parser.add_argument("--infer-repeats", type=int, default=10, help="inferences per round (median)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-compile", action="store_true", help="time eager PyTorch only")
    parser.add_argument("--serve", action="store_true", help="answer `round` lines on stdin (rounds.py)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    cfg = FULL
    tokens, ref_mel, target = synthetic_batch(cfg, torch.Generator().manual_seed(1))
    tokens1, ref1 = tokens[:1], ref_mel[:1]
    losses, compiled_losses = [], []
    eager = model(cfg)
    figures = {"train_step_ms": training_step(eager, tokens, ref_mel, target, losses),
               "infer_ms": inference(model(cfg), tokens1, ref1)}
    figures["train_step_ms"]()
    ready = {"params": sum(p.numel() for p in eager.parameters()), "torch": torch.__version__,
             "threads": torch.get_num_threads(), "loss_first": losses[0]}

    if args.no_compile:
        ready["compile"] = "not asked for: --no-compile"
    else:
        try:
            compiled = {
                "compiled_train_step_ms": training_step(torch.compile(model(cfg)), tokens, ref_mel, target,
                                                        compiled_losses),
                "compiled_infer_ms": inference(torch.compile(model(cfg)), tokens1, ref1),
            }
            start = time.perf_counter()
            for fn in compiled.values():
                fn()    # compiles
            ready["compile_s"] = time.perf_counter() - start
            ready["compile"] = "ok"
            figures.update(compiled)
        except Exception as error:  # noqa: BLE001 — any failure of the compiler stack means: eager only
            lines = str(error).strip().splitlines()
            ready["compile"] = f"{type(error).__name__}: {lines[0] if lines else ''}"[:300]
    for fn in figures.values():
        fn()    # one warm-up call each, outside the rounds
    ready["sgemm_gflops"] = sgemm_gflops()

    def one_round():
        result = {key: median_ms(fn, args.infer_repeats if "infer" in key else args.repeats)
                  for key, fn in figures.items()}
        result["loss"] = losses[-1]
        return result

    if args.serve:
        serve(ready, one_round)
    else:
        print(json.dumps({**ready, **one_round()}))


if __name__ == "__main__":
    main()
