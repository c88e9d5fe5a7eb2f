"""The bench model 'ref-small' in PyTorch: the peer of Sources/Benchmarks/RefSmall.swift.

Text encoder (embedding + sinusoidal positions, pre-norm Transformer layers), reference-audio
encoder (Conv1d + ReLU over mel frames), fusion (LayerNorm, cross-attention added
residually), length regulation (each token repeated), conv decoder and a Linear to mel bins.
Parameter names are the state-dict keys the Swift model uses.
"""
import math

import torch
from torch import nn

# The configuration: about 4.95 M parameters, about 19.3 GFLOP forward at batch 16.
FULL = dict(vocab=64, d=256, heads=4, ffn=1024, layers=4, mel=80, ref_channels=(128, 128),
            ref_kernel=3, dec_layers=4, dec_kernel=5, repeat=4, tokens=64, ref_frames=128,
            batch=16)


def sinusoidal_positions(length, d, dtype=torch.float32):
    """pe[t, 2i] = sin(t / 10000^(2i/d)), pe[t, 2i+1] = cos(t / 10000^(2i/d))."""
    t = torch.arange(length, dtype=torch.float64).unsqueeze(1)
    inv = torch.pow(10000.0, -torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe = torch.zeros(length, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(t * inv)
    pe[:, 1::2] = torch.cos(t * inv)
    return pe.to(dtype)


class RefSmall(nn.Module):
    def __init__(self, vocab, d, heads, ffn, layers, mel, ref_channels, ref_kernel, dec_layers,
                 dec_kernel, repeat, **_):
        super().__init__()
        self.repeat = repeat
        self.embedding = nn.Embedding(vocab, d)
        self.encoder = nn.ModuleList([
            nn.TransformerEncoderLayer(d, heads, ffn, dropout=0.0, activation="relu",
                                       batch_first=True, norm_first=True)
            for _ in range(layers)])
        channels = [mel, *ref_channels, d]
        self.ref_encoder = nn.ModuleList([
            nn.Conv1d(channels[i], channels[i + 1], ref_kernel, padding=ref_kernel // 2)
            for i in range(len(channels) - 1)])
        self.fusion_norm = nn.LayerNorm(d)
        self.fusion_attn = nn.MultiheadAttention(d, heads, dropout=0.0, batch_first=True)
        self.decoder = nn.ModuleList([
            nn.Conv1d(d, d, dec_kernel, padding=dec_kernel // 2) for _ in range(dec_layers)])
        self.out = nn.Linear(d, mel)

    def forward(self, tokens, ref_mel):
        """tokens [B, T] (int), ref_mel [B, mel, R] -> mel [B, T * repeat, mel]."""
        x = self.embedding(tokens)                                   # [B, T, d]
        x = x + sinusoidal_positions(x.shape[1], x.shape[2], x.dtype)
        for layer in self.encoder:
            x = layer(x)
        a = ref_mel
        for conv in self.ref_encoder:
            a = torch.relu(conv(a))                                  # [B, C, R]
        a = a.transpose(1, 2)                                        # [B, R, d]
        x = x + self.fusion_attn(self.fusion_norm(x), a, a, need_weights=False)[0]
        x = x.repeat_interleave(self.repeat, dim=1)                  # [B, T * repeat, d]
        y = x.transpose(1, 2)                                        # [B, d, F]
        for conv in self.decoder:
            y = torch.relu(conv(y))
        return self.out(y.transpose(1, 2))                           # [B, F, mel]


def synthetic_batch(cfg, generator, batch=None):
    """A fixed batch: random tokens, reference mel and target mel (standard normal)."""
    b = batch or cfg["batch"]
    tokens = torch.randint(0, cfg["vocab"], (b, cfg["tokens"]), generator=generator)
    ref_mel = torch.randn(b, cfg["mel"], cfg["ref_frames"], generator=generator)
    target = torch.randn(b, cfg["tokens"] * cfg["repeat"], cfg["mel"], generator=generator)
    return tokens, ref_mel, target
