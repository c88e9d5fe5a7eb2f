#!/usr/bin/env python3
"""librosa's side of `funaudio bench dsp`: times STFT, mel spectrogram and Griffin-Lim on the
signal FunAudio wrote (a float32 .npy), with the same parameters, and prints one JSON line:

    {"stft_ms": …, "mel_ms": …, "griffinlim_ms": …, "librosa": "0.11.0", "repeats": {…}}

Each figure is the median wall time of several runs after one warm-up run.
usage: bench_dsp.py SIGNAL.npy SAMPLE_RATE N_FFT HOP N_MELS GL_ITERATIONS
"""
import json
import sys
import time

import librosa
import numpy as np


def median_ms(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times))


def main():
    path, sr, n_fft, hop, n_mels, iterations = sys.argv[1:7]
    sr, n_fft, hop, n_mels, iterations = int(sr), int(n_fft), int(hop), int(n_mels), int(iterations)
    y = np.load(path)
    S = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop))
    repeats = {"stft": 30, "mel": 30, "griffinlim": 5}
    result = {
        "stft_ms": median_ms(lambda: librosa.stft(y, n_fft=n_fft, hop_length=hop), repeats["stft"]),
        "mel_ms": median_ms(lambda: librosa.feature.melspectrogram(
            y=y, sr=sr, n_fft=n_fft, hop_length=hop, n_mels=n_mels), repeats["mel"]),
        "griffinlim_ms": median_ms(lambda: librosa.griffinlim(
            S, n_iter=iterations, hop_length=hop, n_fft=n_fft, random_state=0), repeats["griffinlim"]),
        "librosa": librosa.__version__,
        "repeats": repeats,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
