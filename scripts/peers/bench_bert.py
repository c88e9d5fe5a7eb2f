"""Peer of `funaudio bench bert`: Hugging Face transformers' BertModel on the same folder.

Usage: bench_bert.py --model DIR [--repeats N] [--threads T] [--serve] SENTENCE...

Started with `--serve` by FunAudio (protocol in rounds.py). The ready line gives load_ms
(tokenizer + BertModel.from_pretrained), tokens and hidden (per sentence: the last hidden
states as nested lists, for the parity check), the torch and transformers versions and
threads. Each round prints encode_ms_<i> for sentence i: the median over --repeats of
tokenize + forward under no_grad, eval mode. Without --serve it prints one round merged into
the ready object.
"""
import argparse
import json
import os
import sys
import time

import torch
import transformers
from transformers import AutoTokenizer, BertModel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rounds import median_ms, serve  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--serve", action="store_true", help="answer `round` lines on stdin (rounds.py)")
    parser.add_argument("sentences", nargs="+")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    transformers.logging.set_verbosity_error()

    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = BertModel.from_pretrained(args.model).eval()
    load_ms = (time.perf_counter() - start) * 1000

    def encoder(sentence):
        def encode():
            with torch.no_grad():
                return model(**tokenizer(sentence, return_tensors="pt")).last_hidden_state[0]
        return encode

    encoders = [encoder(s) for s in args.sentences]
    hidden = [encode() for encode in encoders]
    ready = {"load_ms": load_ms, "tokens": [h.shape[0] for h in hidden], "hidden": [h.tolist() for h in hidden],
             "torch": torch.__version__, "transformers": transformers.__version__, "threads": args.threads}

    def one_round():
        return {f"encode_ms_{i}": median_ms(encode, args.repeats) for i, encode in enumerate(encoders)}

    if args.serve:
        serve(ready, one_round)
    else:
        print(json.dumps({**ready, **one_round()}))


if __name__ == "__main__":
    main()
