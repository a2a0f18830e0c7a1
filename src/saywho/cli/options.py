"""What several commands share: exit codes, option builders and their typed readers.

Each ``add_*`` function declares options on a command; the function beside it
reads the same options back from the parsed ``argparse.Namespace`` into a typed
value (``PipelineConfig``, ``FetchOptions``, ``QuerySettings``), so a command's
settings dataclass is built at the edge and nothing past it reads the Namespace.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias, get_args

from saywho.config import DEFAULT_CONFIG, DEFAULT_SPACY_MODEL, PipelineConfig
from saywho.ingest import FetchOptions
from saywho.ingest.polite import DEFAULT_HOST_DELAY
from saywho.languages import NEWS_LANGUAGES
from saywho.model import ConfigError
from saywho.store.formats import OutputFormat
from saywho.store.rows import LedgerFilter
from saywho.store.store import DEFAULT_DB

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2

# The subcommands of ``saywho`` as argparse holds them; each command module adds its own.
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
# What a command runs: it reads its settings from the Namespace and returns the exit status.
Handler = Callable[[argparse.Namespace], int]

OUTPUT_FORMATS: tuple[OutputFormat, ...] = get_args(OutputFormat)


# --- analysis: the pipeline's models and knowledge, and what reading inputs may do -----


def add_model_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--spacy-model",
        default=DEFAULT_SPACY_MODEL,
        metavar="NAME",
        help=f"installed spaCy pipeline (package name or path) (default: {DEFAULT_SPACY_MODEL})",
    )
    command.add_argument(
        "--stance-model",
        default=DEFAULT_CONFIG.stance_model,
        metavar="NAME",
        help="registered stance model for English: minilm (learned), lexicon (faster), "
        "multilingual-e5 (the one other languages use) or multilingual (the earlier "
        "sentence-vector one) "
        f"(default: {DEFAULT_CONFIG.stance_model})",
    )


def add_ledger_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--include-thought",
        action="store_true",
        help="count statements of medium thought (what an actor is reported to believe "
        "or intend) as expressed in the ledger; by default they are kept apart",
    )


def add_knowledge_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--attributor",
        default=DEFAULT_CONFIG.attributor,
        metavar="NAME",
        help=f"registered attribution component (default: {DEFAULT_CONFIG.attributor})",
    )
    command.add_argument(
        "--languages",
        type=_language_list,
        default=DEFAULT_CONFIG.languages,
        metavar="CODES",
        help="comma-separated ISO 639-1 codes of the languages to analyze; articles in "
        "others are kept with a note. Languages beyond en, de, ru, cs run on general rules, "
        f"unmeasured (default: {','.join(DEFAULT_CONFIG.languages)}; known: "
        f"{','.join(NEWS_LANGUAGES)})",
    )
    command.add_argument(
        "--kb",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a YAML file of actors added to the shipped knowledge base (repeatable)",
    )


def add_fetch_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--allow-private-network",
        action="store_true",
        help="allow URLs on loopback, private and link-local addresses (refused by default)",
    )
    command.add_argument(
        "--timeout", type=float, default=20.0, metavar="SECONDS", help="per URL (default: 20)"
    )
    command.add_argument(
        "--max-mb",
        type=float,
        default=10.0,
        metavar="MB",
        help="size cap per input in MiB, also after decompression (default: 10)",
    )


def add_host_delay_option(command: argparse.ArgumentParser) -> None:
    """--delay, for the commands that crawl feeds, sitemaps and URL lists."""
    command.add_argument(
        "--delay",
        type=float,
        default=DEFAULT_HOST_DELAY,
        metavar="SECONDS",
        help="least time between two requests to one host; a longer robots.txt Crawl-delay "
        f"wins (default: {DEFAULT_HOST_DELAY:g})",
    )


def _language_list(value: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(code.strip().lower() for code in value.split(",") if code.strip()))
    unknown = [code for code in codes if code not in NEWS_LANGUAGES]
    if not codes or unknown:
        raise argparse.ArgumentTypeError(
            f"unknown language code(s) {', '.join(unknown) or '(none given)'}; "
            f"known: {', '.join(NEWS_LANGUAGES)}"
        )
    return codes


def read_workers(args: argparse.Namespace) -> int:
    """--workers, which must be at least 1."""
    workers: int = args.workers
    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    return workers


def read_pipeline_config(
    args: argparse.Namespace, *, raw: bool = False, stance: bool = True
) -> PipelineConfig:
    """The model and knowledge-base settings (--spacy-model, --stance-model, --attributor,
    --kb, --include-thought); ``raw`` and ``stance`` come from the commands that have them."""
    return PipelineConfig(
        spacy_model=args.spacy_model,
        attributor=args.attributor,
        stance_model=args.stance_model if stance else None,
        raw=raw,
        knowledge_bases=tuple(args.kb),
        include_thought=args.include_thought,
        languages=args.languages,
    )


def read_fetch_options(args: argparse.Namespace) -> FetchOptions:
    """The --allow-private-network, --timeout and --max-mb settings."""
    return FetchOptions(
        allow_private_network=args.allow_private_network,
        timeout=args.timeout,
        max_bytes=int(args.max_mb * 1024 * 1024),
    )


# --- the database, and the options every query shares --------------------------------


def add_database_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--db",
        type=Path,
        default=DEFAULT_DB,
        metavar="PATH",
        help=f"the SQLite database (default: ./{DEFAULT_DB})",
    )


def add_labels_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--labels",
        type=Path,
        metavar="FILE",
        help="a YAML or CSV file that labels outlets (name, country, labels) and, in "
        "YAML, adds actors to the knowledge base",
    )


@dataclass(frozen=True)
class QuerySettings:
    """--db, --format, --limit and --offset: where a query reads and how it writes rows."""

    db: Path
    output_format: OutputFormat
    limit: int
    offset: int

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> QuerySettings:
        if args.limit < 1 or args.offset < 0:
            raise ConfigError("--limit must be at least 1 and --offset at least 0")
        return cls(db=args.db, output_format=args.format, limit=args.limit, offset=args.offset)


def add_query_options(command: argparse.ArgumentParser, *, limit: int = 50) -> None:
    add_database_option(command)
    command.add_argument(
        "--format",
        choices=OUTPUT_FORMATS,
        default="table",
        help="output format (default: table)",
    )
    command.add_argument(
        "--limit", type=int, default=limit, metavar="N", help=f"rows (default: {limit})"
    )
    command.add_argument(
        "--offset", type=int, default=0, metavar="N", help="rows to skip (default: 0)"
    )


def add_ledger_filter_options(command: argparse.ArgumentParser) -> None:
    """The ledger's filters, which every view of ledger evidence takes."""
    command.add_argument("--actor", metavar="X", help="canonical actor name (any case)")
    command.add_argument("--target", metavar="Y", help="canonical target name (any case)")
    add_time_and_place(command)
    command.add_argument(
        "--country", metavar="C", help="actors of this country (a state and its officials)"
    )


def read_ledger_filter(args: argparse.Namespace) -> LedgerFilter:
    return LedgerFilter(
        actor=args.actor,
        target=args.target,
        since=args.since,
        until=args.until,
        outlet=args.outlet,
        label=args.label,
        country=args.country,
        min_confidence=args.min_confidence,
    )


def add_time_and_place(command: argparse.ArgumentParser, *, confidence: bool = True) -> None:
    command.add_argument("--since", metavar="DATE", help="published on or after (ISO date)")
    command.add_argument("--until", metavar="DATE", help="published on or before (ISO date)")
    command.add_argument("--outlet", metavar="O", help="an outlet's domain or name")
    if confidence:
        command.add_argument("--label", metavar="L", help="outlets with this label")
        command.add_argument(
            "--min-confidence",
            type=float,
            metavar="P",
            help="statements attributed with at least this confidence (0-1)",
        )
