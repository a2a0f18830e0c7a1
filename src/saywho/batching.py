"""Fixed-size batches of a stream (``itertools.batched`` arrived only in Python 3.12)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def batched_for_workers(items: Iterable[T], size: int, workers: int) -> Iterator[list[T]]:
    """Batches of ``size`` for ``workers`` processes; a stream too short to give each
    worker a full batch is split evenly instead, so that no worker waits idle."""
    iterator = iter(items)
    head = list(islice(iterator, size * workers))
    if len(head) < size * workers:
        size = max(1, -(-len(head) // workers))
    return batched(chain(head, iterator), size)
