"""The ``saywho`` command line: one function per command over the same pipeline."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from saywho import __version__
from saywho.ingest import FetchOptions, read_inputs
from saywho.model import Article, ConfigError, Failure
from saywho.nlp import DEFAULT_SPACY_MODEL
from saywho.output.jsonio import article_to_dict
from saywho.output.report import render_report
from saywho.pipeline import PipelineConfig, analyze_all

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="saywho",
        description="Who said what about whom, with what stance: attributed statements, "
        "stance and a declared-versus-expressed ledger from news articles.",
    )
    parser.add_argument("--version", action="version", version=f"saywho {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser(
        "analyze",
        help="analyze articles: entities, statements, stance, ledger",
        description="Analyze articles from files, directories (recursive) and http(s) URLs: "
        ".txt, .html/.htm (also gzipped), .json/.jsonl records with 'text' or 'html'. "
        "A bad input gets one error line on stderr and the others go on; the exit "
        "status is 1 if any input failed.",
    )
    analyze.add_argument("inputs", nargs="+", metavar="PATH|URL", help="what to analyze")
    analyze.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="text: a readable report; json: one object (an array for several inputs); "
        "jsonl: one article a line. JSON follows the saywho.article/1 schema. (default: text)",
    )
    analyze.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    analyze.add_argument(
        "--raw",
        action="store_true",
        help="skip cleaning, so that every offset indexes the input text exactly",
    )
    analyze.add_argument(
        "--no-stance", action="store_true", help="skip stance (only who said what; faster)"
    )
    analyze.add_argument(
        "--workers", type=int, default=1, metavar="N", help="processes to use (default: 1)"
    )
    _add_model_options(analyze)
    analyze.add_argument(
        "--attributor",
        default="rules",
        metavar="NAME",
        help="registered attribution component (default: rules)",
    )
    analyze.add_argument(
        "--kb",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a YAML file of actors added to the shipped knowledge base (repeatable)",
    )
    analyze.add_argument(
        "--allow-private-network",
        action="store_true",
        help="allow URLs on loopback, private and link-local addresses (refused by default)",
    )
    analyze.add_argument(
        "--timeout", type=float, default=20.0, metavar="SECONDS", help="per URL (default: 20)"
    )
    analyze.add_argument(
        "--max-mb",
        type=float,
        default=10.0,
        metavar="MB",
        help="size cap per input in MiB, also after decompression (default: 10)",
    )
    analyze.set_defaults(run=run_analyze)

    stance = commands.add_parser(
        "stance",
        help="target-dependent polarity for given spans",
        description='Read JSONL lines {"id", "text", "targets": [{"start", "end"}]} and write '
        '{"id", "targets": [{"start", "end", "polarity", "score"}]}.',
    )
    stance.add_argument("input", type=Path, metavar="IN.jsonl")
    stance.add_argument("output", type=Path, metavar="OUT.jsonl")
    _add_model_options(stance)
    stance.set_defaults(run=run_stance)
    return parser


def _add_model_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--spacy-model",
        default=DEFAULT_SPACY_MODEL,
        metavar="NAME",
        help=f"installed spaCy pipeline (package name or path) (default: {DEFAULT_SPACY_MODEL})",
    )
    command.add_argument(
        "--stance-model",
        default="lexicon",
        metavar="NAME",
        help="registered stance model (default: lexicon)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except ConfigError as error:
        print(f"saywho: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("saywho: interrupted", file=sys.stderr)
        return 130
    return status


def run_analyze(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise ConfigError("--workers must be at least 1")
    options = FetchOptions(
        allow_private_network=args.allow_private_network,
        timeout=args.timeout,
        max_bytes=int(args.max_mb * 1024 * 1024),
    )
    config = PipelineConfig(
        spacy_model=args.spacy_model,
        attributor=args.attributor,
        stance_model=None if args.no_stance else args.stance_model,
        raw=args.raw,
        knowledge_bases=tuple(args.kb),
    )
    results = analyze_all(read_inputs(args.inputs, options), config, workers=args.workers)
    analyzed = failed = 0
    with _output(args.out) as out, _ArticleWriter(out, args.format) as writer:
        for result in tqdm(
            results, desc="analyzing", unit="article", file=sys.stderr, disable=None
        ):
            if isinstance(result, Failure):
                failed += 1
                tqdm.write(f"saywho: error: {result.source}: {result.reason}", file=sys.stderr)
            else:
                analyzed += 1
                writer.write(result)
    if failed or analyzed != 1:
        print(f"saywho: {analyzed} analyzed, {failed} failed", file=sys.stderr)
    return EXIT_SOME_FAILED if failed else EXIT_OK


class _ArticleWriter:
    """Writes articles in the chosen format as they come, so output streams."""

    def __init__(self, out: IO[str], output_format: str) -> None:
        self.out = out
        self.format = output_format
        self.pending: dict[str, Any] | None = None  # json: held back to know if it is alone
        self.count = 0

    def __enter__(self) -> _ArticleWriter:
        return self

    def write(self, article: Article) -> None:
        self.count += 1
        if self.format == "text":
            self.out.write(("\n" if self.count > 1 else "") + render_report(article))
        elif self.format == "jsonl":
            self.out.write(json.dumps(article_to_dict(article), ensure_ascii=False) + "\n")
        elif self.count == 1:
            self.pending = article_to_dict(article)
        else:
            if self.pending is not None:
                self.out.write("[\n" + _json(self.pending))
                self.pending = None
            self.out.write(",\n" + _json(article_to_dict(article)))
        self.out.flush()

    def __exit__(self, *exc: object) -> None:
        if self.format != "json":
            return
        if self.pending is not None:
            self.out.write(_json(self.pending) + "\n")
        elif self.count > 1:
            self.out.write("\n]\n")
        else:
            self.out.write("[]\n")


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@contextmanager
def _output(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write {path}: {error.strerror}") from error
    with handle:
        yield handle


def run_stance(args: argparse.Namespace) -> int:
    from saywho.stance.batch import predict_file

    return (
        EXIT_SOME_FAILED
        if predict_file(args.input, args.output, args.spacy_model, args.stance_model)
        else EXIT_OK
    )


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
