"""An article's text cut into segments, each with the highlights that cover it.

Speakers, cues, contents and entity mentions overlap and nest (a speaker is
often also a mention, a mention sits inside a content), so the text is cut at
every span boundary and each piece lists what covers it. The template renders
one escaped element per piece; no markup is ever built from the text itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

Layer = Literal["speaker", "cue", "content", "mention"]
LAYERS: tuple[Layer, ...] = ("speaker", "cue", "content", "mention")


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    layer: Layer
    statement: str | None = None  # the statement's anchor, for speaker, cue and content
    entity: str | None = None  # the canonical entity, for mentions


@dataclass(frozen=True)
class Segment:
    text: str
    layers: tuple[Layer, ...]
    statements: tuple[str, ...]
    entity: str | None  # the innermost mention's entity, which the segment links to


def segments(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """``text`` cut at every mark boundary; marks outside the text are clipped or dropped.

    A sweep over sorted boundaries: O((text pieces + marks) log marks), since an
    article page may carry hundreds of marks.
    """
    size = len(text)
    clipped = [
        Mark(max(0, mark.start), min(size, mark.end), mark.layer, mark.statement, mark.entity)
        for mark in marks
    ]
    clipped = [mark for mark in clipped if mark.start < mark.end]
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for index, mark in enumerate(clipped):
        starts.setdefault(mark.start, []).append(index)
        ends.setdefault(mark.end, []).append(index)
    boundaries = sorted({0, size, *starts, *ends})
    active: dict[int, Mark] = {}
    pieces: list[Segment] = []
    for left, right in pairwise(boundaries):
        for index in ends.get(left, ()):
            active.pop(index, None)
        for index in starts.get(left, ()):
            active[index] = clipped[index]
        pieces.append(_segment(text[left:right], active.values()))
    return pieces


def _segment(text: str, covering: Iterable[Mark]) -> Segment:
    marks = list(covering)
    if not marks:
        return Segment(text, (), (), None)
    layers = tuple(layer for layer in LAYERS if any(mark.layer == layer for mark in marks))
    statements = tuple(dict.fromkeys(m.statement for m in marks if m.statement is not None))
    mentions = [mark for mark in marks if mark.layer == "mention" and mark.entity]
    # Nested mentions ("Russian" inside "the Russian Foreign Ministry"): the shortest wins.
    innermost = min(mentions, key=lambda mark: mark.end - mark.start, default=None)
    return Segment(text, layers, statements, innermost.entity if innermost else None)


def statement_marks(
    anchor: str,
    speaker: tuple[int, int] | None,
    cue: tuple[int, int] | None,
    content: Sequence[tuple[int, int]],
) -> list[Mark]:
    """The marks of one statement: its speaker, cue and content pieces."""
    marks = [Mark(start, end, "content", anchor) for start, end in content]
    if speaker is not None:
        marks.append(Mark(*speaker, "speaker", anchor))
    if cue is not None:
        marks.append(Mark(*cue, "cue", anchor))
    return marks
