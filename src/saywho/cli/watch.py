"""``saywho watch``: poll sources, ingest what is new, evaluate rules, deliver alerts."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from saywho.cli.options import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    Subcommands,
    add_database_option,
    add_fetch_options,
    add_host_delay_option,
    add_knowledge_options,
    add_ledger_options,
    add_model_options,
    read_fetch_options,
    read_pipeline_config,
)
from saywho.config import DEFAULT_ENCODER
from saywho.ingest import SourceOptions
from saywho.model import ConfigError, Failure
from saywho.store.ingest import Outcome
from saywho.watch.cycle import CycleSettings, SpreadStep, run_cycle, watch_lock
from saywho.watch.deliver import JsonlSink, Sink, WebhookSink
from saywho.watch.rules import duration_seconds, load_rules, needs_spread

DEFAULT_EVERY = "15m"
DEFAULT_RETRY = 60.0


@dataclass(frozen=True)
class WatchSettings:
    cycle: CycleSettings
    every: float | None  # seconds between cycles; None: one cycle (--once)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> WatchSettings:
        sinks: list[Sink] = []
        if args.alerts is not None:
            sinks.append(JsonlSink(args.alerts))
        if args.webhook is not None:
            sinks.append(WebhookSink(args.webhook, retry_after=args.retry_after))
        if args.retry_after < 0:
            raise ConfigError("--retry-after must not be negative")
        rules = tuple(load_rules(args.rules))
        cycle = CycleSettings(
            sources=tuple(args.sources),
            db=args.db,
            rules=rules,
            sinks=tuple(sinks),
            source_options=SourceOptions(fetch=read_fetch_options(args), host_delay=args.delay),
            config=read_pipeline_config(args),
            spread=_spread_step(args.encoder) if any(map(needs_spread, rules)) else None,
        )
        return cls(cycle, None if args.once else parse_duration(args.every))


def _spread_step(encoder: str) -> SpreadStep:
    """The encoder is loaded here, only when a rule reads spread links."""
    from saywho.spread import create_encoder

    return SpreadStep(None if encoder == "none" else create_encoder(encoder))


def parse_duration(text: str) -> float:
    """``90``, ``30s``, ``15m``, ``2h`` or ``1d`` in seconds (at least one)."""
    seconds = duration_seconds(text)
    if seconds is None or seconds < 1:
        raise ConfigError(f"--every {text!r}: give a duration such as 90s, 15m, 2h or 1d")
    return seconds


def add_command(commands: Subcommands) -> None:
    watch = commands.add_parser(
        "watch",
        help="poll sources, ingest what is new and deliver alerts for standing rules",
        description="Each cycle reads the sources as `saywho ingest` does (feeds and sitemaps "
        "are asked for with ETag / Last-Modified, so an unchanged one costs one small request), "
        "stores the new articles, evaluates the rules of RULES.yaml on what changed and delivers "
        "each new alert once to each sink: a JSONL file (--alerts) and a webhook (--webhook; "
        "one that is down gets the alert later, with backoff). Alerts are kept in the database "
        "(see /alerts and /alerts.atom of `saywho serve`). A cycle killed at any moment loses "
        "and repeats nothing, so `--once` is safe under cron. See docs/watch.md.",
    )
    watch.add_argument("sources", nargs="+", metavar="SOURCE", help="what to ingest each cycle")
    add_database_option(watch)
    watch.add_argument(
        "--rules",
        type=Path,
        required=True,
        metavar="RULES.yaml",
        help="the rules (YAML; see docs/watch.md)",
    )
    when = watch.add_mutually_exclusive_group()
    when.add_argument(
        "--every",
        default=DEFAULT_EVERY,
        metavar="DURATION",
        help=f"time between cycles: 90s, 15m, 2h (default: {DEFAULT_EVERY})",
    )
    when.add_argument("--once", action="store_true", help="run one cycle and exit (for cron)")
    watch.add_argument(
        "--alerts",
        type=Path,
        metavar="FILE.jsonl",
        help="append each new alert to this file, one JSON object a line",
    )
    watch.add_argument("--webhook", metavar="URL", help="POST each new alert as JSON to this URL")
    watch.add_argument(
        "--retry-after",
        type=float,
        default=DEFAULT_RETRY,
        metavar="SECONDS",
        help="first wait before a failed webhook delivery is tried again; it "
        f"doubles with each failure, up to an hour (default: {DEFAULT_RETRY:g})",
    )
    add_host_delay_option(watch)
    _add_encoder_option(watch)
    add_model_options(watch)
    add_ledger_options(watch)
    add_knowledge_options(watch)
    add_fetch_options(watch)
    watch.set_defaults(run=run_watch)


def _add_encoder_option(watch: argparse.ArgumentParser) -> None:
    watch.add_argument(
        "--encoder",
        default=DEFAULT_ENCODER,
        metavar="NAME",
        help="text encoder for translation links when a copies or bursts rule needs spread "
        f"links, or 'none' for copies only (default: {DEFAULT_ENCODER}; loaded only then)",
    )


def run_watch(args: argparse.Namespace) -> int:
    return watch(WatchSettings.from_args(args))


def watch(settings: WatchSettings) -> int:
    """One cycle (``every`` None), or cycles forever ``every`` seconds apart."""
    while True:
        started = time.monotonic()
        status = _one_cycle(settings.cycle)
        if settings.every is None:
            return status
        time.sleep(max(0.0, settings.every - (time.monotonic() - started)))


def _one_cycle(settings: CycleSettings) -> int:
    with watch_lock(settings.db) as held:
        if not held:
            print(
                "saywho: another saywho watch is running on this database; skipped", file=sys.stderr
            )
            return EXIT_OK
        summary = run_cycle(settings, listener=_report_failure)
    print(f"saywho: {summary.describe()}", file=sys.stderr)
    return EXIT_SOME_FAILED if summary.failed else EXIT_OK


def _report_failure(outcome: Outcome, failure: Failure | None) -> None:
    if failure is not None:
        print(f"saywho: error: {failure.source}: {failure.reason}", file=sys.stderr)
