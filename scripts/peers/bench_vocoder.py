"""Peer of `funaudio bench vocoder`: one timing round of the Vocos network in PyTorch.

The network is FunAudio's VocosVocoder (and scripts/fixtures/make_vocos_fixtures.py's):
ConvNeXt blocks over mel frames, a Linear head giving log-magnitude and phase, torch.istft
with center=True. Reads the log-mel (frames x n_mels float32 .npy) FunAudio times, runs
`repeats` forwards of batch 1 under no_grad after 2 warm-ups, and prints one JSON object:
{"vocos_ms": median, "torch": version, "threads": n}.
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, dim, intermediate, layer_scale):
        super().__init__()
        self.dwconv = nn.Conv1d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, intermediate)
        self.pwconv2 = nn.Linear(intermediate, dim)
        self.gamma = nn.Parameter(layer_scale * torch.ones(dim))

    def forward(self, x):                                   # [B, C, T]
        y = self.norm(self.dwconv(x).transpose(1, 2))
        y = self.gamma * self.pwconv2(torch.nn.functional.gelu(self.pwconv1(y)))
        return x + y.transpose(1, 2)


class Vocos(nn.Module):
    def __init__(self, n_mels, dim, intermediate, layers, n_fft, hop):
        super().__init__()
        self.embed = nn.Conv1d(n_mels, dim, 7, padding=3)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.convnext = nn.ModuleList([Block(dim, intermediate, 1 / layers) for _ in range(layers)])
        self.final_layer_norm = nn.LayerNorm(dim, eps=1e-6)
        self.out = nn.Linear(dim, n_fft + 2)
        self.n_fft, self.hop = n_fft, hop
        self.register_buffer("window", torch.hann_window(n_fft))

    def forward(self, mel):                                 # [B, T, nMels] -> [B, samples]
        x = self.norm(self.embed(mel.transpose(1, 2)).transpose(1, 2)).transpose(1, 2)
        for block in self.convnext:
            x = block(x)
        log_mag, phase = self.out(self.final_layer_norm(x.transpose(1, 2))).chunk(2, dim=-1)
        mag = torch.exp(log_mag).clip(max=1e2)
        spectrum = torch.complex(mag * torch.cos(phase), mag * torch.sin(phase)).transpose(1, 2)
        return torch.istft(spectrum, self.n_fft, self.hop, self.n_fft, window=self.window, center=True)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("mel")
    for name in ("dim", "intermediate", "layers", "n_fft", "hop", "repeats", "threads"):
        p.add_argument(f"--{name.replace('_', '-')}", type=int, required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    mel = torch.from_numpy(np.load(a.mel).astype(np.float32))[None]
    model = Vocos(mel.shape[2], a.dim, a.intermediate, a.layers, a.n_fft, a.hop).eval()
    times = []
    with torch.no_grad():
        for _ in range(2):
            model(mel)
        for _ in range(a.repeats):
            start = time.perf_counter()
            model(mel)
            times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"vocos_ms": statistics.median(times), "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
