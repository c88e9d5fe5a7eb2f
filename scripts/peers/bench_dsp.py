#!/usr/bin/env python3
"""Peers of `funaudio bench dsp`: STFT, mel spectrogram and Griffin-Lim in librosa and in
torch.stft / torchaudio (MelSpectrogram, GriffinLim), on the signal FunAudio wrote (a float32
.npy), with FunAudio's settings.

Started with `--serve` by FunAudio (protocol in rounds.py). The ready line gives the versions
(librosa, torch, torchaudio) and threads; each round prints the median ms of `--repeats` runs
(`--griffinlim-repeats` for Griffin-Lim) of `librosa_stft_ms`, `librosa_mel_ms`,
`librosa_griffinlim_ms`, `torch_stft_ms`, `torch_mel_ms`, `torch_griffinlim_ms`.

Same settings on every side: a periodic Hann window of `--win` samples, centred frames with
zero padding at the edges (torchaudio's GriffinLim pads its internal STFT by reflection, which
it does not let a caller change), a Slaney mel scale and norm, `--power` applied to the
magnitude, Griffin-Lim from random phases with `--momentum`. Griffin-Lim starts from the
magnitude of the same STFT on every side. torch runs on `--threads` threads.
"""
import argparse
import json
import os
import sys

import librosa
import numpy as np
import torch
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rounds import median_ms, serve  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--signal", required=True, help="float32 .npy written by funaudio bench dsp")
    parser.add_argument("--sample-rate", type=int, default=22050)
    parser.add_argument("--n-fft", type=int, default=1024)
    parser.add_argument("--hop", type=int, default=256)
    parser.add_argument("--win", type=int, default=1024)
    parser.add_argument("--n-mels", type=int, default=80)
    parser.add_argument("--fmin", type=float, default=0.0)
    parser.add_argument("--fmax", type=float, default=8000.0)
    parser.add_argument("--power", type=float, default=1.0)
    parser.add_argument("--iterations", type=int, default=32)
    parser.add_argument("--momentum", type=float, default=0.99)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--griffinlim-repeats", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--serve", action="store_true", help="answer `round` lines on stdin (rounds.py)")
    a = parser.parse_args()

    torch.set_num_threads(a.threads)
    y = np.load(a.signal).astype(np.float32)
    x = torch.from_numpy(y)
    stft_args = dict(n_fft=a.n_fft, hop_length=a.hop, win_length=a.win)
    window = torch.hann_window(a.win)

    def torch_stft():
        return torch.stft(x, **stft_args, window=window, center=True, pad_mode="constant", return_complex=True)

    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=a.sample_rate, **stft_args, f_min=a.fmin, f_max=a.fmax, pad=0, n_mels=a.n_mels,
        window_fn=torch.hann_window, power=a.power, center=True, pad_mode="constant", norm="slaney",
        mel_scale="slaney")
    # momentum must be below 1 for torchaudio; GriffinLim takes |X|^power and undoes the power.
    griffin_lim = torchaudio.transforms.GriffinLim(
        **stft_args, n_iter=a.iterations, window_fn=torch.hann_window, power=1.0, momentum=a.momentum,
        rand_init=True)
    magnitude_torch = torch_stft().abs()
    magnitude = np.abs(librosa.stft(y, **stft_args))

    def torch_griffin_lim():
        torch.manual_seed(0)
        griffin_lim(magnitude_torch)

    figures = {
        "librosa_stft_ms": (lambda: librosa.stft(y, **stft_args), a.repeats),
        "librosa_mel_ms": (lambda: librosa.feature.melspectrogram(
            y=y, sr=a.sample_rate, **stft_args, n_mels=a.n_mels, fmin=a.fmin, fmax=a.fmax, power=a.power), a.repeats),
        "librosa_griffinlim_ms": (lambda: librosa.griffinlim(
            magnitude, n_iter=a.iterations, **stft_args, momentum=a.momentum, init="random", random_state=0),
            a.griffinlim_repeats),
        "torch_stft_ms": (torch_stft, a.repeats),
        "torch_mel_ms": (lambda: mel(x), a.repeats),
        "torch_griffinlim_ms": (torch_griffin_lim, a.griffinlim_repeats),
    }
    ready = {"librosa": librosa.__version__, "torch": torch.__version__, "torchaudio": torchaudio.__version__,
             "threads": torch.get_num_threads()}

    def one_round():
        return {key: median_ms(fn, repeats) for key, (fn, repeats) in figures.items()}

    if a.serve:
        serve(ready, one_round)
    else:
        one_round()     # warm-up
        print(json.dumps({**ready, **one_round()}))


if __name__ == "__main__":
    main()
