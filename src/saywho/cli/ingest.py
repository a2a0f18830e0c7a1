"""``saywho ingest``, ``reanalyze`` and ``labels``: the commands that write a database."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from tqdm import tqdm

from saywho.cli.options import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    Subcommands,
    add_database_option,
    add_fetch_options,
    add_host_delay_option,
    add_knowledge_options,
    add_labels_option,
    add_ledger_options,
    add_model_options,
    read_fetch_options,
    read_pipeline_config,
    read_workers,
)
from saywho.config import PipelineConfig
from saywho.ingest import SOURCE_KINDS, FetchOptions, SourceKind, SourceOptions, read_sources
from saywho.ingest.sources import estimate_documents
from saywho.model import Failure
from saywho.store.ingest import (
    IngestSummary,
    Outcome,
    OutcomeListener,
    ingest_documents,
    reanalyze_stale,
    url_is_stored,
)
from saywho.store.labels import Labels, apply_labels, knowledge_base_file, load_labels
from saywho.store.store import Store


def add_commands(commands: Subcommands) -> None:
    _add_ingest(commands)
    _add_reanalyze(commands)
    _add_labels(commands)


# --- ingest --------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestSettings:
    sources: tuple[str, ...]
    db: Path
    workers: int
    kind: SourceKind | None  # None: sniff each source
    labels: Path | None
    host_delay: float
    refetch: bool
    config: PipelineConfig
    fetch: FetchOptions

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> IngestSettings:
        return cls(
            sources=tuple(args.sources),
            db=args.db,
            workers=read_workers(args),
            kind=args.type,
            labels=args.labels,
            host_delay=args.delay,
            refetch=args.refetch,
            config=read_pipeline_config(args),
            fetch=read_fetch_options(args),
        )


def _add_ingest(commands: Subcommands) -> None:
    ingest = commands.add_parser(
        "ingest",
        help="analyze sources into a database (files, WARC, feeds, sitemaps, URLs)",
        description="Read every source, analyze each article as `saywho analyze` does and "
        "store it with its outlet, date, entities, statements and stances. Sources: files and "
        "directories (.txt, .html, .json, .jsonl, also gzipped), WARC and WARC.gz files, "
        "RSS/Atom feeds and sitemaps (URL or file; every item is fetched), files of URLs and "
        "single URLs; the kind is sniffed from content and name. An article is identified by "
        "its normalized URL (or source path and record number): an unchanged one is skipped, "
        "a changed one replaced, so running the same ingest again adds nothing. Each article "
        "is committed whole or not at all. Fetching honours robots.txt and a per-host delay.",
    )
    ingest.add_argument("sources", nargs="+", metavar="SOURCE", help="what to ingest")
    add_database_option(ingest)
    ingest.add_argument(
        "--workers", type=int, default=1, metavar="N", help="analysis processes (default: 1)"
    )
    ingest.add_argument(
        "--type",
        choices=SOURCE_KINDS,
        metavar="KIND",
        help=f"read every source as this kind instead of sniffing it: {', '.join(SOURCE_KINDS)}",
    )
    add_labels_option(ingest)
    add_host_delay_option(ingest)
    ingest.add_argument(
        "--refetch",
        action="store_true",
        help="fetch the pages that feeds, sitemaps and URL lists list even when an article "
        "with that URL is stored already (to pick up edited articles); by default they are "
        "counted as already stored and not fetched",
    )
    add_model_options(ingest)
    add_ledger_options(ingest)
    add_knowledge_options(ingest)
    add_fetch_options(ingest)
    ingest.set_defaults(run=run_ingest)


def run_ingest(args: argparse.Namespace) -> int:
    return ingest(IngestSettings.from_args(args))


def ingest(settings: IngestSettings) -> int:
    labels = _load_labels(settings.labels)
    options = SourceOptions(
        fetch=settings.fetch,
        kind=settings.kind,
        host_delay=settings.host_delay,
        is_stored=None if settings.refetch else partial(url_is_stored, settings.db),
    )
    with Store(settings.db) as store, knowledge_base_file(labels) as labels_kb:
        apply_labels(store, labels)
        config = _with_knowledge_base(settings.config, labels_kb)
        total = estimate_documents(settings.sources, settings.kind)
        with _progress("ingesting", total) as listener:
            summary = ingest_documents(
                store,
                read_sources(settings.sources, options),
                config,
                workers=settings.workers,
                listener=listener,
            )
    return _finish(summary)


# --- reanalyze -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReanalyzeSettings:
    db: Path
    workers: int
    labels: Path | None
    config: PipelineConfig

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ReanalyzeSettings:
        return cls(args.db, read_workers(args), args.labels, read_pipeline_config(args))


def _add_reanalyze(commands: Subcommands) -> None:
    reanalyze = commands.add_parser(
        "reanalyze",
        help="analyze again the articles older models analyzed",
        description="Bring every stored article that another saywho version or other models "
        "analyzed up to the current ones (its stored text is analyzed again as it is).",
    )
    add_database_option(reanalyze)
    reanalyze.add_argument(
        "--workers", type=int, default=1, metavar="N", help="analysis processes (default: 1)"
    )
    add_labels_option(reanalyze)
    add_model_options(reanalyze)
    add_ledger_options(reanalyze)
    add_knowledge_options(reanalyze)
    reanalyze.set_defaults(run=run_reanalyze)


def run_reanalyze(args: argparse.Namespace) -> int:
    return reanalyze(ReanalyzeSettings.from_args(args))


def reanalyze(settings: ReanalyzeSettings) -> int:
    labels = _load_labels(settings.labels)
    with Store.existing(settings.db) as store, knowledge_base_file(labels) as labels_kb:
        apply_labels(store, labels)
        config = _with_knowledge_base(settings.config, labels_kb)
        with _progress("reanalyzing", None) as listener:
            summary = reanalyze_stale(store, config, workers=settings.workers, listener=listener)
    return _finish(summary)


def _load_labels(path: Path | None) -> Labels:
    return load_labels(path) if path else Labels((), ())


def _with_knowledge_base(config: PipelineConfig, labels_kb: Path | None) -> PipelineConfig:
    """``config`` with the labels file's actors as one more knowledge base, if it has any."""
    if labels_kb is None:
        return config
    return replace(config, knowledge_bases=(*config.knowledge_bases, labels_kb))


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


# --- labels --------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelsSettings:
    file: Path
    db: Path

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> LabelsSettings:
        return cls(args.file, args.db)


def _add_labels(commands: Subcommands) -> None:
    label = commands.add_parser(
        "labels",
        help="label outlets and actors in a database from a labels file",
        description="Write outlet names, countries and labels, and actor countries, from a "
        "YAML or CSV labels file (see docs/store.md) into the database.",
    )
    label.add_argument("file", type=Path, metavar="FILE")
    add_database_option(label)
    label.set_defaults(run=run_labels)


def run_labels(args: argparse.Namespace) -> int:
    return write_labels(LabelsSettings.from_args(args))


def write_labels(settings: LabelsSettings) -> int:
    labels = load_labels(settings.file)
    with Store(settings.db) as store:
        apply_labels(store, labels)
    print(
        f"saywho: {len(labels.outlets)} outlets and {len(labels.actors)} actors labelled",
        file=sys.stderr,
    )
    return EXIT_OK
