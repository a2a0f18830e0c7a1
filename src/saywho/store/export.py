"""Whole tables out of the store as JSONL, CSV or Parquet, streamed in batches."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, get_args

from saywho.model import ConfigError

ExportFormat = Literal["jsonl", "csv", "parquet"]
ExportTable = Literal[
    "articles", "statements", "stances", "entities", "evidence", "outlets", "links"
]
EXPORT_TABLES: tuple[ExportTable, ...] = get_args(ExportTable)
_BATCH_ROWS = 5000


ColumnType = Literal["int", "float", "str", "bool"]


@dataclass(frozen=True)
class _Column:
    name: str
    sql: str  # fixed SQL over the table's aliases
    type: ColumnType


def _columns(*specs: tuple[str, str, ColumnType]) -> tuple[_Column, ...]:
    return tuple(_Column(name, sql, kind) for name, sql, kind in specs)


_OUTLET = "coalesce(o.name, o.domain)"
_TABLES: dict[ExportTable, tuple[tuple[_Column, ...], str]] = {
    "articles": (
        _columns(
            ("id", "a.id", "int"),
            ("identity", "a.identity", "str"),
            ("url", "a.url", "str"),
            ("source", "a.source", "str"),
            ("outlet", _OUTLET, "str"),
            ("outlet_domain", "o.domain", "str"),
            ("title", "a.title", "str"),
            ("published", "a.published", "str"),
            ("language", "a.language", "str"),
            ("text", "a.text", "str"),
            ("notes", "a.notes", "str"),
            ("content_hash", "a.content_hash", "str"),
            ("saywho_version", "n.saywho_version", "str"),
            ("models", "n.models", "str"),
            ("ingested_at", "a.ingested_at", "str"),
        ),
        "articles a JOIN analyses n ON n.id = a.analysis_id "
        "LEFT JOIN outlets o ON o.id = a.outlet_id ORDER BY a.id",
    ),
    "statements": (
        _columns(
            ("id", "s.id", "int"),
            ("article_id", "s.article_id", "int"),
            ("local_id", "s.local_id", "str"),
            ("speaker", "s.speaker", "str"),
            ("speaker_entity", "s.speaker_entity", "str"),
            ("speaker_start", "s.speaker_start", "int"),
            ("speaker_end", "s.speaker_end", "int"),
            ("cue", "s.cue", "str"),
            ("cue_start", "s.cue_start", "int"),
            ("cue_end", "s.cue_end", "int"),
            ("content", "s.content", "str"),
            ("content_spans", "s.content_spans", "str"),
            ("kind", "s.kind", "str"),
            ("medium", "s.medium", "str"),
            ("act", "s.act", "str"),
            ("confidence", "s.confidence", "float"),
            ("published", "s.published", "str"),
            ("outlet", _OUTLET, "str"),
        ),
        "statements s LEFT JOIN outlets o ON o.id = s.outlet_id ORDER BY s.id",
    ),
    "stances": (
        _columns(
            ("statement_id", "t.statement_id", "int"),
            ("article_id", "s.article_id", "int"),
            ("speaker_entity", "s.speaker_entity", "str"),
            ("target", "t.target", "str"),
            ("polarity", "t.polarity", "str"),
            ("score", "t.score", "float"),
            ("published", "s.published", "str"),
            ("outlet", _OUTLET, "str"),
        ),
        "stances t JOIN statements s ON s.id = t.statement_id "
        "LEFT JOIN outlets o ON o.id = s.outlet_id ORDER BY t.statement_id, t.target",
    ),
    "entities": (
        _columns(
            ("id", "e.id", "int"),
            ("name", "e.name", "str"),
            ("type", "e.type", "str"),
            ("actor_type", "e.actor_type", "str"),
            ("speaks_for", "e.speaks_for", "str"),
            ("in_knowledge_base", "e.in_knowledge_base", "bool"),
            # Kept by the mentions triggers (schema 9).
            ("articles", "e.article_count", "int"),
            ("mentions", "e.mention_count", "int"),
        ),
        "entities e ORDER BY e.id",
    ),
    "evidence": (
        _columns(
            ("actor", "e.actor", "str"),
            ("actor_country", "(SELECT country FROM actors WHERE name = e.actor)", "str"),
            ("target", "e.target", "str"),
            ("declared", "e.declared", "bool"),
            # Neither declared nor expressed: reported to believe (schema 10).
            ("believed", "e.believed", "bool"),
            ("polarity", "e.polarity", "str"),
            ("score", "e.score", "float"),
            ("confidence", "e.confidence", "float"),
            ("published", "e.published", "str"),
            ("outlet", _OUTLET, "str"),
            ("statement_id", "e.statement_id", "int"),
            ("article_id", "e.article_id", "int"),
        ),
        "evidence e LEFT JOIN outlets o ON o.id = e.outlet_id ORDER BY e.id",
    ),
    "outlets": (
        _columns(
            ("id", "o.id", "int"),
            ("domain", "o.domain", "str"),
            ("name", "o.name", "str"),
            ("country", "o.country", "str"),
            (
                "labels",
                "(SELECT group_concat(label, ';') FROM outlet_labels WHERE outlet_id = o.id)",
                "str",
            ),
        ),
        "outlets o ORDER BY o.id",
    ),
    # Written by `saywho spread`: empty until it has run.
    "links": (
        _columns(
            ("first_id", "l.first_id", "int"),
            ("second_id", "l.second_id", "int"),
            ("kind", "l.kind", "str"),
            ("overlap", "l.overlap", "float"),
            ("similarity", "l.similarity", "float"),
            ("first_published", "a.published", "str"),
            ("second_published", "b.published", "str"),
            ("first_outlet", "coalesce(oa.name, oa.domain)", "str"),
            ("second_outlet", "coalesce(ob.name, ob.domain)", "str"),
        ),
        "article_links l JOIN articles a ON a.id = l.first_id "
        "JOIN articles b ON b.id = l.second_id "
        "LEFT JOIN outlets oa ON oa.id = a.outlet_id LEFT JOIN outlets ob ON ob.id = b.outlet_id "
        "ORDER BY l.first_id, l.second_id",
    ),
}


def export_table(
    db: sqlite3.Connection,
    table: ExportTable,
    output_format: ExportFormat,
    out: IO[str] | Path,
) -> int:
    """Write every row of ``table``; returns how many. Parquet needs a file path."""
    columns, source = _TABLES[table]
    rows = _batches(db, columns, source)
    if output_format == "parquet":
        if not isinstance(out, Path):
            raise ConfigError("--format parquet writes a file: give --out FILE")
        return _write_parquet(columns, rows, out)
    if isinstance(out, Path):
        with out.open("w", encoding="utf-8", newline="") as handle:
            return _write_text(columns, rows, output_format, handle)
    return _write_text(columns, rows, output_format, out)


def _batches(
    db: sqlite3.Connection, columns: tuple[_Column, ...], source: str
) -> Iterator[list[tuple[Any, ...]]]:
    # Both pieces are fixed text from _TABLES; nothing here comes from the user.
    select = ", ".join(column.sql for column in columns)
    cursor = db.execute(f"SELECT {select} FROM {source}")
    while batch := cursor.fetchmany(_BATCH_ROWS):
        yield [tuple(_typed(c, v) for c, v in zip(columns, row, strict=True)) for row in batch]


def _typed(column: _Column, value: object) -> object:
    return bool(value) if column.type == "bool" and value is not None else value


def _write_text(
    columns: tuple[_Column, ...],
    batches: Iterator[list[tuple[Any, ...]]],
    output_format: ExportFormat,
    out: IO[str],
) -> int:
    names = [column.name for column in columns]
    count = 0
    writer = csv.writer(out, lineterminator="\n") if output_format == "csv" else None
    if writer is not None:
        writer.writerow(names)
    for batch in batches:
        for row in batch:
            if writer is not None:
                writer.writerow(row)
            else:
                out.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False))
                out.write("\n")
        count += len(batch)
    return count


def _write_parquet(
    columns: tuple[_Column, ...], batches: Iterator[list[tuple[Any, ...]]], path: Path
) -> int:
    # Imported here: only Parquet export needs it, and it takes a while to load.
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    arrow_types = {"int": pa.int64(), "float": pa.float64(), "str": pa.string(), "bool": pa.bool_()}
    schema = pa.schema([(column.name, arrow_types[column.type]) for column in columns])
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in batches:
            arrays = [
                pa.array([row[index] for row in batch], type=schema.field(index).type)
                for index in range(len(columns))
            ]
            writer.write_batch(pa.record_batch(arrays, schema=schema))
            count += len(batch)
    return count
