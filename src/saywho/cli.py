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
from saywho.config import (
    DEFAULT_CASCADE_OPTIONS,
    DEFAULT_CONFIG,
    DEFAULT_ENCODER,
    DEFAULT_LINK_OPTIONS,
    DEFAULT_SPACY_MODEL,
    PipelineConfig,
)
from saywho.ingest import FetchOptions, read_inputs
from saywho.model import Article, ConfigError, Failure
from saywho.output.jsonio import article_to_dict
from saywho.output.report import render_report

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
    _add_ledger_options(analyze)
    _add_knowledge_options(analyze)
    _add_fetch_options(analyze)
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
    _add_store_commands(commands)
    _add_serve_command(commands)
    return parser


def _add_knowledge_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--attributor",
        default=DEFAULT_CONFIG.attributor,
        metavar="NAME",
        help=f"registered attribution component (default: {DEFAULT_CONFIG.attributor})",
    )
    command.add_argument(
        "--kb",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a YAML file of actors added to the shipped knowledge base (repeatable)",
    )


def _add_fetch_options(command: argparse.ArgumentParser) -> None:
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


def fetch_options(args: argparse.Namespace) -> FetchOptions:
    """The --allow-private-network, --timeout and --max-mb settings."""
    return FetchOptions(
        allow_private_network=args.allow_private_network,
        timeout=args.timeout,
        max_bytes=int(args.max_mb * 1024 * 1024),
    )


def pipeline_config(args: argparse.Namespace, *, extra_kb: Sequence[Path] = ()) -> PipelineConfig:
    """The model and knowledge-base settings (--spacy-model, --stance-model, --attributor, --kb)."""
    if args.workers < 1:
        raise ConfigError("--workers must be at least 1")
    return PipelineConfig(
        spacy_model=args.spacy_model,
        attributor=args.attributor,
        stance_model=None if getattr(args, "no_stance", False) else args.stance_model,
        raw=getattr(args, "raw", False),
        knowledge_bases=(*args.kb, *extra_kb),
        include_thought=getattr(args, "include_thought", False),
    )


def _add_store_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """ingest, reanalyze, labels and the queries: the commands over a saywho database."""
    from saywho.ingest import SOURCE_KINDS
    from saywho.ingest.polite import DEFAULT_HOST_DELAY
    from saywho.store import commands as store_commands
    from saywho.store.export import EXPORT_TABLES
    from saywho.store.store import DEFAULT_DB

    def database(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--db",
            type=Path,
            default=DEFAULT_DB,
            metavar="PATH",
            help=f"the SQLite database (default: ./{DEFAULT_DB})",
        )

    def labels(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--labels",
            type=Path,
            metavar="FILE",
            help="a YAML or CSV file that labels outlets (name, country, labels) and, in "
            "YAML, adds actors to the knowledge base",
        )

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
    database(ingest)
    ingest.add_argument(
        "--workers", type=int, default=1, metavar="N", help="analysis processes (default: 1)"
    )
    ingest.add_argument(
        "--type",
        choices=SOURCE_KINDS,
        metavar="KIND",
        help=f"read every source as this kind instead of sniffing it: {', '.join(SOURCE_KINDS)}",
    )
    labels(ingest)
    ingest.add_argument(
        "--delay",
        type=float,
        default=DEFAULT_HOST_DELAY,
        metavar="SECONDS",
        help="least time between two requests to one host; a longer robots.txt Crawl-delay "
        f"wins (default: {DEFAULT_HOST_DELAY:g})",
    )
    ingest.add_argument(
        "--refetch",
        action="store_true",
        help="fetch the pages that feeds, sitemaps and URL lists list even when an article "
        "with that URL is stored already (to pick up edited articles); by default they are "
        "counted as already stored and not fetched",
    )
    _add_model_options(ingest)
    _add_ledger_options(ingest)
    _add_knowledge_options(ingest)
    _add_fetch_options(ingest)
    ingest.set_defaults(run=store_commands.run_ingest)

    reanalyze = commands.add_parser(
        "reanalyze",
        help="analyze again the articles older models analyzed",
        description="Bring every stored article that another saywho version or other models "
        "analyzed up to the current ones (its stored text is analyzed again as it is).",
    )
    database(reanalyze)
    reanalyze.add_argument(
        "--workers", type=int, default=1, metavar="N", help="analysis processes (default: 1)"
    )
    labels(reanalyze)
    _add_model_options(reanalyze)
    _add_ledger_options(reanalyze)
    _add_knowledge_options(reanalyze)
    reanalyze.set_defaults(run=store_commands.run_reanalyze)

    label = commands.add_parser(
        "labels",
        help="label outlets and actors in a database from a labels file",
        description="Write outlet names, countries and labels, and actor countries, from a "
        "YAML or CSV labels file (see docs/store.md) into the database.",
    )
    label.add_argument("file", type=Path, metavar="FILE")
    database(label)
    label.set_defaults(run=store_commands.run_labels)

    def query_options(command: argparse.ArgumentParser, *, limit: int = 50) -> None:
        database(command)
        command.add_argument(
            "--format",
            choices=("table", "json", "csv"),
            default="table",
            help="output format (default: table)",
        )
        command.add_argument(
            "--limit", type=int, default=limit, metavar="N", help=f"rows (default: {limit})"
        )
        command.add_argument(
            "--offset", type=int, default=0, metavar="N", help="rows to skip (default: 0)"
        )

    def time_and_place(command: argparse.ArgumentParser, *, confidence: bool = True) -> None:
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

    ledger = commands.add_parser(
        "ledger",
        help="declared versus expressed stance per actor and target",
        description="Per actor (a speaker, and the state it speaks for) and target: how much "
        "evidence declares a stance (neutrality, no preference) and how much expresses one, by "
        "polarity (-/=/+), with the most recent examples. Filters apply to each piece of "
        "evidence before counting; most evidence first.",
    )
    query_options(ledger)
    ledger.add_argument("--actor", metavar="X", help="canonical actor name (any case)")
    ledger.add_argument("--target", metavar="Y", help="canonical target name (any case)")
    time_and_place(ledger)
    ledger.add_argument(
        "--country", metavar="C", help="actors of this country (a state and its officials)"
    )
    ledger.add_argument(
        "--group-by",
        choices=("outlet", "label", "outlet-country"),
        help="one row per actor, target and outlet (or outlet label, or outlet country)",
    )
    ledger.add_argument(
        "--examples",
        type=int,
        default=2,
        metavar="N",
        help="examples of declared and of expressed evidence per row (default: 2)",
    )
    ledger.set_defaults(run=store_commands.run_ledger)

    statements = commands.add_parser(
        "statements",
        help="attributed statements, newest first",
        description="Statements with their speaker, act, kind, confidence and stances.",
    )
    query_options(statements)
    statements.add_argument("--speaker", metavar="X", help="canonical speaker (any case)")
    statements.add_argument("--about", metavar="Y", help="a target the statement has a stance on")
    statements.add_argument(
        "--act",
        choices=("claim", "denial", "accusation", "praise", "criticism", "prediction", "other"),
    )
    statements.add_argument("--kind", choices=("direct", "indirect", "mixed"))
    time_and_place(statements)
    statements.add_argument("--country", metavar="C", help="speakers of this country")
    statements.set_defaults(run=store_commands.run_statements)

    search = commands.add_parser(
        "search",
        help="full-text search over articles and statements",
        description='Full-text search (SQLite FTS5): words must all match; "a phrase", OR, '
        "NEAR(a b) and prefix* work. Best matches first, with highlighted snippets.",
    )
    search.add_argument("query", metavar="QUERY")
    query_options(search, limit=20)
    search.add_argument(
        "--in",
        dest="scope",
        choices=("all", "articles", "statements"),
        default="all",
        help="what to search (default: all)",
    )
    time_and_place(search, confidence=False)
    search.set_defaults(run=store_commands.run_search)

    entities = commands.add_parser(
        "entities", help="entities, most mentioned first", description="Entities and mentions."
    )
    query_options(entities)
    entities.add_argument("--type", choices=("PERSON", "ORG", "GPE", "NORP"), type=str.upper)
    entities.set_defaults(run=store_commands.run_entities)

    outlets = commands.add_parser(
        "outlets", help="outlets with their labels and counts", description="Outlets."
    )
    query_options(outlets)
    outlets.add_argument("--label", metavar="L", help="outlets with this label")
    outlets.set_defaults(run=store_commands.run_outlets)

    overview = commands.add_parser(
        "overview", help="what a database holds", description="Row counts and date range."
    )
    database(overview)
    overview.add_argument("--format", choices=("table", "json", "csv"), default="table")
    overview.set_defaults(run=store_commands.run_overview)

    export = commands.add_parser(
        "export",
        help="a whole table as JSONL, CSV or Parquet",
        description="Write every row of a table. Parquet needs --out.",
    )
    database(export)
    export.add_argument("--format", choices=("jsonl", "csv", "parquet"), default="jsonl")
    export.add_argument("--table", choices=EXPORT_TABLES, default="statements")
    export.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    export.set_defaults(run=store_commands.run_export)

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
    query_options(spread)
    spread.add_argument(
        "--encoder",
        default=DEFAULT_ENCODER,
        metavar="NAME",
        help=f"text encoder for translations and same-story links, or 'none' for copies only "
        f"(default: {DEFAULT_ENCODER})",
    )
    # (option, default, metavar, meaning): the thresholds of saywho.config's spread settings.
    thresholds: tuple[tuple[str, float, str, str], ...] = (
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
    for option, default, metavar, meaning in thresholds:
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
    spread.set_defaults(run=store_commands.run_spread)

    quotes = commands.add_parser(
        "quotes",
        help="quotations repeated across articles and outlets",
        description="The statements whose words (word 3-shingles, at least half in common, "
        "12 words or more) appear in several articles, as the last `saywho spread` linked "
        "them: the quotation, who said it, the outlets in the order they carried it. Most "
        "widely carried first.",
    )
    query_options(quotes)
    quotes.add_argument("--speaker", metavar="X", help="said by this speaker (any case)")
    quotes.add_argument(
        "--min-outlets",
        type=int,
        default=2,
        metavar="N",
        help="carried by at least N outlets (default: 2)",
    )
    quotes.set_defaults(run=store_commands.run_quotes)


def _add_serve_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from saywho.store.store import DEFAULT_DB

    serve = commands.add_parser(
        "serve",
        help="a web dashboard and REST API over a database",
        description="Serve the dashboard (overview, ledger, articles, entities, search, spread) "
        "and the JSON API under /api/ (OpenAPI description at /openapi.json) over a database "
        "made by `saywho ingest`. Reading needs no login, so the server listens on 127.0.0.1 only "
        "unless --host says otherwise. POST endpoints (/api/analyze) answer 403 unless "
        "--allow-write is given, and then need a bearer token: the SAYWHO_TOKEN environment "
        "variable, or one generated and printed once at start. See docs/web.md.",
    )
    serve.add_argument(
        "--db",
        type=Path,
        default=DEFAULT_DB,
        metavar="PATH",
        help=f"the SQLite database (default: ./{DEFAULT_DB})",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument(
        "--allow-write",
        action="store_true",
        help="turn on the POST endpoints (they cost CPU), each needing the token",
    )
    serve.add_argument(
        "--max-body-mb",
        type=float,
        default=2.0,
        metavar="MB",
        help="largest request body accepted, in MiB (default: 2)",
    )
    serve.set_defaults(run=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
    # Imported here: the web stack is loaded only by the command that needs it.
    from saywho.web.serve import run_serve

    return run_serve(args)


def _add_model_options(command: argparse.ArgumentParser) -> None:
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
        help="registered stance model: minilm (learned) or lexicon (faster) "
        f"(default: {DEFAULT_CONFIG.stance_model})",
    )


def _add_ledger_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--include-thought",
        action="store_true",
        help="count statements of medium thought (what an actor is reported to believe "
        "or intend) as expressed in the ledger; by default they are kept apart",
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
    # Imported here: query commands start without loading spaCy and the models.
    from saywho.pipeline import analyze_all

    config = pipeline_config(args)
    options = fetch_options(args)
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
