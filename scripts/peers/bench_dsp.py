#!/usr/bin/env python3
"""librosa's side of `funaudio bench dsp`: times STFT, mel spectrogram and Griffin-Lim on the
signal FunAudio wrote (a float32 .npy), with the same parameters, and prints one JSON line:

    {"stft_ms": …, "mel_ms": …, "griffinlim_ms": …, "librosa": "0.11.0", "repeats": {…}}

Each figure is the best (minimum) wall time of several runs after one warm-up run, the
statistic timeit recommends: on a shared machine the slower runs measure the neighbours.
usage: bench_dsp.py SIGNAL.npy SAMPLE_RATE N_FFT HOP N_MELS GL_ITERATIONS REPEATS
(Griffin-Lim runs max(3, REPEATS // 6) times, as on FunAudio's side.)
"""
import json
import sys
import time

import librosa
import numpy as np


def best_ms(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main():
    path, *numbers = sys.argv[1:8]
    sr, n_fft, hop, n_mels, iterations, runs = map(int, numbers)
    y = np.load(path)
    S = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop))
    repeats = {"stft": runs, "mel": runs, "griffinlim": max(3, runs // 6)}
    result = {
        "stft_ms": best_ms(lambda: librosa.stft(y, n_fft=n_fft, hop_length=hop), repeats["stft"]),
        "mel_ms": best_ms(lambda: librosa.feature.melspectrogram(
            y=y, sr=sr, n_fft=n_fft, hop_length=hop, n_mels=n_mels), repeats["mel"]),
        "griffinlim_ms": best_ms(lambda: librosa.griffinlim(
            S, n_iter=iterations, hop_length=hop, n_fft=n_fft, random_state=0), repeats["griffinlim"]),
        "librosa": librosa.__version__,
        "repeats": repeats,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
