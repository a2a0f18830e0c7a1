"""A readable terminal report of one Article."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from saywho.model import Article, Evidence, Statement

WIDTH = 100


def render_report(article: Article) -> str:
    document = article.document
    lines = [f"== {document.title or document.source}"]
    facts = [
        ("source", document.source),
        ("outlet", document.outlet),
        ("published", document.published),
        ("language", document.language),
    ]
    lines.append("   " + "  ".join(f"{key}: {value}" for key, value in facts if value))
    lines.extend(f"   note: {note}" for note in article.notes)
    if article.entities:
        lines.append("")
        lines.append("Entities")
        for entity in article.entities:
            lines.append(
                f"  {entity.name} ({entity.type}, {_count(len(entity.mentions), 'mention')})"
            )
    if article.statements:
        lines.append("")
        lines.append("Statements")
        for statement in article.statements:
            lines.extend(_statement_lines(statement))
    if article.ledger:
        lines.append("")
        lines.append("Ledger (actor -> target: declared | expressed)")
        for row in article.ledger:
            believed = f" | reported to believe {_evidence(row.believed)}" if row.believed else ""
            lines.append(
                f"  {row.actor} -> {row.target}: "
                f"declared {_evidence(row.declared)} | expressed {_evidence(row.expressed)}"
                + believed
            )
    return "\n".join(lines) + "\n"


def _statement_lines(statement: Statement) -> list[str]:
    speaker = "(unattributed)"
    if statement.speaker is not None:
        speaker = statement.speaker.entity or f'"{statement.speaker.text}" (unresolved)'
        if statement.speaker.entity and statement.speaker.text != statement.speaker.entity:
            speaker += f' ("{statement.speaker.text}")'
    cue = f' via "{statement.cue.text}"' if statement.cue else ""
    head = (
        f"  [{statement.id}] {speaker}{cue}: {statement.kind} {statement.medium} {statement.act}, "
        f"confidence {statement.confidence:.2f}"
    )
    content = " ".join(statement.content_text.split())
    body = textwrap.wrap(f"“{content}”", WIDTH, initial_indent="      ", subsequent_indent="      ")
    stances = ", ".join(f"{s.target} {s.polarity} ({s.score:.2f})" for s in statement.stances)
    return [head, *body, *([f"      stance: {stances}"] if stances else [])]


def _evidence(evidence: Sequence[Evidence]) -> str:
    if not evidence:
        return "-"
    return ", ".join(f"{e.polarity} ({e.statement})" for e in evidence)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
