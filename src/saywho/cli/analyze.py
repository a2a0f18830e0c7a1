"""``saywho analyze`` and ``saywho stance``: the pipeline over files and URLs, no database."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, get_args

from tqdm import tqdm

from saywho.cli.options import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    Subcommands,
    add_fetch_options,
    add_knowledge_options,
    add_ledger_options,
    add_model_options,
    read_fetch_options,
    read_pipeline_config,
    read_workers,
)
from saywho.config import PipelineConfig
from saywho.ingest import FetchOptions, read_inputs
from saywho.model import Article, ConfigError, Failure
from saywho.output.jsonio import article_to_dict
from saywho.output.report import render_report

ArticleFormat = Literal["text", "json", "jsonl"]


def add_commands(commands: Subcommands) -> None:
    _add_analyze(commands)
    _add_stance(commands)


# --- analyze -------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalyzeSettings:
    inputs: tuple[str, ...]
    output_format: ArticleFormat
    out: Path | None
    workers: int
    config: PipelineConfig
    fetch: FetchOptions

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> AnalyzeSettings:
        workers = read_workers(args)
        return cls(
            inputs=tuple(args.inputs),
            output_format=args.format,
            out=args.out,
            workers=workers,
            config=read_pipeline_config(args, raw=args.raw, stance=not args.no_stance),
            fetch=read_fetch_options(args),
        )


def _add_analyze(commands: Subcommands) -> None:
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
        choices=get_args(ArticleFormat),
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
    add_model_options(analyze)
    add_ledger_options(analyze)
    add_knowledge_options(analyze)
    add_fetch_options(analyze)
    analyze.set_defaults(run=run_analyze)


def run_analyze(args: argparse.Namespace) -> int:
    return analyze(AnalyzeSettings.from_args(args))


def analyze(settings: AnalyzeSettings) -> int:
    # Imported here: query commands start without loading spaCy and the models.
    from saywho.pipeline import analyze_all

    inputs = read_inputs(settings.inputs, settings.fetch)
    results = analyze_all(inputs, settings.config, workers=settings.workers)
    analyzed = failed = 0
    with (
        _output(settings.out) as out,
        _ArticleWriter(out, settings.output_format) as writer,
    ):
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

    def __init__(self, out: IO[str], output_format: ArticleFormat) -> None:
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


# --- stance --------------------------------------------------------------------------


@dataclass(frozen=True)
class StanceSettings:
    input: Path
    output: Path
    spacy_model: str
    stance_model: str

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> StanceSettings:
        return cls(args.input, args.output, args.spacy_model, args.stance_model)


def _add_stance(commands: Subcommands) -> None:
    stance = commands.add_parser(
        "stance",
        help="target-dependent polarity for given spans",
        description='Read JSONL lines {"id", "text", "targets": [{"start", "end"}]} and write '
        '{"id", "targets": [{"start", "end", "polarity", "score"}]}.',
    )
    stance.add_argument("input", type=Path, metavar="IN.jsonl")
    stance.add_argument("output", type=Path, metavar="OUT.jsonl")
    add_model_options(stance)
    stance.set_defaults(run=run_stance)


def run_stance(args: argparse.Namespace) -> int:
    return stance(StanceSettings.from_args(args))


def stance(settings: StanceSettings) -> int:
    from saywho.stance.batch import predict_file

    failed = predict_file(
        settings.input, settings.output, settings.spacy_model, settings.stance_model
    )
    return EXIT_SOME_FAILED if failed else EXIT_OK
