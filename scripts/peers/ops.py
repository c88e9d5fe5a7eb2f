"""Peer of `funaudio bench ops`: the same Tensor ops at the bench model's shapes in PyTorch.

Started with `--serve` by FunAudio (protocol in rounds.py): the ready line gives the torch
version and threads; each round prints {op name: forward + backward ms}, the median of
--repeats runs of each op (only ops whose name contains --filter), on --threads threads.
Names match OpsBenchmark.swift. Without --serve it prints one round after a warm-up round.
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rounds import median_ms, serve  # noqa: E402


def cases():
    def linear(x, w, b):
        return F.linear(x, w, b)

    def stft(x, n_fft, hop, win):
        return torch.stft(x, n_fft, hop, win, torch.hann_window(win), center=True, pad_mode="reflect",
                          return_complex=True)

    def round_trip(x):
        return torch.istft(stft(x, 1024, 256, 1024), 1024, 256, 1024, torch.hann_window(1024), length=8192)

    def mr_stft_loss(predicted, target):
        target = target.detach()
        sc = mag = 0
        for n_fft, hop, win in ((1024, 120, 600), (2048, 240, 1200), (512, 50, 240)):
            p, t = (torch.sqrt(torch.clamp(s.real ** 2 + s.imag ** 2, min=1e-7))
                    for s in (stft(predicted, n_fft, hop, win), stft(target, n_fft, hop, win)))
            sc = sc + torch.linalg.norm(t - p) / torch.linalg.norm(t)
            mag = mag + F.l1_loss(torch.log(t), torch.log(p))
        return (sc + mag) / 3

    return [
        ("linear [1024,256]x[1024,256]^T+b", [[16, 64, 256], [1024, 256], [1024]], linear),
        ("linear [1024,1024]x[256,1024]^T+b", [[16, 64, 1024], [256, 1024], [256]], linear),
        ("matmul QK^T [64x(64,64)]", [[16, 4, 64, 64], [16, 4, 64, 64]], lambda q, k: q @ k.transpose(-1, -2)),
        ("conv1d 256->256 k5 T256", [[16, 256, 256], [256, 256, 5], [256]], lambda x, w, b: F.conv1d(x, w, b, padding=2)),
        ("conv1d 80->128 k3 T128", [[16, 80, 128], [128, 80, 3], [128]], lambda x, w, b: F.conv1d(x, w, b, padding=1)),
        ("stft->istft [16,8192] n1024 h256", [[16, 8192]], round_trip),
        ("stft [16,8192] n2048 h240 w1200", [[16, 8192]], lambda x: stft(x, 2048, 240, 1200).real),
        ("MR-STFT loss [16,8192] PWG", [[16, 8192], [16, 8192]], mr_stft_loss),
        ("layerNorm [16,64,256]", [[16, 64, 256], [256], [256]], lambda x, w, b: F.layer_norm(x, (256,), w, b)),
        ("softmax [16,4,64,128]", [[16, 4, 64, 128]], lambda x: x.softmax(-1)),
        ("relu [16,256,256]", [[16, 256, 256]], lambda x: x.relu()),
        ("add [16,64,256]+[64,256]", [[16, 64, 256], [64, 256]], lambda a, b: a + b),
        ("add [16,256,256]+[16,256,256]", [[16, 256, 256], [16, 256, 256]], lambda a, b: a + b),
        ("transpose(1,2) [16,256,256]", [[16, 256, 256]], lambda x: x.transpose(1, 2).contiguous()),
        ("permute heads [16,64,4,64]", [[16, 64, 4, 64]], lambda x: x.permute(0, 2, 1, 3).contiguous()),
        ("repeatInterleave x4 [16,64,256]", [[16, 64, 256]], lambda x: x.repeat_interleave(4, dim=1)),
        ("L1 mean|a-b| [16,256,80]", [[16, 256, 80], [16, 256, 80]], lambda a, b: (a - b).abs().mean()),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--filter", help="only ops whose name contains this text")
    parser.add_argument("--serve", action="store_true", help="answer `round` lines on stdin (rounds.py)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    selected = [(name, [torch.randn(s, requires_grad=True) for s in shapes], op)
                for name, shapes, op in cases() if args.filter is None or args.filter in name]

    def forward_backward(inputs, op):
        def run():
            y = op(*inputs)
            y.backward(torch.ones_like(y))
            for x in inputs:
                x.grad = None
        return run

    def one_round():
        return {name: median_ms(forward_backward(inputs, op), args.repeats) for name, inputs, op in selected}

    ready = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    if args.serve:
        serve(ready, one_round)
    else:
        one_round()
        print(json.dumps({**ready, **one_round()}))


if __name__ == "__main__":
    main()
