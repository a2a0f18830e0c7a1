"""Query results as a table for people, or JSON or CSV for programs.

JSON keeps every field as the dataclass has it. Table and CSV need one value
per column: nested values are flattened (polarity counts as ``-/=/+``, stances
as ``target:polarity``, examples to the first one), and the table shortens
long cells.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import IO, Any, Literal

from saywho.store.queries import POLARITIES
from saywho.store.rows import Contradiction, EvidenceExample, LedgerEntry, StatementRow

OutputFormat = Literal["table", "json", "csv"]
_TABLE_CELL_CHARS = 48
_TABLE_WIDE_CELL_CHARS = 90  # the content of statements, snippets, examples
_WIDE_COLUMNS = frozenset({"content", "snippet", "example", "title"})


def write_rows(rows: Sequence[Any], output_format: OutputFormat, out: IO[str]) -> None:
    """Write dataclass rows in the chosen format."""
    if output_format == "json":
        json.dump([dataclasses.asdict(row) for row in rows], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    flat = [_flatten(row) for row in rows]
    columns = list(dict.fromkeys(column for row in flat for column in row))
    if output_format == "csv":
        if flat:
            writer = csv.DictWriter(out, fieldnames=columns, restval="", lineterminator="\n")
            writer.writeheader()
            writer.writerows(flat)
        return
    # A column empty in every row (no group, no outlet known) only takes room.
    _write_table(flat, [c for c in columns if any(row.get(c) for row in flat)], out)


def _flatten(row: Any) -> dict[str, str]:
    if isinstance(row, LedgerEntry):
        return _ledger_columns(row)
    if isinstance(row, StatementRow):
        return _statement_columns(row)
    if isinstance(row, Contradiction):
        return _contradiction_columns(row)
    return {key: _cell(value) for key, value in dataclasses.asdict(row).items()}


def _ledger_columns(entry: LedgerEntry) -> dict[str, str]:
    columns = {
        "actor": entry.actor,
        "actor_type": entry.actor_type,
        "target": entry.target,
        "group": entry.group or "",
    }
    columns |= {
        "declared -/=/+": polarity_counts(entry.declared),
        "expressed -/=/+": polarity_counts(entry.expressed),
        "evidence": str(entry.evidence),
        "believed": str(entry.believed),
        "first": entry.first_published or "",
        "last": entry.last_published or "",
        "example": _example(entry.examples[0]) if entry.examples else "",
    }
    return columns


def _contradiction_columns(row: Contradiction) -> dict[str, str]:
    against = [piece for piece in row.expressions if piece.contradicts]
    return {
        "actor": row.actor,
        "country": row.actor_country or "",
        "target": row.target,
        "declared": row.declared_stance,
        "declared -/=/+": polarity_counts(row.declared),
        "expressed -/=/+": polarity_counts(row.expressed),
        "strength": f"{row.strength:.2f}",
        "evidence": str(row.evidence),
        "declared ids": " ".join(str(piece.statement_id) for piece in row.declarations),
        "against ids": " ".join(str(piece.statement_id) for piece in against),
        "example": f"[{against[0].polarity}, s{against[0].statement_id}] {against[0].excerpt}"
        if against
        else "",
    }


def polarity_counts(counts: Mapping[str, int]) -> str:
    """Counts by polarity as the CLI and the dashboard show them: negative/neutral/positive."""
    return "/".join(str(counts.get(polarity, 0)) for polarity in POLARITIES)


def _example(example: EvidenceExample) -> str:
    kind = "believed" if example.believed else "declared" if example.declared else "expressed"
    return f"[{kind} {example.polarity}, s{example.statement_id}] {example.content}"


def _statement_columns(row: StatementRow) -> dict[str, str]:
    return {
        "id": str(row.id),
        "article": str(row.article_id),
        "published": row.published or "",
        "outlet": row.outlet or "",
        "speaker": row.speaker_entity or row.speaker or "",
        "act": row.act,
        "kind": row.kind,
        "confidence": f"{row.confidence:.2f}",
        "stances": "; ".join(f"{s.target}:{s.polarity}" for s in row.stances),
        "content": row.content,
    }


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value)
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _write_table(rows: list[dict[str, str]], columns: list[str], out: IO[str]) -> None:
    if not rows:
        out.write("(no rows)\n")
        return
    cells = [[_shorten(column, row.get(column, "")) for column in columns] for row in rows]
    widths = [
        max(len(column), *(len(line[index]) for line in cells))
        for index, column in enumerate(columns)
    ]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for line in cells:
        out.write("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n")


def _shorten(column: str, value: str) -> str:
    limit = _TABLE_WIDE_CELL_CHARS if column in _WIDE_COLUMNS else _TABLE_CELL_CHARS
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
