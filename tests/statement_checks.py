"""What the attribution tests check of every statement list: that each offset indexes
the text it came from, and which one statement says a phrase."""

from __future__ import annotations

from saywho.model import Statement


def offsets_checked(text: str, statements: list[Statement]) -> list[Statement]:
    """The statements, once every content piece, cue and speaker span is asserted to
    be the text at its offsets."""
    for statement in statements:
        for piece in [*statement.content, *([statement.cue] if statement.cue else [])]:
            assert text[piece.start : piece.end] == piece.text
        if statement.speaker is not None:
            assert text[statement.speaker.start : statement.speaker.end] == statement.speaker.text
    return statements


def one_saying(statements: list[Statement], phrase: str) -> Statement:
    """The one statement whose content holds ``phrase``."""
    found = [s for s in statements if phrase in s.content_text]
    assert len(found) == 1, [(s.content_text, s.speaker) for s in statements]
    return found[0]
