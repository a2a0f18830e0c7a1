"""The queries over a database: ``saywho ledger``, ``statements``, ``search``,
``entities``, ``outlets`` and ``overview``.

Each turns its options into the filters of ``saywho.store.rows``, asks the store
and writes the rows (``saywho.store.formats``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from saywho.cli.options import (
    EXIT_OK,
    OUTPUT_FORMATS,
    QuerySettings,
    Subcommands,
    add_database_option,
    add_ledger_filter_options,
    add_query_options,
    add_time_and_place,
    read_ledger_filter,
)
from saywho.model import Act, ConfigError, EntityType, Kind
from saywho.store.formats import OutputFormat, write_rows
from saywho.store.queries import QueryError
from saywho.store.rows import (
    LedgerFilter,
    LedgerGrouping,
    SearchFilter,
    SearchScope,
    StatementFilter,
)
from saywho.store.store import Store


def add_commands(commands: Subcommands) -> None:
    _add_ledger(commands)
    _add_statements(commands)
    _add_search(commands)
    _add_entities(commands)
    _add_outlets(commands)
    _add_overview(commands)


@contextmanager
def query_store(settings: QuerySettings) -> Iterator[Store]:
    """The existing database, with the store's query errors told as usage errors."""
    with Store.existing(settings.db) as store:
        try:
            yield store
        except QueryError as error:
            raise ConfigError(str(error)) from error


def _write(rows: Sequence[object], settings: QuerySettings) -> int:
    write_rows(rows, settings.output_format, sys.stdout)
    return EXIT_OK


# --- ledger --------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerSettings:
    query: QuerySettings
    filter: LedgerFilter
    group_by: LedgerGrouping | None
    examples: int

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> LedgerSettings:
        evidence = read_ledger_filter(args)
        return cls(QuerySettings.from_args(args), evidence, args.group_by, args.examples)


def _add_ledger(commands: Subcommands) -> None:
    ledger = commands.add_parser(
        "ledger",
        help="declared versus expressed stance per actor and target",
        description="Per actor (a speaker, and the state it speaks for) and target: how much "
        "evidence declares a stance (neutrality, no preference) and how much expresses one, by "
        "polarity (-/=/+), with the most recent examples. Filters apply to each piece of "
        "evidence before counting; most evidence first.",
    )
    add_query_options(ledger)
    add_ledger_filter_options(ledger)
    ledger.add_argument(
        "--group-by",
        choices=get_args(LedgerGrouping),
        help="one row per actor, target and outlet (or outlet label, or outlet country)",
    )
    ledger.add_argument(
        "--examples",
        type=int,
        default=2,
        metavar="N",
        help="examples of declared and of expressed evidence per row (default: 2)",
    )
    ledger.set_defaults(run=run_ledger)


def run_ledger(args: argparse.Namespace) -> int:
    return ledger(LedgerSettings.from_args(args))


def ledger(settings: LedgerSettings) -> int:
    query = settings.query
    with query_store(query) as store:
        rows = store.ledger(
            settings.filter,
            query.limit,
            query.offset,
            group_by=settings.group_by,
            examples=settings.examples,
        )
    return _write(rows, query)


# --- statements ----------------------------------------------------------------------


@dataclass(frozen=True)
class StatementsSettings:
    query: QuerySettings
    filter: StatementFilter

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> StatementsSettings:
        statements = StatementFilter(
            speaker=args.speaker,
            about=args.about,
            act=args.act,
            kind=args.kind,
            country=args.country,
            since=args.since,
            until=args.until,
            outlet=args.outlet,
            label=args.label,
            min_confidence=args.min_confidence,
        )
        return cls(QuerySettings.from_args(args), statements)


def _add_statements(commands: Subcommands) -> None:
    statements = commands.add_parser(
        "statements",
        help="attributed statements, newest first",
        description="Statements with their speaker, act, kind, confidence and stances.",
    )
    add_query_options(statements)
    statements.add_argument("--speaker", metavar="X", help="canonical speaker (any case)")
    statements.add_argument("--about", metavar="Y", help="a target the statement has a stance on")
    statements.add_argument("--act", choices=get_args(Act))
    statements.add_argument("--kind", choices=get_args(Kind))
    add_time_and_place(statements)
    statements.add_argument("--country", metavar="C", help="speakers of this country")
    statements.set_defaults(run=run_statements)


def run_statements(args: argparse.Namespace) -> int:
    return statements(StatementsSettings.from_args(args))


def statements(settings: StatementsSettings) -> int:
    query = settings.query
    with query_store(query) as store:
        rows = store.statements(settings.filter, query.limit, query.offset)
    return _write(rows, query)


# --- search --------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchSettings:
    query: QuerySettings
    text: str
    filter: SearchFilter

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> SearchSettings:
        where = SearchFilter(
            since=args.since, until=args.until, outlet=args.outlet, scope=args.scope
        )
        return cls(QuerySettings.from_args(args), args.query, where)


def _add_search(commands: Subcommands) -> None:
    search = commands.add_parser(
        "search",
        help="full-text search over articles and statements",
        description='Full-text search (SQLite FTS5): words must all match; "a phrase", OR, '
        "NEAR(a b) and prefix* work. Best matches first, with highlighted snippets.",
    )
    search.add_argument("query", metavar="QUERY")
    add_query_options(search, limit=20)
    search.add_argument(
        "--in",
        dest="scope",
        choices=get_args(SearchScope),
        default="all",
        help="what to search (default: all)",
    )
    add_time_and_place(search, confidence=False)
    search.set_defaults(run=run_search)


def run_search(args: argparse.Namespace) -> int:
    return search(SearchSettings.from_args(args))


def search(settings: SearchSettings) -> int:
    query = settings.query
    with query_store(query) as store:
        hits = store.search(settings.text, settings.filter, query.limit, query.offset)
    return _write(hits, query)


# --- entities and outlets ------------------------------------------------------------


@dataclass(frozen=True)
class EntitiesSettings:
    query: QuerySettings
    entity_type: EntityType | None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> EntitiesSettings:
        return cls(QuerySettings.from_args(args), args.type)


def _add_entities(commands: Subcommands) -> None:
    entities = commands.add_parser(
        "entities", help="entities, most mentioned first", description="Entities and mentions."
    )
    add_query_options(entities)
    entities.add_argument("--type", choices=get_args(EntityType), type=str.upper)
    entities.set_defaults(run=run_entities)


def run_entities(args: argparse.Namespace) -> int:
    return entities(EntitiesSettings.from_args(args))


def entities(settings: EntitiesSettings) -> int:
    query = settings.query
    with query_store(query) as store:
        rows = store.entities(settings.entity_type, query.limit, query.offset)
    return _write(rows, query)


@dataclass(frozen=True)
class OutletsSettings:
    query: QuerySettings
    label: str | None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> OutletsSettings:
        return cls(QuerySettings.from_args(args), args.label)


def _add_outlets(commands: Subcommands) -> None:
    outlets = commands.add_parser(
        "outlets", help="outlets with their labels and counts", description="Outlets."
    )
    add_query_options(outlets)
    outlets.add_argument("--label", metavar="L", help="outlets with this label")
    outlets.set_defaults(run=run_outlets)


def run_outlets(args: argparse.Namespace) -> int:
    return outlets(OutletsSettings.from_args(args))


def outlets(settings: OutletsSettings) -> int:
    query = settings.query
    with query_store(query) as store:
        rows = store.outlets(settings.label, query.limit, query.offset)
    return _write(rows, query)


# --- overview ------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewSettings:
    db: Path
    output_format: OutputFormat

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> OverviewSettings:
        return cls(args.db, args.format)


def _add_overview(commands: Subcommands) -> None:
    overview = commands.add_parser(
        "overview", help="what a database holds", description="Row counts and date range."
    )
    add_database_option(overview)
    overview.add_argument("--format", choices=OUTPUT_FORMATS, default="table")
    overview.set_defaults(run=run_overview)


def run_overview(args: argparse.Namespace) -> int:
    return overview(OverviewSettings.from_args(args))


def overview(settings: OverviewSettings) -> int:
    with Store.existing(settings.db) as store:
        counts = store.counts()
    write_rows([counts], settings.output_format, sys.stdout)
    return EXIT_OK
