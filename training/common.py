"""Shared by the training scripts: the encoder, seeding, weights in and out.

Runs on a laptop CPU or a GPU machine alike (torch + transformers, either the
pinned CPU build here or whatever the GPU image has): nothing in it depends on
one version's quirks. Weights travel as safetensors; fp16 halves the bytes.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from transformers import BertConfig, BertModel

CHUNK_BYTES = 15 * 1024 * 1024  # files come back from the GPU machine in pieces under 16 MiB
# The word table of an encoder trained frozen, by its name in a model that holds the
# encoder as ``encoder``: the e5 models ship the table as it came (4-bit, shared).
FROZEN_TABLE = "encoder.embeddings.word_embeddings.weight"


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


def freeze_word_table(encoder: BertModel) -> None:
    """Train everything but the word table (``FROZEN_TABLE``)."""
    encoder.embeddings.word_embeddings.weight.requires_grad_(False)


def load_encoder(encoder_dir: Path) -> BertModel:
    """MiniLM (a BERT) from a folder holding config.json and *.safetensors weights."""
    config = BertConfig.from_json_file(str(encoder_dir / "config.json"))
    model = BertModel(config, add_pooling_layer=False)
    state = {
        k.removeprefix("bert."): v
        for k, v in load_weights(encoder_dir).items()
        if not k.startswith("pooler")
    }
    missing, unexpected = model.load_state_dict(state, strict=False)
    # Older checkpoints store position_ids as a buffer; newer models rebuild it.
    missing = [k for k in missing if "position_ids" not in k]
    unexpected = [k for k in unexpected if "position_ids" not in k]
    if missing or unexpected:
        raise RuntimeError(
            f"encoder weights do not fit: missing {missing}, unexpected {unexpected}"
        )
    return model


PART = "@part"  # a tensor too big for one file is saved as row blocks NAME@partN


def load_weights(folder: Path, stem: str = "") -> dict[str, torch.Tensor]:
    """The tensors of a folder's ``{stem}*.safetensors`` files, parts joined, as fp32
    (they travel as fp16; every user computes in fp32)."""
    pieces: dict[str, torch.Tensor] = {}
    for path in sorted(folder.glob(f"{stem}*.safetensors")):
        pieces.update(load_file(str(path)))
    state = {name: tensor for name, tensor in pieces.items() if PART not in name}
    parted = sorted((n for n in pieces if PART in n), key=lambda n: int(n.rsplit(PART, 1)[1]))
    for name in dict.fromkeys(n.rsplit(PART, 1)[0] for n in parted):
        state[name] = torch.cat([pieces[n] for n in parted if n.rsplit(PART, 1)[0] == name])
    return {name: tensor.float() for name, tensor in state.items()}


def save_weights_in_chunks(state: dict[str, torch.Tensor], folder: Path, stem: str) -> list[Path]:
    """fp16 safetensors files of at most CHUNK_BYTES each."""
    folder.mkdir(parents=True, exist_ok=True)
    chunks: list[dict[str, torch.Tensor]] = [{}]
    size = 0
    for name, whole in state.items():
        whole = whole.detach().to("cpu", torch.float16).contiguous()
        rows_per_part = max(1, CHUNK_BYTES // max(1, whole[0].numel() * 2)) if whole.dim() else 1
        parts = [whole] if whole.numel() * 2 <= CHUNK_BYTES else list(whole.split(rows_per_part))
        for number, tensor in enumerate(parts):
            key = name if len(parts) == 1 else f"{name}{PART}{number}"
            if size + tensor.numel() * 2 > CHUNK_BYTES and chunks[-1]:
                chunks.append({})
                size = 0
            chunks[-1][key] = tensor.contiguous()
            size += tensor.numel() * 2
    paths = []
    for number, chunk in enumerate(chunks):
        path = folder / f"{stem}-{number:02d}.safetensors"
        save_file(chunk, str(path))
        paths.append(path)
    return paths


def write_json(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2) + "\n")


def warmup_linear_decay(
    optimizer: torch.optim.Optimizer, steps: int, warmup_share: float = 0.1
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up over the first tenth of the steps, then linear decay to zero."""
    warmup = max(1, int(warmup_share * steps))
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: (
            min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / max(1, steps - warmup))
        ),
    )


def uniform_soup(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The mean of fine-tunes from one initialisation (a "model soup")."""
    return {name: torch.stack([state[name] for state in states]).mean(0) for name in states[0]}


def save_chosen(
    out: Path,
    stem: str,
    chosen: tuple[str, dict[str, torch.Tensor], dict[str, float]],
    test: dict[str, float],
    candidates: list[tuple[str, dict[str, torch.Tensor], dict[str, float]]],
    run: RunRecord,
) -> None:
    """The chosen weights (fp16, in pieces) and a record of how they were chosen."""
    name, state, dev = chosen
    print(f"chosen {name}: dev {dev} test {test}", flush=True)
    save_weights_in_chunks(state, out, stem)
    write_json(
        out / f"{stem}-metrics.json",
        {
            "chosen": name,
            "dev": dev,
            "test": test,
            "candidates": [{"name": n, "dev": d} for n, _, d in candidates],
            "epochs": run.epochs,
            "batch": run.batch,
            "seconds": round(time.time() - run.started, 1),
            "device": run.device,
        },
    )


@dataclass(frozen=True)
class RunRecord:
    """How a training run was set up, for its metrics file."""

    epochs: int
    batch: int
    device: str
    started: float
