"""One watch cycle: fetch, ingest what is new, evaluate the rules, deliver.

Every step commits its own results before the next begins, and each is safe to
repeat, so a process killed at any moment leaves work that the next cycle
finishes without doing anything twice:

1. the sources are read as ``saywho ingest`` reads them (stored pages are not
   fetched again); feeds, sitemaps and URL lists named by URL are asked for
   conditionally with the validators the last complete cycle kept;
2. articles are stored one transaction each (``ingest_documents``); the
   feeds' new validators are kept only after that, and only when no input
   failed (else the next cycle reads the listings whole again);
3. when a rule reads spread links (``copies``, ``bursts``), the articles stored
   since the last link are linked against the window around them
   (``Store.link_new_articles``: links and progress commit together);
4. the rules are evaluated (``evaluate_rules``): alerts, their delivery rows
   and each rule's progress commit together;
5. every sink is given what it has not had (``saywho.watch.deliver``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from saywho.config import DEFAULT_LINK_OPTIONS, LinkOptions, PipelineConfig
from saywho.ingest import SourceOptions, read_sources
from saywho.ingest.sources import ConditionalCache
from saywho.model import ConfigError
from saywho.store.ingest import IngestSummary, OutcomeListener, ingest_documents, url_is_stored
from saywho.store.store import Store
from saywho.watch.deliver import Sink, SinkSummary
from saywho.watch.evaluate import evaluate_rules
from saywho.watch.failpoints import failpoint
from saywho.watch.rules import Rule, needs_spread

if TYPE_CHECKING:
    from saywho.spread import TextEncoder
    from saywho.store.spread import SpreadSummary


@dataclass(frozen=True)
class SpreadStep:
    """How the cycle links new articles when a rule needs spread links."""

    encoder: TextEncoder | None  # None: copies only
    options: LinkOptions = DEFAULT_LINK_OPTIONS

    @property
    def digest(self) -> str:
        """Which links the stored ones are: other ones link the whole database again."""
        name = self.encoder.name if self.encoder is not None else "none"
        text = json.dumps([name, asdict(self.options)], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CycleSettings:
    sources: tuple[str, ...]
    db: Path
    rules: tuple[Rule, ...]
    sinks: tuple[Sink, ...]
    source_options: SourceOptions
    config: PipelineConfig
    spread: SpreadStep | None = None  # None: no rule reads spread links


@dataclass
class CycleSummary:
    ingest: IngestSummary
    not_modified: int = 0  # listings that answered 304
    alerts: dict[str, int] = field(default_factory=dict)  # new alerts per rule
    sinks: list[SinkSummary] = field(default_factory=list)
    pending: dict[str, int] = field(default_factory=dict)  # per sink, still to deliver
    spread: SpreadSummary | None = None  # None: not run (no rule needs it, or it failed)
    spread_error: str | None = None
    skipped: int = 0  # rules not evaluated because the spread linking failed

    @property
    def failed(self) -> bool:
        failed_sink = any(sink.failed for sink in self.sinks)
        return bool(self.ingest.failed) or failed_sink or self.spread_error is not None

    def describe(self) -> str:
        parts = [self.ingest.describe(), f"{self.not_modified} feeds unchanged (HTTP 304)"]
        if self.spread is not None:
            parts.append(
                f"spread: {self.spread.new} new articles linked "
                f"({self.spread.encoded} encoded), {sum(self.spread.links.values())} links"
            )
        if self.spread_error is not None:
            parts.append(f"spread failed: {self.spread_error} ({self.skipped} rules skipped)")
        parts.append(f"{sum(self.alerts.values())} new alerts")
        for sink in self.sinks:
            text = (
                f"{sink.sink}: {sink.delivered} delivered, {self.pending.get(sink.sink, 0)} pending"
            )
            if sink.error:
                text += f" (failed: {sink.error})"
            parts.append(text)
        return "; ".join(parts)


def run_cycle(
    settings: CycleSettings, listener: OutcomeListener | None = None, now: float | None = None
) -> CycleSummary:
    with Store(settings.db) as store:
        conditional = ConditionalCache(known=store.feed_validators())
        options = replace(
            settings.source_options,
            is_stored=partial(url_is_stored, settings.db),
            conditional=conditional,
        )
        ingested = ingest_documents(
            store, read_sources(settings.sources, options), settings.config, listener=listener
        )
        failpoint("ingested")
        if not ingested.failed and conditional.seen:
            store.save_feed_validators(conditional.seen)
        summary = CycleSummary(ingested, len(conditional.not_modified))
        rules = _link_spread(store, settings, summary)
        failpoint("linked")
        names = [sink.name for sink in settings.sinks]
        summary.alerts = evaluate_rules(store, rules, names)
        moment = time.time() if now is None else now
        for sink in settings.sinks:
            summary.sinks.append(sink.deliver(store, moment))
            summary.pending[sink.name] = store.delivery_counts(sink.name).pending
    return summary


def _link_spread(store: Store, settings: CycleSettings, summary: CycleSummary) -> list[Rule]:
    """Link the new articles if a rule needs it; the rules to evaluate (without those
    that read spread links when the linking failed: the next cycle does them)."""
    rules = list(settings.rules)
    if settings.spread is None or not any(needs_spread(rule) for rule in rules):
        return rules
    step = settings.spread
    try:
        summary.spread = store.link_new_articles(step.encoder, step.options, step.digest)
    except Exception as error:  # failures are data: counted, the other rules still run
        summary.spread_error = f"{type(error).__name__}: {error}"
        kept = [rule for rule in rules if not needs_spread(rule)]
        summary.skipped = len(rules) - len(kept)
        return kept
    return rules


@contextmanager
def watch_lock(db: Path) -> Iterator[bool]:
    """An exclusive lock beside the database for one watch at a time: yields False
    (and takes nothing) when another process holds it, so cron runs never overlap."""
    path = db.with_name(db.name + ".watch-lock")
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise ConfigError(f"{path}: cannot create the watch lock: {error.strerror}") from error
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)
