"""``saywho export``: a whole table of a database as JSONL, CSV or Parquet."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from saywho.cli.options import EXIT_OK, Subcommands, add_database_option
from saywho.store.export import EXPORT_TABLES, ExportFormat, ExportTable
from saywho.store.store import Store


@dataclass(frozen=True)
class ExportSettings:
    db: Path
    output_format: ExportFormat
    table: ExportTable
    out: Path | None  # None: stdout

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ExportSettings:
        return cls(args.db, args.format, args.table, args.out)


def add_command(commands: Subcommands) -> None:
    export = commands.add_parser(
        "export",
        help="a whole table as JSONL, CSV or Parquet",
        description="Write every row of a table. Parquet needs --out.",
    )
    add_database_option(export)
    export.add_argument("--format", choices=get_args(ExportFormat), default="jsonl")
    export.add_argument("--table", choices=EXPORT_TABLES, default="statements")
    export.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    export.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    return export(ExportSettings.from_args(args))


def export(settings: ExportSettings) -> int:
    with Store.existing(settings.db) as store:
        count = store.export_table(
            settings.table, settings.output_format, settings.out or sys.stdout
        )
    print(f"saywho: {count} {settings.table} rows exported", file=sys.stderr)
    return EXIT_OK
