"""``saywho spread`` and ``saywho quotes``: links across stored articles, cascades and
repeated quotations."""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass

from tqdm import tqdm

from saywho.cli.options import (
    EXIT_OK,
    QuerySettings,
    Subcommands,
    add_query_options,
)
from saywho.cli.query import query_store
from saywho.config import (
    DEFAULT_CASCADE_OPTIONS,
    DEFAULT_ENCODER,
    DEFAULT_LINK_OPTIONS,
    CascadeOptions,
    LinkOptions,
)
from saywho.model import ConfigError
from saywho.store.formats import write_rows
from saywho.store.rows import CascadeFilter

# (option, default, metavar, meaning): the thresholds of saywho.config's spread settings.
_THRESHOLDS: tuple[tuple[str, float, str, str], ...] = (
    ("--copy-overlap", DEFAULT_LINK_OPTIONS.copy_overlap, "J",
     "share of word 5-shingles in common for a copy"),
    ("--translation-similarity", DEFAULT_LINK_OPTIONS.translation_similarity, "S",
     "vector cosine for a translation (articles in two languages)"),
    ("--story-similarity", DEFAULT_LINK_OPTIONS.story_similarity, "S",
     "vector cosine for the same story"),
    ("--window-days", DEFAULT_LINK_OPTIONS.window_days, "D",
     "compare vectors of articles published at most D days apart"),
    ("--min-outlets", DEFAULT_CASCADE_OPTIONS.min_outlets, "N",
     "outlets within --within-hours that make a cascade coordinated"),
    ("--within-hours", DEFAULT_CASCADE_OPTIONS.within_hours, "H",
     "hours within which --min-outlets outlets make a cascade coordinated"),
)  # fmt: skip


def add_commands(commands: Subcommands) -> None:
    _add_spread(commands)
    _add_quotes(commands)


# --- spread --------------------------------------------------------------------------


@dataclass(frozen=True)
class SpreadSettings:
    query: QuerySettings
    encoder: str | None  # None: copies only
    links: LinkOptions
    cascades: CascadeOptions
    filter: CascadeFilter

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> SpreadSettings:
        links = LinkOptions(
            copy_overlap=args.copy_overlap,
            translation_similarity=args.translation_similarity,
            story_similarity=args.story_similarity,
            window_days=args.window_days,
        )
        cascades = CascadeOptions(args.min_outlets, args.within_hours)
        _check_thresholds(links, cascades)
        query = QuerySettings.from_args(args)
        encoder = None if args.encoder == "none" else args.encoder
        where = CascadeFilter(args.since, args.until, args.outlet, args.label, args.coordinated)
        return cls(query, encoder, links, cascades, where)


def _check_thresholds(links: LinkOptions, cascades: CascadeOptions) -> None:
    shares = {
        "copy-overlap": links.copy_overlap,
        "translation-similarity": links.translation_similarity,
        "story-similarity": links.story_similarity,
    }
    for option, value in shares.items():
        if not 0 <= value <= 1:  # also refuses nan
            raise ConfigError(f"--{option} must be between 0 and 1")
    if not (0 <= links.window_days < math.inf and 0 <= cascades.within_hours < math.inf):
        raise ConfigError("--window-days and --within-hours must be numbers of at least 0")
    if cascades.min_outlets < 1:
        raise ConfigError("--min-outlets must be at least 1")


def _add_spread(commands: Subcommands) -> None:
    spread = commands.add_parser(
        "spread",
        help="copies, translations and same-story links across outlets; cascades",
        description="Link the stored articles that carry the same text (copy: word 5-shingles "
        "in common), its translation, or the same story (text vectors alike), store the links "
        "(table article_links), and list cascades: one text across outlets, earliest first. "
        "A cascade is coordinated when --min-outlets outlets published it within --within-hours "
        "of each other. Vectors are cached, so a second run encodes only new articles. It also "
        "links the statements that repeat a quotation across articles (see saywho quotes).",
    )
    add_query_options(spread)
    spread.add_argument(
        "--encoder",
        default=DEFAULT_ENCODER,
        metavar="NAME",
        help=f"text encoder for translations and same-story links, or 'none' for copies only "
        f"(default: {DEFAULT_ENCODER})",
    )
    for option, default, metavar, meaning in _THRESHOLDS:
        spread.add_argument(
            option,
            type=type(default),
            default=default,
            metavar=metavar,
            help=f"{meaning} (default: {default:g})",
        )
    spread.add_argument(
        "--since", metavar="DATE", help="cascades whose first article is on or after (ISO date)"
    )
    spread.add_argument(
        "--until", metavar="DATE", help="cascades whose first article is on or before (ISO date)"
    )
    spread.add_argument("--outlet", metavar="O", help="cascades with this outlet (domain or name)")
    spread.add_argument("--label", metavar="L", help="cascades with an outlet of this label")
    spread.add_argument(
        "--coordinated", action="store_true", help="list only the coordinated cascades"
    )
    spread.set_defaults(run=run_spread)


def run_spread(args: argparse.Namespace) -> int:
    return spread(SpreadSettings.from_args(args))


def spread(settings: SpreadSettings) -> int:
    # Imported here: the encoders load only for the command that encodes.
    from saywho.spread import build_cascades, create_encoder
    from saywho.store.queries import query_bounds

    encoder = None if settings.encoder is None else create_encoder(settings.encoder)
    query = settings.query
    with (
        query_store(query) as store,
        tqdm(desc="encoding", unit="article", file=sys.stderr, disable=None) as bar,
    ):
        query_bounds(settings.filter)  # a bad date is told before the encoding, not after

        def advance(step: int, total: int) -> None:
            if bar.total != total:
                bar.reset(total)
            bar.update(step)

        articles, links, summary = store.update_spread(encoder, settings.links, progress=advance)
        cascades = build_cascades(articles, links, settings.cascades)
        rows = store.cascade_rows(cascades, settings.filter)
    coordinated = sum(cascade.coordinated for cascade in cascades)
    print(
        f"saywho: {summary.describe()}; {len(cascades)} cascades, {coordinated} coordinated",
        file=sys.stderr,
    )
    write_rows(rows[query.offset : query.offset + query.limit], query.output_format, sys.stdout)
    return EXIT_OK


# --- quotes --------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotesSettings:
    query: QuerySettings
    speaker: str | None
    min_outlets: int

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> QuotesSettings:
        if args.min_outlets < 1:
            raise ConfigError("--min-outlets must be at least 1")
        return cls(QuerySettings.from_args(args), args.speaker, args.min_outlets)


def _add_quotes(commands: Subcommands) -> None:
    quotes = commands.add_parser(
        "quotes",
        help="quotations repeated across articles and outlets",
        description="The statements whose words (word 3-shingles, at least half in common, "
        "12 words or more) appear in several articles, as the last `saywho spread` linked "
        "them: the quotation, who said it, the outlets in the order they carried it. Most "
        "widely carried first.",
    )
    add_query_options(quotes)
    quotes.add_argument("--speaker", metavar="X", help="said by this speaker (any case)")
    quotes.add_argument(
        "--min-outlets",
        type=int,
        default=2,
        metavar="N",
        help="carried by at least N outlets (default: 2)",
    )
    quotes.set_defaults(run=run_quotes)


def run_quotes(args: argparse.Namespace) -> int:
    return quotes(QuotesSettings.from_args(args))


def quotes(settings: QuotesSettings) -> int:
    query = settings.query
    with query_store(query) as store:
        rows = store.quotes(settings.speaker, settings.min_outlets)
    write_rows(rows[query.offset : query.offset + query.limit], query.output_format, sys.stdout)
    return EXIT_OK
