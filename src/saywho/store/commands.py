"""The store's commands (``saywho ingest``, ``ledger``, ``search``...): thin over ``Store``.

Their arguments are declared in ``saywho.cli``; each function here turns them
into the filters of ``saywho.store.rows``, calls the store and writes the rows.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from tqdm import tqdm

from saywho.cli import EXIT_OK, EXIT_SOME_FAILED, fetch_options, pipeline_config
from saywho.ingest import SourceOptions, read_sources
from saywho.ingest.sources import estimate_documents
from saywho.model import ConfigError, Failure
from saywho.store.export import export_table
from saywho.store.formats import write_rows
from saywho.store.ingest import (
    IngestSummary,
    Outcome,
    OutcomeListener,
    ingest_documents,
    url_is_stored,
)
from saywho.store.ingest import reanalyze_stale as reanalyze_stale_articles
from saywho.store.labels import Labels, apply_labels, knowledge_base_file, load_labels
from saywho.store.queries import QueryError
from saywho.store.rows import CascadeFilter, LedgerFilter, SearchFilter, StatementFilter
from saywho.store.store import Store


def run_ingest(args: argparse.Namespace) -> int:
    labels = load_labels(args.labels) if args.labels else Labels((), ())
    options = SourceOptions(
        fetch=fetch_options(args),
        kind=args.type,
        host_delay=args.delay,
        is_stored=None if args.refetch else partial(url_is_stored, args.db),
    )
    with Store(args.db) as store, knowledge_base_file(labels) as labels_kb:
        apply_labels(store, labels)
        config = pipeline_config(args, extra_kb=(labels_kb,) if labels_kb else ())
        total = estimate_documents(args.sources, args.type)
        with _progress("ingesting", total) as listener:
            summary = ingest_documents(
                store,
                read_sources(args.sources, options),
                config,
                workers=args.workers,
                listener=listener,
            )
    return _finish(summary)


def run_reanalyze(args: argparse.Namespace) -> int:
    labels = load_labels(args.labels) if args.labels else Labels((), ())
    with Store.existing(args.db) as store, knowledge_base_file(labels) as labels_kb:
        apply_labels(store, labels)
        config = pipeline_config(args, extra_kb=(labels_kb,) if labels_kb else ())
        with _progress("reanalyzing", None) as listener:
            summary = reanalyze_stale_articles(
                store, config, workers=args.workers, listener=listener
            )
    return _finish(summary)


def run_labels(args: argparse.Namespace) -> int:
    labels = load_labels(args.file)
    with Store(args.db) as store:
        apply_labels(store, labels)
    print(
        f"saywho: {len(labels.outlets)} outlets and {len(labels.actors)} actors labelled",
        file=sys.stderr,
    )
    return EXIT_OK


@contextmanager
def _progress(description: str, total: int | None) -> Iterator[OutcomeListener]:
    """A progress bar on stderr (count, rate, and ETA when the total is known)."""
    with tqdm(total=total, desc=description, unit="article", file=sys.stderr, disable=None) as bar:

        def listener(outcome: Outcome, failure: Failure | None) -> None:
            if failure is not None:
                tqdm.write(f"saywho: error: {failure.source}: {failure.reason}", file=sys.stderr)
            bar.update(1)

        yield listener


def _finish(summary: IngestSummary) -> int:
    print(f"saywho: {summary.describe()}", file=sys.stderr)
    return EXIT_SOME_FAILED if summary.failed else EXIT_OK


# --- queries -------------------------------------------------------------------------


@contextmanager
def _query_store(args: argparse.Namespace) -> Iterator[Store]:
    if args.limit < 1 or args.offset < 0:
        raise ConfigError("--limit must be at least 1 and --offset at least 0")
    with Store.existing(args.db) as store:
        try:
            yield store
        except QueryError as error:
            raise ConfigError(str(error)) from error


def run_ledger(args: argparse.Namespace) -> int:
    query = LedgerFilter(
        actor=args.actor,
        target=args.target,
        since=args.since,
        until=args.until,
        outlet=args.outlet,
        label=args.label,
        country=args.country,
        min_confidence=args.min_confidence,
    )
    with _query_store(args) as store:
        rows = store.ledger(
            query, args.limit, args.offset, group_by=args.group_by, examples=args.examples
        )
    write_rows(rows, args.format, sys.stdout)
    return EXIT_OK


def _statement_filter(args: argparse.Namespace) -> StatementFilter:
    return StatementFilter(
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


def run_statements(args: argparse.Namespace) -> int:
    with _query_store(args) as store:
        rows = store.statements(_statement_filter(args), args.limit, args.offset)
    write_rows(rows, args.format, sys.stdout)
    return EXIT_OK


def run_search(args: argparse.Namespace) -> int:
    query = SearchFilter(since=args.since, until=args.until, outlet=args.outlet, scope=args.scope)
    with _query_store(args) as store:
        hits = store.search(args.query, query, args.limit, args.offset)
    write_rows(hits, args.format, sys.stdout)
    return EXIT_OK


def run_entities(args: argparse.Namespace) -> int:
    with _query_store(args) as store:
        rows = store.entities(args.type, args.limit, args.offset)
    write_rows(rows, args.format, sys.stdout)
    return EXIT_OK


def run_outlets(args: argparse.Namespace) -> int:
    with _query_store(args) as store:
        rows = store.outlets(args.label, args.limit, args.offset)
    write_rows(rows, args.format, sys.stdout)
    return EXIT_OK


def run_overview(args: argparse.Namespace) -> int:
    with Store.existing(args.db) as store:
        counts = store.counts()
    write_rows([counts], args.format, sys.stdout)
    return EXIT_OK


def run_spread(args: argparse.Namespace) -> int:
    from saywho.spread import CascadeOptions, LinkOptions, build_cascades, create_encoder
    from saywho.store.spread import cascade_rows, publication_window, update_spread

    for name in ("copy_overlap", "translation_similarity", "story_similarity"):
        if not 0 <= getattr(args, name) <= 1:  # also refuses nan
            raise ConfigError(f"--{name.replace('_', '-')} must be between 0 and 1")
    if not (0 <= args.window_days < math.inf and 0 <= args.within_hours < math.inf):
        raise ConfigError("--window-days and --within-hours must be numbers of at least 0")
    if args.min_outlets < 1:
        raise ConfigError("--min-outlets must be at least 1")
    link_options = LinkOptions(
        copy_overlap=args.copy_overlap,
        translation_similarity=args.translation_similarity,
        story_similarity=args.story_similarity,
        window_days=args.window_days,
    )
    encoder = None if args.encoder == "none" else create_encoder(args.encoder)
    query = CascadeFilter(args.since, args.until, args.outlet, args.label, args.coordinated)
    with (
        _query_store(args) as store,
        tqdm(desc="encoding", unit="article", file=sys.stderr, disable=None) as bar,
    ):
        publication_window(query)  # a bad date is told before the encoding, not after

        def advance(step: int, total: int) -> None:
            if bar.total != total:
                bar.reset(total)
            bar.update(step)

        articles, links, summary = update_spread(
            store.connection(), encoder, link_options, progress=advance
        )
        options = CascadeOptions(args.min_outlets, args.within_hours)
        cascades = build_cascades(articles, links, options)
        rows = cascade_rows(store.connection(), cascades, query)
    coordinated = sum(cascade.coordinated for cascade in cascades)
    print(
        f"saywho: {summary.describe()}; {len(cascades)} cascades, {coordinated} coordinated",
        file=sys.stderr,
    )
    write_rows(rows[args.offset : args.offset + args.limit], args.format, sys.stdout)
    return EXIT_OK


def run_quotes(args: argparse.Namespace) -> int:
    from saywho.store.spread import chosen_quotes, quote_rows

    if args.min_outlets < 1:
        raise ConfigError("--min-outlets must be at least 1")
    with _query_store(args) as store:
        rows = chosen_quotes(quote_rows(store.connection()), args.speaker, args.min_outlets)
    write_rows(rows[args.offset : args.offset + args.limit], args.format, sys.stdout)
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    with Store.existing(args.db) as store:
        count = export_table(store.connection(), args.table, args.format, args.out or sys.stdout)
    print(f"saywho: {count} {args.table} rows exported", file=sys.stderr)
    return EXIT_OK
