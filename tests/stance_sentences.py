"""Russian sentences with a clear verdict on one target, written for the stance tests."""

from __future__ import annotations

import json
from pathlib import Path

from saywho.cli import main

# (text, target, polarity), for every stance model that reads Russian.
CLEAR_RUSSIAN = [
    ("Суд признал мэра Петрова виновным в коррупции и мошенничестве.", "Петрова", "negative"),
    ("Оппозиция обвинила правительство во лжи и коррупции.", "правительство", "negative"),
    (
        "Президент наградил врача Смирнову орденом за спасение сотен жизней.",
        "Смирнову",
        "positive",
    ),
    ("Делегация Китая прибыла в Москву во вторник.", "Китая", "neutral"),
]


def polarity_by_command(tmp_path: Path, stance_model: str) -> tuple[str, float]:
    """``saywho stance`` with a blank Russian pipeline on the first sentence above."""
    text, target, _ = CLEAR_RUSSIAN[0]
    start = text.index(target)
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    record = {"id": 1, "text": text, "targets": [{"start": start, "end": start + len(target)}]}
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    command = ["stance", "--stance-model", stance_model, "--spacy-model", "blank:ru"]
    assert main([*command, str(source), str(out)]) == 0
    [line] = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    [judged] = line["targets"]
    return judged["polarity"], judged["score"]
