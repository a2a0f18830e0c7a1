"""Fine-tune MiniLM as a German quotation tagger (speaker / cue / quote) on german-quotes.

The same three-role B/I/O span tagger as the English model (training/attribution.py),
from the same base encoder: the German set's speaker, cue and quote spans become
source, cue and content, so the runtime decoding in saywho.attribution.minilm reads
its output unchanged. Runs are scored on dev with the span-exact protocol the English
training uses; the chosen epoch's weights are saved, and test is scored once.

    python training/german_quotes.py --data ../shared/data/german-quotes --encoder DIR --out DIR
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import torch

from bench.polnear import GoldArticle, unit_piece
from saywho.neural.token_windows import load_plain_tokenizer
from training.attribution import train_run, training_windows
from training.common import RunRecord, save_chosen

# The German set's roles in PolNeAR's names, which the English training code reads.
ROLE_OF_FIELD = {"speaker": "Source", "cue": "Cue", "quote": "Content"}


def load_split(path: Path, limit: int | None = None) -> list[GoldArticle]:
    """A split's articles as span units; frame and addressee are not tagged."""
    articles = []
    for line in path.read_text(encoding="utf-8").splitlines()[:limit]:
        record = json.loads(line)
        text = record["text"]
        units = {
            (role, *unit_piece(text, start, end))
            for quote in record["quotes"]
            for field, role in ROLE_OF_FIELD.items()
            for start, end in quote[field]
        }
        articles.append(GoldArticle(record["id"], text, "", frozenset(units), ()))
    return articles


# The media a gold label allows (SW: speech or writing); "none" allows none.
ALLOWED = {
    "Speech": ("speech",),
    "Writing": ("writing",),
    "Thought": ("thought",),
    "SW": ("speech", "writing"),
    "ST": ("speech", "thought"),
    "TW": ("writing", "thought"),
}
MIN_CUES = 3  # a word seen with fewer quotes says nothing
MIN_RATIO = 1.5  # how much more often a word's quotes allow the other medium than speech


def medium_table(path: Path) -> dict[str, str]:
    """Cue word -> medium, for the words whose quotes allow writing (or thought) at
    least MIN_RATIO times as often as speech: the table saywho.attribution.quotes ships
    (words only, no text). Every other cue word means speech."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for quote in record["quotes"]:
            cue = " ".join(record["text"][s:e] for s, e in quote["cue"]).lower()
            for word in set(re.findall(r"\w+", cue)):
                counts[word]["quotes"] += 1
                counts[word].update(ALLOWED.get(quote["medium"], ()))
    return {
        word: medium
        for word, count in sorted(counts.items())
        for medium in ("writing", "thought")
        if count["quotes"] >= MIN_CUES and count[medium] >= MIN_RATIO * max(1, count["speech"])
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--encoder", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="articles per split (smoke test)")
    parser.add_argument("--medium-table", action="store_true", help="print it and stop")
    parser.add_argument(
        "--windows", type=int, default=0, help="train on this many random windows (CPU time)"
    )
    parser.add_argument("--outside-weight", type=float, default=1.0, help="loss weight of O")
    parser.add_argument("--head-lr", type=float, default=0.0, help="the head's rate (0: --lr)")
    parser.add_argument("--init", type=Path, help="weights folder of a tagger to continue")
    parser.add_argument("--dev-articles", type=int, default=0, help="score dev on the first N")
    parser.add_argument(
        "--freeze-words", action="store_true", help="keep the word table (e5: shipped 4-bit)"
    )
    args = parser.parse_args()
    if args.medium_table:
        print(json.dumps(medium_table(args.data / "train.jsonl"), ensure_ascii=False, indent=4))
        return
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    tokenizer = load_plain_tokenizer(str(args.encoder / "tokenizer.json"))
    splits = {
        name: load_split(args.data / f"{name}.jsonl", args.limit or None)
        for name in ("train", "dev", "test")
    }
    train = training_windows(splits["train"], tokenizer)
    if args.windows:
        chosen = np.random.default_rng(args.seed).permutation(len(train))[: args.windows]
        train = [train[i] for i in sorted(chosen)]
    if args.dev_articles:
        splits["dev"] = splits["dev"][: args.dev_articles]
    print({n: len(a) for n, a in splits.items()}, f"{len(train)} windows", device, flush=True)
    started = time.time()
    state, dev = train_run(args, args.lr, args.seed, train, splits["dev"], tokenizer, device)
    name = f"lr={args.lr} seed={args.seed} epoch={dev['epoch']}"
    save_chosen(  # test is scored once, by bench/german_quotes.py
        args.out,
        "attribution",
        (name, state, dev),
        {},
        [(name, state, dev)],
        RunRecord(args.epochs, args.batch, device, started),
    )


if __name__ == "__main__":
    main()
