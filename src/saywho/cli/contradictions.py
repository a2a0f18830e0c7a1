"""``saywho contradictions``: actors whose declarations disagree with what they express.

The filters are the ledger's (``LedgerFilter``); the store finds the pairs and
their evidence (``saywho.store.contradictions``), and the rows are written as
the ledger's are (``saywho.store.formats``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from saywho.cli.options import (
    EXIT_OK,
    QuerySettings,
    Subcommands,
    add_ledger_filter_options,
    add_query_options,
    read_ledger_filter,
)
from saywho.cli.query import query_store
from saywho.model import ConfigError
from saywho.store.formats import write_rows
from saywho.store.rows import LedgerFilter

DEFAULT_EXAMPLES = 10


@dataclass(frozen=True)
class ContradictionsSettings:
    query: QuerySettings
    filter: LedgerFilter
    min_strength: float
    examples: int

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ContradictionsSettings:
        if not 0 <= args.min_strength <= 1:
            raise ConfigError("--min-strength must be between 0 and 1")
        if args.examples < 0:
            raise ConfigError("--examples must be at least 0")
        evidence = read_ledger_filter(args)
        return cls(QuerySettings.from_args(args), evidence, args.min_strength, args.examples)


def add_command(commands: Subcommands) -> None:
    command = commands.add_parser(
        "contradictions",
        help="actors whose declared stance disagrees with what they express",
        description="Per actor (a speaker, and the state it speaks for) and target where what "
        "the actor declares (neutrality, no preference, support) disagrees with what it "
        "expresses: declared neutral but expressed positive or negative, declared positive but "
        "expressed negative, declared negative but expressed positive. Strength (0-1): the "
        "share of the expressed evidence that takes a side other than the declared one, "
        "weighted by attribution confidence. The ledger's filters apply to each piece of "
        "evidence first; strongest first, then most evidence.",
    )
    add_query_options(command)
    add_ledger_filter_options(command)
    command.add_argument(
        "--min-strength",
        type=float,
        default=0.0,
        metavar="S",
        help="pairs whose disagreement is at least this strong (0-1) (default: 0)",
    )
    command.add_argument(
        "--examples",
        type=int,
        default=DEFAULT_EXAMPLES,
        metavar="N",
        help="statements listed on each side, declared and expressed, per row "
        f"(default: {DEFAULT_EXAMPLES})",
    )
    command.set_defaults(run=run_contradictions)


def run_contradictions(args: argparse.Namespace) -> int:
    return contradictions(ContradictionsSettings.from_args(args))


def contradictions(settings: ContradictionsSettings) -> int:
    query = settings.query
    with query_store(query) as store:
        rows = store.contradictions(
            settings.filter,
            min_strength=settings.min_strength,
            limit=query.limit,
            offset=query.offset,
            examples=settings.examples,
        )
    write_rows(rows, query.output_format, sys.stdout)
    return EXIT_OK
