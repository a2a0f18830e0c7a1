"""The pipeline: ingest -> clean (and language) -> nlp/entities -> attribution -> stance -> ledger.

Each language has its own components (``saywho.languages``); a batch is parsed
one language at a time.

``Pipeline.analyze`` streams RawDocuments (and ingest Failures, passed through)
into Articles, batching spaCy through ``nlp.pipe``. Every input comes out
exactly once, as an Article or a Failure: nothing is dropped silently.
``analyze_all`` does the same in several processes, a batch at a time.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from saywho.attribution import Attributor, create_attributor
from saywho.batching import batched, batched_for_workers
from saywho.clean import clean_document
from saywho.config import DEFAULT_CONFIG, MAX_ARTICLE_CHARS, PipelineConfig
from saywho.entities.kb import KnowledgeBase, load_knowledge_base
from saywho.entities.resolve import EntityResolver
from saywho.languages import ENGLISH, setup_for
from saywho.ledger import build_ledger
from saywho.model import Article, ConfigError, Document, Failure, InputError, RawDocument
from saywho.nlp import load_spacy
from saywho.stance import StanceModel, create_stance_model
from saywho.stance.targets import attach_stances


@dataclass(frozen=True)
class LanguageAnalyzer:
    """The components that analyse one language's parsed articles."""

    nlp: Language
    resolve_entities: EntityResolver
    attribute: Attributor
    stance: StanceModel | None
    note: str | None  # what measured this language's analysis (None: English)

    @classmethod
    def build(cls, language: str, config: PipelineConfig, kb: KnowledgeBase) -> LanguageAnalyzer:
        if language == ENGLISH:
            spacy_model, attributor, stance, note = (
                config.spacy_model,
                config.attributor,
                config.stance_model,
                None,
            )
        else:
            setup = setup_for(language)
            spacy_model, attributor, note = setup.spacy_model, setup.attributor, setup.measured
            stance = setup.stance_model if config.stance_model else None
        nlp = load_spacy(spacy_model)
        return cls(
            nlp=nlp,
            resolve_entities=EntityResolver(nlp, kb),
            attribute=create_attributor(attributor),
            stance=create_stance_model(stance) if stance else None,
            note=note,
        )


class Pipeline:
    def __init__(self, config: PipelineConfig = DEFAULT_CONFIG) -> None:
        self.config = config
        self.kb = load_knowledge_base(config.knowledge_bases)
        # English is built now, so that a wrong setting fails before any input is read;
        # other languages when their first article comes.
        self._analyzers: dict[str, LanguageAnalyzer | ConfigError] = {
            ENGLISH: LanguageAnalyzer.build(ENGLISH, config, self.kb)
        }

    @property
    def english(self) -> LanguageAnalyzer:
        analyzer = self._analyzers[ENGLISH]
        assert isinstance(analyzer, LanguageAnalyzer)  # built in __init__, or it raised
        return analyzer

    def analyzer(self, language: str | None) -> LanguageAnalyzer | ConfigError:
        """The analyzer of a language (None: undetected, read as English), or why
        there is none (its pipeline could not be loaded)."""
        language = language or ENGLISH
        if language not in self._analyzers:
            try:
                self._analyzers[language] = LanguageAnalyzer.build(language, self.config, self.kb)
            except ConfigError as error:
                self._analyzers[language] = error
        return self._analyzers[language]

    def analyze(self, items: Iterable[RawDocument | Failure]) -> Iterator[Article | Failure]:
        for batch in batched(items, self.config.batch_size):
            yield from self._analyze_batch(batch)

    def analyze_text(self, text: str, source: str = "<text>") -> Article | Failure:
        return next(iter(self._analyze_batch([RawDocument(source=source, text=text)])))

    def _analyze_batch(self, batch: Iterable[RawDocument | Failure]) -> list[Article | Failure]:
        results: list[Article | Failure] = []
        by_language: dict[str, list[tuple[int, Document]]] = {}
        for item in batch:
            result = item if isinstance(item, Failure) else self._prepare(item)
            if isinstance(result, Article) and self._readable(result.document.language):
                language = result.document.language or ENGLISH
                by_language.setdefault(language, []).append((len(results), result.document))
            results.append(result)
        for language, documents in by_language.items():
            analyzer = self.analyzer(language)
            if isinstance(analyzer, ConfigError):
                for position, document in documents:
                    results[position] = Failure(document.source, str(analyzer))
                continue
            texts = (document.text for _, document in documents)
            for (position, document), parsed in zip(
                documents, analyzer.nlp.pipe(texts), strict=True
            ):
                results[position] = _analyze_parsed(analyzer, document, parsed, self.config)
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
        if not self._readable(document.language):
            article.notes.append(
                f"language is {document.language!r}, which is not among the languages to "
                f"analyze ({', '.join(self.config.languages)}; add it with --languages): "
                "entities, statements and stance were not extracted"
            )
        return article

    def _readable(self, language: str | None) -> bool:
        return language is None or language in self.config.languages


def _analyze_parsed(
    analyzer: LanguageAnalyzer, document: Document, parsed: Doc, config: PipelineConfig
) -> Article | Failure:
    try:
        entities = analyzer.resolve_entities(parsed)
        statements = analyzer.attribute(parsed, entities)
        if analyzer.stance is not None:
            attach_stances(parsed, statements, entities, analyzer.stance)
    except ConfigError as error:  # a model file that a component loads on first use
        return Failure(document.source, str(error))
    except Exception as error:  # a bug must not lose the rest of the batch
        return Failure(
            document.source, f"internal error (please report): {type(error).__name__}: {error}"
        )
    return Article(
        document=document,
        entities=entities.ordered_entities(),
        statements=statements,
        ledger=build_ledger(statements, entities.entities, config.include_thought),
        notes=[analyzer.note] if analyzer.note else [],
    )


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
