"""Fine-tune multilingual-e5-small as a target-dependent stance classifier on RuSentNE.

The architecture and inputs are the English stance model's (``training/stance.py``:
``mention </s></s> left < target > right``, a head over the first token, the mean
of all tokens and the mean of the target's tokens); the encoder is the
multilingual one that ``training/e5_encoder.py`` unpacks. The word-embedding
table stays frozen, so the shipped model can keep it in the 4-bit form it came
in. Each epoch is scored on RuSentNE dev half A (the half that chooses: the
epoch and the neutral bias, folded into the head's bias); half B is only
reported. Usage:

    python training/stance_rusentne.py --rusentne ../shared/data/rusentne \
        --encoder build/e5-encoder --out build/stance-e5
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from bench.rusentne import BIAS_GRID, f1_pn, half_of, read_items
from saywho.neural.pair_encoding import TargetInText, encode_pairs, load_tokenizer
from training.common import (
    FROZEN_TABLE,
    freeze_word_table,
    load_encoder,
    save_weights_in_chunks,
    seed_everything,
    warmup_linear_decay,
    write_json,
)
from training.stance import LABELS, StanceClassifier

NEUTRAL = LABELS.index("neutral")
Example = tuple[TargetInText, int, str]  # target in its sentence, gold index, dev half


def examples_of(path: Path) -> list[Example]:
    return [
        (
            TargetInText(item["text"], target["start"], target["end"]),
            LABELS.index(target["gold"]),
            half_of(item["text"]),
        )
        for item in read_items(path)
        for target in item["targets"]
    ]


def tensors_of(tokenizer, chosen: list[Example]) -> dict[str, torch.Tensor]:  # type: ignore[no-untyped-def]
    encoded = encode_pairs(tokenizer, [item for item, _, _ in chosen])
    names = ("input_ids", "attention_mask", "token_type_ids", "target_mask")
    return {name: torch.from_numpy(getattr(encoded, name)) for name in names}


@torch.no_grad()
def logits_of(model: StanceClassifier, examples: list[Example], tokenizer) -> np.ndarray:  # type: ignore[no-untyped-def]
    model.eval()
    logits = np.zeros((len(examples), len(LABELS)), dtype=np.float32)
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0].text))
    for first in range(0, len(order), 64):
        chosen = order[first : first + 64]
        logits[chosen] = model(**tensors_of(tokenizer, [examples[i] for i in chosen])).numpy()
    return logits


def scores(logits: np.ndarray, examples: list[Example], neutral_bias: float) -> dict[str, float]:
    shifted = logits.copy()
    shifted[:, NEUTRAL] += neutral_bias
    predicted = [LABELS[int(i)] for i in shifted.argmax(1)]
    gold = [LABELS[label] for _, label, _ in examples]
    result = {}
    for half in ("A", "B", "all"):
        chosen = [i for i, (_, _, h) in enumerate(examples) if half in (h, "all")]
        result[half] = round(f1_pn([gold[i] for i in chosen], [predicted[i] for i in chosen]), 1)
    return result


@dataclass
class Trainer:
    model: StanceClassifier
    loss_fn: nn.CrossEntropyLoss
    optimizer: torch.optim.Optimizer
    schedule: torch.optim.lr_scheduler.LambdaLR

    def epoch(self, train: list[Example], tokenizer, batch: int, rng) -> None:  # type: ignore[no-untyped-def]
        self.model.train()
        trained = [p for p in self.model.parameters() if p.requires_grad]
        order = rng.permutation(len(train))
        for first in range(0, len(train), batch):
            chosen = [train[i] for i in order[first : first + batch]]
            logits = self.model(**tensors_of(tokenizer, chosen))
            self.loss_fn(logits, torch.tensor([c[1] for c in chosen])).backward()
            torch.nn.utils.clip_grad_norm_(trained, 1.0)
            self.optimizer.step()
            self.schedule.step()
            self.optimizer.zero_grad(set_to_none=True)


def trainer_for(encoder_dir: Path, train: list[Example], args: argparse.Namespace) -> Trainer:
    seed_everything(args.seed)
    encoder = load_encoder(encoder_dir)
    freeze_word_table(encoder)
    model = StanceClassifier(encoder, encoder.config.hidden_size)
    counts = Counter(label for _, label, _ in train)
    # sqrt-inverse-frequency class weights, as for English: neutral dominates.
    weights = [(len(train) / (len(LABELS) * counts[i])) ** 0.5 for i in range(len(LABELS))]
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(train) + args.batch - 1) // args.batch)
    return Trainer(
        model,
        nn.CrossEntropyLoss(weight=torch.tensor(weights)),
        optimizer,
        warmup_linear_decay(optimizer, steps),
    )


def neutral_bias_on_a(logits: np.ndarray, dev: list[Example]) -> float:
    in_a = [i for i, example in enumerate(dev) if example[2] == "A"]
    chosen = [dev[i] for i in in_a]
    return float(max(BIAS_GRID, key=lambda b: scores(logits[in_a], chosen, float(b))["A"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rusentne", type=Path, required=True)
    parser.add_argument("--encoder", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="first N targets (smoke test)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train = examples_of(args.rusentne / "train.csv")
    dev = examples_of(args.rusentne / "dev.csv")
    if args.limit:
        train, dev = train[: args.limit], dev[: args.limit]
    tokenizer = load_tokenizer(str(args.encoder / "tokenizer.json"))
    trainer = trainer_for(args.encoder, train, args)
    rng = np.random.default_rng(args.seed)
    started = time.time()
    best: tuple[float, int, float, dict[str, torch.Tensor]] | None = None
    history = []
    for epoch in range(1, args.epochs + 1):
        trainer.epoch(train, tokenizer, args.batch, rng)
        logits = logits_of(trainer.model, dev, tokenizer)
        bias = neutral_bias_on_a(logits, dev)
        result = scores(logits, dev, bias)
        history.append({"epoch": epoch, "neutral_bias": bias, **result})
        print(f"epoch {epoch} ({time.time() - started:.0f} s): {history[-1]}", flush=True)
        if best is None or result["A"] > best[0]:
            state = trainer.model.state_dict()
            kept = {k: v.detach().clone() for k, v in state.items() if k != FROZEN_TABLE}
            best = (result["A"], epoch, bias, kept)
    assert best is not None
    _, epoch, bias, kept = best
    kept["head.bias"][NEUTRAL] += bias  # the chosen neutral bias travels in the weights
    save_weights_in_chunks(kept, args.out, "stance")
    write_json(
        args.out / "stance-metrics.json",
        {
            "chosen_epoch": epoch,
            "neutral_bias": bias,
            "history": history,
            "lr": args.lr,
            "batch": args.batch,
            "seconds": round(time.time() - started, 1),
        },
    )


if __name__ == "__main__":
    main()
