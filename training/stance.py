"""Fine-tune MiniLM as a target-dependent stance classifier on NewsMTSC.

Grid: learning rates x seeds; each run is scored on the rw and mt dev sets.
Candidates are every single run and, per learning rate, the uniform "soup"
(the mean of the seeds' weights, which fine-tunes from one initialisation
allow). The candidate with the best mean dev macro-F1 is chosen; only then is
it scored on the test sets. Usage:

    python training/stance.py --newsmtsc ../shared/data/newsmtsc --encoder DIR --out DIR
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from torch import nn

from saywho.neural.pair_encoding import TargetInText, encode_pairs, load_tokenizer
from training.common import (
    RunRecord,
    load_encoder,
    save_chosen,
    seed_everything,
    uniform_soup,
    warmup_linear_decay,
)

LABELS = ("negative", "neutral", "positive")
POLARITY_OF_SCORE = {2.0: 0, 4.0: 1, 6.0: 2}
Example = tuple[TargetInText, int]


class StanceClassifier(nn.Module):
    """Encoder + a linear head over [CLS; mean of all tokens; mean of the target's tokens]."""

    def __init__(self, encoder: nn.Module, hidden: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(3 * hidden, len(LABELS))

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor,
        target_mask: torch.Tensor,
    ) -> torch.Tensor:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        tokens = attention_mask.unsqueeze(-1).to(hidden.dtype)
        target = target_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = torch.cat(
            [
                hidden[:, 0],
                (hidden * tokens).sum(1) / tokens.sum(1).clamp(min=1.0),
                (hidden * target).sum(1) / target.sum(1).clamp(min=1.0),
            ],
            dim=-1,
        )
        return self.head(self.dropout(pooled))  # type: ignore[no-any-return]


def read_split(path: Path) -> list[Example]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text = record["sentence_normalized"]
        for target in record["targets"]:
            item = TargetInText(text, int(target["from"]), int(target["to"]))
            examples.append((item, POLARITY_OF_SCORE[float(target["polarity"])]))
    return examples


def macro_f1(gold: list[int], predicted: list[int]) -> float:
    scores = []
    for label in range(len(LABELS)):
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return 100 * sum(scores) / len(scores)


def batches(examples: list[Example], size: int, tokenizer, device: str, shuffle: bool, rng=None):  # type: ignore[no-untyped-def]
    order = np.arange(len(examples))
    if shuffle:
        rng.shuffle(order)
    else:  # by length: fewer pad tokens, same predictions
        order = np.array(sorted(order, key=lambda i: len(examples[i][0].text)))
    for start in range(0, len(order), size):
        chosen = [examples[i] for i in order[start : start + size]]
        encoded = encode_pairs(tokenizer, [item for item, _ in chosen])
        tensors = {
            name: torch.from_numpy(getattr(encoded, name)).to(device)
            for name in ("input_ids", "attention_mask", "token_type_ids", "target_mask")
        }
        labels = torch.tensor([label for _, label in chosen], device=device)
        yield order[start : start + size], tensors, labels


@torch.no_grad()
def predict(model: StanceClassifier, examples: list[Example], tokenizer, device: str) -> list[int]:  # type: ignore[no-untyped-def]
    model.eval()
    predicted = np.zeros(len(examples), dtype=np.int64)
    for indices, tensors, _ in batches(examples, 128, tokenizer, device, shuffle=False):
        with torch.autocast(
            device_type=device.split(":")[0], dtype=torch.bfloat16, enabled=device != "cpu"
        ):
            logits = model(**tensors)
        predicted[indices] = logits.argmax(-1).cpu().numpy()
    return predicted.tolist()


def train_run(
    args: argparse.Namespace,
    lr: float,
    seed: int,
    data: dict[str, list[Example]],
    tokenizer,
    device: str,
):  # type: ignore[no-untyped-def]
    seed_everything(seed)
    encoder = load_encoder(args.encoder)
    model = StanceClassifier(encoder, encoder.config.hidden_size).to(device)
    counts = Counter(label for _, label in data["train"])
    # sqrt-inverse-frequency class weights: the positive class is the rare, weak one.
    weights = torch.tensor(
        [(len(data["train"]) / (len(LABELS) * counts[i])) ** 0.5 for i in range(len(LABELS))],
        device=device,
    )
    loss_fn = nn.CrossEntropyLoss(weight=weights)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    steps = args.epochs * ((len(data["train"]) + args.batch - 1) // args.batch)
    schedule = warmup_linear_decay(optimizer, steps)
    rng = np.random.default_rng(seed)
    history = []
    for epoch in range(args.epochs):
        model.train()
        for _, tensors, labels in batches(data["train"], args.batch, tokenizer, device, True, rng):
            with torch.autocast(
                device_type=device.split(":")[0], dtype=torch.bfloat16, enabled=device != "cpu"
            ):
                logits = model(**tensors)
            loss = loss_fn(logits.float(), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
        history.append(dev_scores(model, data, tokenizer, device))
        print(f"  lr={lr} seed={seed} epoch={epoch + 1} dev={history[-1]}", flush=True)
    state = {k: v.detach().float().cpu().clone() for k, v in model.state_dict().items()}
    return state, history


def dev_scores(
    model: StanceClassifier, data: dict[str, list[Example]], tokenizer, device: str
) -> dict[str, float]:  # type: ignore[no-untyped-def]
    scores = {}
    for split in ("dev-rw", "dev-mt"):
        gold = [label for _, label in data[split]]
        scores[split] = round(macro_f1(gold, predict(model, data[split], tokenizer, device)), 2)
    scores["dev-mean"] = round((scores["dev-rw"] + scores["dev-mt"]) / 2, 2)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--newsmtsc", type=Path, required=True)
    parser.add_argument("--encoder", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--lrs", default="3e-5,5e-5,8e-5")
    parser.add_argument("--seeds", default="0,1,2,3")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument(
        "--limit", type=int, default=0, help="train on the first N examples (smoke test)"
    )
    args = parser.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    tokenizer = load_tokenizer(str(args.encoder / "tokenizer.json"))
    data = {
        "train": read_split(args.newsmtsc / "train.jsonl"),
        "dev-rw": read_split(args.newsmtsc / "rw" / "dev.jsonl"),
        "dev-mt": read_split(args.newsmtsc / "mt" / "dev.jsonl"),
        "test-rw": read_split(args.newsmtsc / "rw" / "test.jsonl"),
        "test-mt": read_split(args.newsmtsc / "mt" / "test.jsonl"),
    }
    if args.limit:
        data = {name: examples[: args.limit] for name, examples in data.items()}
    print({name: len(examples) for name, examples in data.items()}, device, flush=True)
    started = time.time()
    candidates: list[tuple[str, dict[str, torch.Tensor], dict[str, float]]] = []
    model = StanceClassifier(load_encoder(args.encoder), 384).to(device)
    for lr in [float(x) for x in args.lrs.split(",")]:
        states = []
        for seed in [int(x) for x in args.seeds.split(",")]:
            state, history = train_run(args, lr, seed, data, tokenizer, device)
            states.append(state)
            candidates.append((f"lr={lr} seed={seed}", state, history[-1]))
        soup = uniform_soup(states)
        model.load_state_dict(soup)
        candidates.append(
            (f"lr={lr} soup of {len(states)}", soup, dev_scores(model, data, tokenizer, device))
        )
        print(f"soup lr={lr}: {candidates[-1][2]}", flush=True)
    name, chosen, dev = max(candidates, key=lambda c: c[2]["dev-mean"])
    model.load_state_dict(chosen)
    test = {}
    for split in ("test-rw", "test-mt"):
        gold = [label for _, label in data[split]]
        test[split] = round(macro_f1(gold, predict(model, data[split], tokenizer, device)), 2)
    save_chosen(
        args.out,
        "stance",
        (name, chosen, dev),
        test,
        candidates,
        RunRecord(args.epochs, args.batch, device, started),
    )


if __name__ == "__main__":
    main()
