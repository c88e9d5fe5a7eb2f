"""Peer of `funaudio bench align`: the forward-sum loss of FastPitch 1.1 / RAD-TTS in PyTorch.

The same loss as FunAudio's `forwardSumLoss` (Models/Alignment/ForwardSumLoss.swift), the way
FastPitch's AttentionCTCLoss computes it but over the whole batch in one `ctc_loss` call:
attention log-probabilities [B, T, N] get a blank column of -1 in front, padded phonemes are
masked, a log-softmax over the N + 1 classes, then `ctc_loss` with targets 1..N_b, reduction
'mean', zero_infinity. Each round prints the median ms of `--repeats` forward + backward passes.
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rounds import median_ms, serve  # noqa: E402


def forward_sum(logits, text_lengths, mel_lengths):
    b, t, n = logits.shape
    with_blank = F.pad(logits, (1, 0), value=-1.0)
    classes = torch.arange(n + 1).view(1, 1, n + 1)
    padding = classes > text_lengths.view(b, 1, 1)
    log_posteriors = with_blank.masked_fill(padding, float("-inf")).log_softmax(dim=-1)
    targets = torch.arange(1, n + 1).repeat(b, 1)
    return F.ctc_loss(log_posteriors.transpose(0, 1), targets, mel_lengths, text_lengths,
                      blank=0, reduction="mean", zero_infinity=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--text-lengths", required=True, help="phonemes per utterance, comma-separated")
    parser.add_argument("--mel-lengths", required=True, help="frames per utterance, comma-separated")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--serve", action="store_true", help="answer `round` lines on stdin (rounds.py)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    text_lengths = torch.tensor([int(x) for x in args.text_lengths.split(",")])
    mel_lengths = torch.tensor([int(x) for x in args.mel_lengths.split(",")])
    torch.manual_seed(0)
    logits = torch.randn(len(text_lengths), int(mel_lengths.max()), int(text_lengths.max()), requires_grad=True)

    def step():
        logits.grad = None
        forward_sum(logits, text_lengths, mel_lengths).backward()

    step()
    ready = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    one_round = lambda: {"forward_sum_ms": median_ms(step, args.repeats)}  # noqa: E731
    if args.serve:
        serve(ready, one_round)
    else:
        import json
        print(json.dumps({**ready, **one_round()}))


if __name__ == "__main__":
    main()
