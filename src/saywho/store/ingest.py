"""The ingest loop: documents in, one committed article (or one counted outcome) each.

An input already stored with the same content hash is skipped before analysis,
so a re-run costs reading, not analyzing. Everything else goes through
``analyze_all`` (the pipeline of ``saywho analyze``) and ``Store.save_article``,
whose own check inside the transaction settles duplicates within one run. At the
end of a run ``Store.unify_person_names`` gives a surname alone its full name.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from saywho.config import PipelineConfig
from saywho.ingest.sources import Source
from saywho.model import AlreadyStored, Article, Failure, RawDocument
from saywho.store.identity import article_identity, content_hash, raw_identity
from saywho.store.provenance import provenance_of
from saywho.store.store import Store

Outcome = Literal["ingested", "updated", "reanalyzed", "unchanged", "known", "failed"]
# Documents read ahead of the analysis per worker: enough to keep workers busy,
# few enough that a huge WARC is not read into memory at once.
READ_AHEAD_PER_WORKER = 32
_POLL_SECONDS = 0.2


@dataclass
class IngestSummary:
    ingested: int = 0
    updated: int = 0
    reanalyzed: int = 0
    unchanged: int = 0
    known: int = 0  # listed pages not fetched again: their URL is stored
    failed: int = 0
    renamed: int = 0  # people given their full name (Store.unify_person_names)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, outcome: Outcome) -> None:
        with self._lock:
            setattr(self, outcome, getattr(self, outcome) + 1)

    def describe(self) -> str:
        parts = [f"{self.ingested} ingested", f"{self.updated} updated"]
        if self.reanalyzed:
            parts.append(f"{self.reanalyzed} reanalyzed")
        parts.append(f"{self.unchanged} unchanged (duplicates)")
        if self.known:
            parts.append(f"{self.known} listed pages already stored (not fetched)")
        parts.append(f"{self.failed} failed")
        if self.renamed:
            people = "person" if self.renamed == 1 else "people"
            parts.append(f"{self.renamed} {people} given their full name")
        return ", ".join(parts)


# Called once per input with its outcome and, for failures, the Failure.
OutcomeListener = Callable[[Outcome, Failure | None], None]


def ingest_documents(
    store: Store,
    items: Iterable[Source],
    config: PipelineConfig,
    *,
    workers: int = 1,
    listener: OutcomeListener | None = None,
) -> IngestSummary:
    """Analyze and store every new or changed document; count every outcome."""
    summary = IngestSummary()
    provenance = provenance_of(config)

    def report(outcome: Outcome, failure: Failure | None = None) -> None:
        summary.count(outcome)
        if listener is not None:
            listener(outcome, failure)

    # Pipeline.analyze reads a whole batch before its first result: read ahead at least that.
    read_ahead = max(workers, 1) * READ_AHEAD_PER_WORKER + config.batch_size
    feed = _NewDocuments(store, items, report, read_ahead)
    try:
        for result in _analyze_all(feed, config, workers):
            digest = feed.take_hash()
            if isinstance(result, Failure):
                report("failed", result)
            else:
                report(store.save_article(result, provenance, digest))
    finally:
        feed.stop()
    summary.renamed = len(store.unify_person_names())
    return summary


def reanalyze_stale(
    store: Store,
    config: PipelineConfig,
    *,
    workers: int = 1,
    listener: OutcomeListener | None = None,
) -> IngestSummary:
    """Analyze again every article that another saywho or other models analyzed.

    The stored clean text is analyzed as it is (``raw``), so offsets keep
    indexing it; each article keeps its id, identity and content hash.
    """
    summary = IngestSummary()
    raw_config = replace(config, raw=True)
    provenance = provenance_of(raw_config)
    stale = store.stale_article_ids(provenance)
    hashes: deque[str] = deque()

    def stored_documents() -> Iterator[RawDocument]:
        # Its own connection: with several workers the pool reads this from another thread.
        with Store(store.path) as reader:
            for article_id in stale:
                stored = reader.stored_input(article_id)
                hashes.append(stored.content_hash)
                yield stored.document

    for result in _analyze_all(stored_documents(), raw_config, workers):
        digest = hashes.popleft()
        failure = result if isinstance(result, Failure) else None
        outcome: Outcome
        if isinstance(result, Failure):
            outcome = "failed"
        else:
            outcome = store.save_article(result, provenance, digest)
        summary.count(outcome)
        if listener is not None:
            listener(outcome, failure)
    summary.renamed = len(store.unify_person_names())
    return summary


class _NewDocuments:
    """The documents not stored yet, with their content hashes in the same order.

    With several workers the pool reads this from its own thread, so the check
    uses its own read connection (WAL lets it read while the writer writes) and
    ``read_ahead`` bounds how far it runs ahead of the results.
    """

    def __init__(
        self,
        store: Store,
        items: Iterable[Source],
        report: Callable[[Outcome], None],
        read_ahead: int,
    ) -> None:
        self._path = store.path
        self._items = items
        self._report = report
        self._hashes: deque[str | None] = deque()
        self._slots = threading.Semaphore(read_ahead)
        self._stopped = threading.Event()

    def __iter__(self) -> Iterator[RawDocument | Failure]:
        with Store(self._path) as reader:
            for item in self._items:
                if isinstance(item, AlreadyStored):
                    self._report("known")
                    continue
                if isinstance(item, RawDocument):
                    digest = content_hash(item)
                    if reader.is_unchanged(raw_identity(item), digest):
                        self._report("unchanged")
                        continue
                else:
                    digest = None
                if not self._wait_for_slot():
                    return
                self._hashes.append(digest)
                yield item

    def _wait_for_slot(self) -> bool:
        while not self._slots.acquire(timeout=_POLL_SECONDS):
            if self._stopped.is_set():
                return False
        return True

    def take_hash(self) -> str | None:
        """The content hash of the next result's input (None for a read failure)."""
        self._slots.release()
        return self._hashes.popleft()

    def stop(self) -> None:
        self._stopped.set()


def _analyze_all(
    items: Iterable[RawDocument | Failure], config: PipelineConfig, workers: int
) -> Iterator[Article | Failure]:
    # Imported on use: the models load only when there is something to analyze.
    from saywho.pipeline import analyze_all

    yield from analyze_all(items, config, workers)


def url_is_stored(path: Path, url: str) -> bool:
    """``SourceOptions.is_stored`` for a database: an article with this URL is in it.

    A connection per call keeps it usable from the thread that reads the sources;
    it costs a millisecond beside a polite fetch's second.
    """
    with Store(path) as store:
        return store.has_identity(article_identity(url, url))
