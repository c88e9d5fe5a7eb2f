"""Peer of `funaudio bench bert`: Hugging Face transformers' BertModel on the same folder.

Usage: bench_bert.py --model DIR [--repeats N] [--threads T] SENTENCE...

Prints one JSON object: load_ms (tokenizer + BertModel.from_pretrained), encode_ms (per
sentence: median over --repeats of tokenize + forward under no_grad, eval mode), tokens (per
sentence), hidden (per sentence: the last hidden states as nested lists, for the parity
check), torch and transformers versions, threads.
"""
import argparse
import json
import statistics
import time

import torch
import transformers
from transformers import AutoTokenizer, BertModel


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("sentences", nargs="+")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    transformers.logging.set_verbosity_error()

    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = BertModel.from_pretrained(args.model).eval()
    load_ms = (time.perf_counter() - start) * 1000

    encode_ms, tokens, hidden = [], [], []
    with torch.no_grad():
        for sentence in args.sentences:
            def encode():
                return model(**tokenizer(sentence, return_tensors="pt")).last_hidden_state[0]
            encode()
            times = []
            for _ in range(args.repeats):
                t = time.perf_counter()
                states = encode()
                times.append((time.perf_counter() - t) * 1000)
            encode_ms.append(statistics.median(times))
            tokens.append(states.shape[0])
            hidden.append(states.tolist())
    print(json.dumps({"load_ms": load_ms, "encode_ms": encode_ms, "tokens": tokens, "hidden": hidden,
                      "torch": torch.__version__, "transformers": transformers.__version__,
                      "threads": args.threads}))


if __name__ == "__main__":
    main()
