"""The ``saywho`` program: its parser, ``main`` and the command-line reference.

Each command group declares its options and its handler in its own module; the
parser takes them in the order ``saywho --help`` lists them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from saywho import __version__
from saywho.cli import analyze, contradictions, export, ingest, query, serve, spread, watch
from saywho.cli.options import EXIT_USAGE, Handler
from saywho.model import ConfigError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="saywho",
        description="Who said what about whom, with what stance: attributed statements, "
        "stance and a declared-versus-expressed ledger from news articles.",
    )
    parser.add_argument("--version", action="version", version=f"saywho {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    analyze.add_commands(commands)  # analyze, stance
    ingest.add_commands(commands)  # ingest, reanalyze, labels
    query.add_commands(commands)  # ledger, statements, search, entities, outlets, overview
    contradictions.add_command(commands)
    export.add_command(commands)
    spread.add_commands(commands)  # spread, quotes
    serve.add_command(commands)
    watch.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Handler = args.run
    try:
        return run(args)
    except ConfigError as error:
        print(f"saywho: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("saywho: interrupted", file=sys.stderr)
        return 130


def help_markdown() -> str:
    """docs/cli.md: every command's --help, generated from the parser that defines it."""
    parser = build_parser()
    sections = [
        "# Command line reference",
        "",
        "Generated from `saywho --help` by `make docs`.",
        "",
    ]
    sections += ["## saywho", "", "```", parser.format_help().rstrip(), "```", ""]
    subparsers = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    for name, command in subparsers.choices.items():
        sections += [f"## saywho {name}", "", "```", command.format_help().rstrip(), "```", ""]
    return "\n".join(sections)
