"""One vocabulary: the ``Literal`` types of ``saywho.model`` are the values the
``saywho.article/1`` JSON Schema allows, and the stance model's outputs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any, get_args

import pytest

from saywho import model

SCHEMA: dict[str, Any] = json.loads(
    resources.files("saywho").joinpath("data/article.schema.json").read_text("utf-8")
)

# Where each enum of the schema lives (a JSON pointer), and the type it must equal.
ENUMS: dict[str, object] = {
    "/properties/entities/items/properties/type": model.EntityType,
    "/properties/statements/items/properties/kind": model.Kind,
    "/properties/statements/items/properties/medium": model.Medium,
    "/properties/statements/items/properties/act": model.Act,
    "/properties/ledger/items/properties/actor_type": model.ActorType,
    "/$defs/polarity": model.Polarity,
}


def _enums(node: object, pointer: str = "") -> Iterator[tuple[str, list[object]]]:
    """(JSON pointer, values) for every ``enum`` in the schema."""
    if isinstance(node, dict):
        if "enum" in node:
            yield pointer, node["enum"]
        for key, value in node.items():
            yield from _enums(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _enums(value, f"{pointer}/{index}")


def test_every_schema_enum_has_its_literal_type() -> None:
    assert sorted(pointer for pointer, _ in _enums(SCHEMA)) == sorted(ENUMS)


@pytest.mark.parametrize("pointer", sorted(ENUMS))
def test_schema_enum_equals_the_literal_type(pointer: str) -> None:
    values = dict(_enums(SCHEMA))[pointer]
    assert len(values) == len(set(values)), f"{pointer} repeats a value"
    assert set(values) == set(get_args(ENUMS[pointer]))


def test_polarities_are_referenced_not_repeated() -> None:
    # Stances and ledger evidence share the one polarity definition.
    text = json.dumps(SCHEMA)
    assert text.count('"#/$defs/polarity"') == 2


def test_stance_model_outputs_are_the_polarities_in_training_order() -> None:
    # The model was trained with labels 0, 1, 2 = negative, neutral, positive
    # (training/stance.py): reordering the Literal would misread every output.
    from saywho.stance.encoder import LABELS

    assert LABELS == get_args(model.Polarity) == ("negative", "neutral", "positive")
