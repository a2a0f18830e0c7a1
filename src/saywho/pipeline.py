"""The pipeline: ingest -> clean (and language) -> nlp/entities -> attribution -> stance -> ledger.

``Pipeline.analyze`` streams RawDocuments (and ingest Failures, passed through)
into Articles, batching spaCy through ``nlp.pipe``. Every input comes out
exactly once, as an Article or a Failure: nothing is dropped silently.
``analyze_all`` does the same in several processes, a batch at a time.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from saywho.attribution import create_attributor
from saywho.batching import batched, batched_for_workers
from saywho.clean import clean_document
from saywho.config import DEFAULT_CONFIG, MAX_ARTICLE_CHARS, PipelineConfig
from saywho.entities.kb import load_knowledge_base
from saywho.entities.resolve import EntityResolver
from saywho.ledger import build_ledger
from saywho.model import Article, Document, Failure, InputError, RawDocument
from saywho.nlp import load_spacy
from saywho.stance import create_stance_model
from saywho.stance.targets import attach_stances

ENGLISH = "en"


class Pipeline:
    def __init__(self, config: PipelineConfig = DEFAULT_CONFIG) -> None:
        self.config = config
        self.nlp = load_spacy(config.spacy_model)
        self.kb = load_knowledge_base(config.knowledge_bases)
        self.resolve_entities = EntityResolver(self.nlp, self.kb)
        self.attribute = create_attributor(config.attributor)
        self.stance = create_stance_model(config.stance_model) if config.stance_model else None

    def analyze(self, items: Iterable[RawDocument | Failure]) -> Iterator[Article | Failure]:
        for batch in batched(items, self.config.batch_size):
            yield from self._analyze_batch(batch)

    def analyze_text(self, text: str, source: str = "<text>") -> Article | Failure:
        return next(iter(self._analyze_batch([RawDocument(source=source, text=text)])))

    def _analyze_batch(self, batch: Iterable[RawDocument | Failure]) -> list[Article | Failure]:
        results: list[Article | Failure] = []
        english: list[tuple[int, Document]] = []
        for item in batch:
            result = item if isinstance(item, Failure) else self._prepare(item)
            if isinstance(result, Article) and _readable(result):
                english.append((len(results), result.document))
            results.append(result)
        texts = (document.text for _, document in english)
        for (position, document), parsed in zip(english, self.nlp.pipe(texts), strict=True):
            try:
                results[position] = self._analyze_parsed(document, parsed)
            except Exception as error:  # a bug must not lose the rest of the batch
                results[position] = Failure(
                    document.source,
                    f"internal error (please report): {type(error).__name__}: {error}",
                )
        return results

    def _prepare(self, raw: RawDocument) -> Article | Failure:
        """Clean (which finds the language); an Article with no analysis yet."""
        try:
            document = clean_document(raw, raw_mode=self.config.raw)
        except InputError as error:
            return Failure(raw.source, str(error))
        if not document.text.strip():
            return Failure(raw.source, "no text left after cleaning")
        if len(document.text) > MAX_ARTICLE_CHARS:
            return Failure(
                raw.source, f"article longer than {MAX_ARTICLE_CHARS:,} characters; not analyzed"
            )
        article = Article(document=document)
        if document.language not in (ENGLISH, None):
            article.notes.append(
                f"language is {document.language!r}: entities, statements and stance are "
                "English-only for now, so they were not extracted"
            )
        return article

    def _analyze_parsed(self, document: Document, parsed: Doc) -> Article:
        entities = self.resolve_entities(parsed)
        statements = self.attribute(parsed, entities)
        if self.stance is not None:
            attach_stances(parsed, statements, entities, self.stance)
        return Article(
            document=document,
            entities=entities.ordered_entities(),
            statements=statements,
            ledger=build_ledger(statements, entities.entities, self.config.include_thought),
        )


def _readable(article: Article) -> bool:
    return article.document.language in (ENGLISH, None)


# --- several processes -------------------------------------------------------

_worker_pipeline: Pipeline | Exception | None = None


def _start_worker(config: PipelineConfig) -> None:
    global _worker_pipeline
    try:
        _worker_pipeline = Pipeline(config)
    except Exception as error:
        # Raised with the first batch instead: a Pool replaces a worker whose
        # initializer fails, for ever, so the caller would wait without an answer.
        _worker_pipeline = error


def _analyze_in_worker(batch: list[RawDocument | Failure]) -> list[Article | Failure]:
    if isinstance(_worker_pipeline, Exception):
        raise _worker_pipeline
    assert _worker_pipeline is not None
    return list(_worker_pipeline.analyze(batch))


def analyze_all(
    items: Iterable[RawDocument | Failure], config: PipelineConfig, workers: int = 1
) -> Iterator[Article | Failure]:
    """Analyze in this process, or in ``workers`` processes; results keep input order.

    Workers take whole batches (``config.batch_size`` documents, fewer when the input
    is too short to give every worker a full one), so each parses with ``nlp.pipe``
    as a single process does. A setting a worker cannot build its pipeline from
    (an unknown component, a missing model) is raised here.
    """
    if workers <= 1:
        yield from Pipeline(config).analyze(items)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_start_worker, initargs=(config,)) as pool:
        # After the workers have started loading their models: reading the first
        # batches may take a while (URLs).
        batches = batched_for_workers(items, config.batch_size, workers)
        for results in pool.imap(_analyze_in_worker, batches):
            yield from results
