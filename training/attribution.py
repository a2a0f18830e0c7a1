"""Fine-tune MiniLM as a span tagger for attribution (source / cue / content) on PolNeAR.

Three B/I/O taggers share one encoder (one head each), so a cue inside another
statement's content can be tagged: nested attributions are common in news.
Articles are cut into overlapping windows (saywho.neural.token_windows), the
same way the runtime cuts them. Runs (learning rate x seed) are scored on the
dev split with the benchmark's exact span protocol; the best run (or the soup
of one learning rate's seeds) is chosen on dev and only then scored on test.

    python training/attribution.py --polnear ../shared/data/polnear --encoder DIR --out DIR
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from bench.polnear import GoldArticle, load_gold_split, unit_piece
from saywho.neural.bio import ROLES, best_word_tags, spans_from_tags, tags_from_spans
from saywho.neural.token_windows import (
    WINDOW,
    SpecialIds,
    TokenizedText,
    load_plain_tokenizer,
    special_ids,
    stitch,
    tokenize,
    window_starts,
    windows,
)
from training.common import (
    RunRecord,
    freeze_word_table,
    load_encoder,
    load_weights,
    save_chosen,
    seed_everything,
    uniform_soup,
    warmup_linear_decay,
)

TAGS = 3
GOLD_ROLE = {"Source": "source", "Cue": "cue", "Content": "content"}


class SpanTagger(nn.Module):
    def __init__(self, encoder: nn.Module, hidden: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hidden, len(ROLES) * TAGS)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        logits = self.head(self.dropout(hidden))
        return logits.view(*logits.shape[:2], len(ROLES), TAGS)  # type: ignore[no-any-return]


def article_tags(article: GoldArticle, tokens: TokenizedText) -> np.ndarray:
    by_role: dict[str, list[tuple[int, int]]] = {role: [] for role in ROLES}
    for gold_role, start, end in article.units:
        by_role[GOLD_ROLE[gold_role]].append((start, end))
    return np.stack([tags_from_spans(by_role[role], tokens.offsets) for role in ROLES], axis=1)


def training_windows(articles: list[GoldArticle], tokenizer) -> list[tuple[np.ndarray, np.ndarray]]:  # type: ignore[no-untyped-def]
    examples = []
    for article in articles:
        tokens = tokenize(tokenizer, article.text)
        tags = article_tags(article, tokens)
        for start in window_starts(len(tokens.ids)):
            examples.append((tokens.ids[start : start + WINDOW], tags[start : start + WINDOW]))
    return examples


def collate(examples: list[tuple[np.ndarray, np.ndarray]], specials: SpecialIds, device: str):  # type: ignore[no-untyped-def]
    length = max(len(ids) for ids, _ in examples) + 2
    ids = np.full((len(examples), length), specials.pad, dtype=np.int64)
    mask = np.zeros_like(ids)
    labels = np.full((len(examples), length, len(ROLES)), -100, dtype=np.int64)
    for row, (piece, tags) in enumerate(examples):
        ids[row, : len(piece) + 2] = [specials.first, *piece, specials.last]
        mask[row, : len(piece) + 2] = 1
        labels[row, 1 : len(piece) + 1] = tags
    as_tensor = lambda a: torch.from_numpy(a).to(device)  # noqa: E731
    return as_tensor(ids), as_tensor(mask), as_tensor(np.zeros_like(ids)), as_tensor(labels)


@torch.no_grad()
def predict_units(
    model: SpanTagger, article: GoldArticle, tokenizer, device: str
) -> set[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    tokens = tokenize(tokenizer, article.text)
    if len(tokens.ids) == 0:
        return set()
    scores = []
    for batch in windows(tokens, 32):
        tensors = [
            torch.from_numpy(a).to(device)
            for a in (batch.input_ids, batch.attention_mask, batch.token_type_ids)
        ]
        with torch.autocast(
            device_type=device.split(":")[0], dtype=torch.bfloat16, enabled=device != "cpu"
        ):
            logits = model(*tensors).float().softmax(-1).cpu().numpy()
        for row, start in enumerate(batch.starts):
            count = int(batch.attention_mask[row].sum()) - 2
            scores.append((start, logits[row, 1 : count + 1]))
    probabilities = stitch(scores, len(tokens.ids))
    units = set()
    for index, role in enumerate(ROLES):
        gold_role = next(g for g, r in GOLD_ROLE.items() if r == role)
        tags = best_word_tags(probabilities[:, index], tokens.continues_word)
        for start, end in spans_from_tags(tags, tokens.offsets):
            units.add((gold_role, *unit_piece(article.text, start, end)))
    return units


def span_scores(
    model: SpanTagger, articles: list[GoldArticle], tokenizer, device: str
) -> dict[str, float]:  # type: ignore[no-untyped-def]
    model.eval()
    counts = {role: [0, 0, 0] for role in GOLD_ROLE}
    for article in articles:
        predicted = predict_units(model, article, tokenizer, device)
        for role in GOLD_ROLE:
            gold = {u for u in article.units if u[0] == role}
            mine = {u for u in predicted if u[0] == role}
            counts[role][0] += len(gold & mine)
            counts[role][1] += len(mine - gold)
            counts[role][2] += len(gold - mine)
    scores = {}
    for role, (tp, fp, fn) in counts.items():
        scores[role] = round(100 * 2 * tp / max(1, 2 * tp + fp + fn), 2)
    scores["mean"] = round(sum(scores[r] for r in GOLD_ROLE) / 3, 2)
    return scores


def train_run(
    args, lr: float, seed: int, train: list, dev: list[GoldArticle], tokenizer, device: str
):  # type: ignore[no-untyped-def]
    seed_everything(seed)
    encoder = load_encoder(args.encoder)
    if getattr(args, "freeze_words", False):
        freeze_word_table(encoder)
    model = SpanTagger(encoder, encoder.config.hidden_size)
    if args.init:  # continue training a tagger rather than start from the bare encoder
        model.load_state_dict(load_weights(args.init, "attribution"))
    model = model.to(device)
    # A higher rate for the fresh head (German, CPU-short runs); English uses one rate.
    head_lr = getattr(args, "head_lr", None) or lr
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for p in model.encoder.parameters() if p.requires_grad], "lr": lr},
            {"params": model.head.parameters(), "lr": head_lr},
        ],
        weight_decay=0.01,
    )
    steps = args.epochs * ((len(train) + args.batch - 1) // args.batch)
    schedule = warmup_linear_decay(optimizer, steps)
    # Weight of the O tag in the loss (1 for English): below 1 it moves a short run
    # off the all-outside prior sooner.
    weights = torch.tensor([getattr(args, "outside_weight", 1.0), 1.0, 1.0], device=device)
    loss_fn = nn.CrossEntropyLoss(weight=weights, ignore_index=-100)
    rng = np.random.default_rng(seed)
    specials = special_ids(tokenizer)
    best: tuple[float, dict[str, torch.Tensor] | None, dict[str, float]] = (-1.0, None, {})
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(len(train))
        for first in range(0, len(order), args.batch):
            ids, mask, types, labels = collate(
                [train[i] for i in order[first : first + args.batch]], specials, device
            )
            with torch.autocast(
                device_type=device.split(":")[0], dtype=torch.bfloat16, enabled=device != "cpu"
            ):
                logits = model(ids, mask, types)
            loss = loss_fn(logits.float().reshape(-1, TAGS), labels.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
        scores = span_scores(model, dev, tokenizer, device)
        print(f"  lr={lr} seed={seed} epoch={epoch + 1} dev={scores}", flush=True)
        if scores["mean"] > best[0]:
            best = (
                scores["mean"],
                {k: v.detach().float().cpu().clone() for k, v in model.state_dict().items()},
                scores | {"epoch": epoch + 1},
            )
    assert best[1] is not None
    return best[1], best[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--polnear", type=Path, required=True)
    parser.add_argument("--encoder", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--lrs", default="5e-5,1e-4")
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--limit", type=int, default=0, help="articles per split (smoke test)")
    parser.add_argument(
        "--init", type=Path, help="weights folder of a trained tagger to continue training from"
    )
    args = parser.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    tokenizer = load_plain_tokenizer(str(args.encoder / "tokenizer.json"))
    limit = args.limit or None
    splits = {
        name: load_gold_split(args.polnear / name, limit) for name in ("train", "dev", "test")
    }
    train = training_windows(splits["train"], tokenizer)
    print(
        {name: len(a) for name, a in splits.items()},
        f"{len(train)} training windows",
        device,
        flush=True,
    )
    started = time.time()
    candidates = []
    model = SpanTagger(load_encoder(args.encoder), 384).to(device)
    for lr in [float(x) for x in args.lrs.split(",")]:
        states = []
        for seed in [int(x) for x in args.seeds.split(",")]:
            state, scores = train_run(args, lr, seed, train, splits["dev"], tokenizer, device)
            states.append(state)
            candidates.append((f"lr={lr} seed={seed} epoch={scores['epoch']}", state, scores))
        if len(states) > 1:
            soup = uniform_soup(states)
            model.load_state_dict(soup)
            candidates.append(
                (
                    f"lr={lr} soup of {len(states)}",
                    soup,
                    span_scores(model, splits["dev"], tokenizer, device),
                )
            )
            print(f"soup lr={lr}: {candidates[-1][2]}", flush=True)
    name, chosen, dev = max(candidates, key=lambda c: c[2]["mean"])
    model.load_state_dict(chosen)
    test = span_scores(model, splits["test"], tokenizer, device)
    save_chosen(
        args.out,
        "attribution",
        (name, chosen, dev),
        test,
        candidates,
        RunRecord(args.epochs, args.batch, device, started),
    )


if __name__ == "__main__":
    main()
