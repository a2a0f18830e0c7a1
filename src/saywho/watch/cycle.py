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
3. the rules are evaluated (``evaluate_rules``): alerts, their delivery rows
   and each rule's progress commit together;
4. every sink is given what it has not had (``saywho.watch.deliver``).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from saywho.config import PipelineConfig
from saywho.ingest import SourceOptions, read_sources
from saywho.ingest.sources import ConditionalCache
from saywho.model import ConfigError
from saywho.store.ingest import IngestSummary, OutcomeListener, ingest_documents, url_is_stored
from saywho.store.store import Store
from saywho.watch.deliver import Sink, SinkSummary
from saywho.watch.evaluate import evaluate_rules
from saywho.watch.failpoints import failpoint
from saywho.watch.rules import Rule


@dataclass(frozen=True)
class CycleSettings:
    sources: tuple[str, ...]
    db: Path
    rules: tuple[Rule, ...]
    sinks: tuple[Sink, ...]
    source_options: SourceOptions
    config: PipelineConfig


@dataclass
class CycleSummary:
    ingest: IngestSummary
    not_modified: int = 0  # listings that answered 304
    alerts: dict[str, int] = field(default_factory=dict)  # new alerts per rule
    sinks: list[SinkSummary] = field(default_factory=list)
    pending: dict[str, int] = field(default_factory=dict)  # per sink, still to deliver

    @property
    def failed(self) -> bool:
        return bool(self.ingest.failed) or any(sink.failed for sink in self.sinks)

    def describe(self) -> str:
        parts = [self.ingest.describe(), f"{self.not_modified} feeds unchanged (HTTP 304)"]
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
        names = [sink.name for sink in settings.sinks]
        summary.alerts = evaluate_rules(store, settings.rules, names)
        moment = time.time() if now is None else now
        for sink in settings.sinks:
            summary.sinks.append(sink.deliver(store, moment))
            summary.pending[sink.name] = store.delivery_counts(sink.name).pending
    return summary


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
