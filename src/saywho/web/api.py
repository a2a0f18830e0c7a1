"""The read API under ``/api/``: the CLI's queries as JSON.

Each endpoint takes the options of its CLI command as query parameters, builds
the same filter dataclass and calls the same ``Store`` method, and answers
``{"items": [...], "limit": N, "offset": M}`` with the store's row dataclasses
(their fields are the CLI's ``--format json``). One stored article is the
``saywho.article/1`` JSON that ``POST /api/analyze`` and ``saywho analyze`` give.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel

from saywho.config import CascadeOptions
from saywho.model import EntityType
from saywho.output.jsonio import SCHEMA_ID, article_to_dict
from saywho.store.rows import (
    ArticleSummary,
    CascadeFilter,
    CascadeRow,
    Contradiction,
    EntityRow,
    LedgerEntry,
    LedgerFilter,
    LedgerGrouping,
    LinkedArticle,
    OutletRow,
    QuoteRow,
    SearchFilter,
    SearchHit,
    StanceRow,
    StatementFilter,
    StatementRow,
    StoreCounts,
    TimeAndPlace,
)
from saywho.web.params import (
    MAX_SEARCH,
    ArticleId,
    Paging,
    Strength,
    Text,
    article_filter,
    cascade_filter,
    cascade_options,
    ledger_filter,
    paging,
    search_filter,
    search_paging,
    statement_filter,
)
from saywho.web.stores import store_of

Row = TypeVar("Row")


class Page(BaseModel, Generic[Row]):
    items: list[Row]
    limit: int
    offset: int


router = APIRouter(prefix="/api", tags=["read"])
Pages = Annotated[Paging, Depends(paging)]


@router.get("/overview", summary="What the database holds (saywho overview)")
def overview(request: Request) -> StoreCounts:
    return store_of(request).counts()


@router.get("/articles", summary="Articles, newest first")
def list_articles(
    request: Request,
    query: Annotated[TimeAndPlace, Depends(article_filter)],
    page: Pages,
) -> Page[ArticleSummary]:
    rows = store_of(request).articles(query, page.limit, page.offset)
    return Page(items=rows, limit=page.limit, offset=page.offset)


@router.get(
    "/articles/{article_id}",
    summary=f"One stored article as {SCHEMA_ID} JSON, the shape POST /api/analyze answers",
    description="Its clean text, entities with mentions, statements with speaker, cue and "
    "content offsets, stances and ledger, with each row's `believed` evidence (what the "
    "actor is reported to believe: statements of medium thought). Statements stored before "
    "saywho 0.5.0 have no `cue_lemma` (null).",
    responses={404: {"description": "no such article"}},
)
def article(request: Request, article_id: ArticleId) -> dict[str, Any]:
    stored = store_of(request).stored_article(article_id)
    if stored is None:
        raise HTTPException(404, f"no article {article_id}")
    return article_to_dict(stored)


@router.get(
    "/articles/{article_id}/links",
    summary="The articles linked to one by saywho spread: copies, translations, same story",
    responses={404: {"description": "no such article"}},
)
def article_links(request: Request, article_id: ArticleId, page: Pages) -> Page[LinkedArticle]:
    store = store_of(request)
    if not store.has_article(article_id):
        raise HTTPException(404, f"no article {article_id}")
    rows = store.linked_articles(article_id, page.limit, page.offset)
    return Page(items=rows, limit=page.limit, offset=page.offset)


@router.get(
    "/cascades",
    summary="Copies and translations of one text across outlets (saywho spread), widest first",
    description="Built from the links the last `saywho spread` stored; empty before it ran.",
)
def cascades(
    request: Request,
    options: Annotated[CascadeOptions, Depends(cascade_options)],
    query: Annotated[CascadeFilter, Depends(cascade_filter)],
    page: Pages,
) -> Page[CascadeRow]:
    store = store_of(request)
    rows = store.cascade_rows(store.cascades(options), query)
    return Page(
        items=rows[page.offset : page.offset + page.limit], limit=page.limit, offset=page.offset
    )


@router.get(
    "/quotes",
    summary="Quotations repeated across articles (saywho quotes), most widely carried first",
    description="From the statement links the last `saywho spread` stored.",
)
def quotes(
    request: Request,
    page: Pages,
    speaker: Text = None,
    min_outlets: Annotated[int, Query(ge=1, le=10_000)] = 2,
) -> Page[QuoteRow]:
    rows = store_of(request).quotes(speaker, min_outlets)
    return Page(
        items=rows[page.offset : page.offset + page.limit], limit=page.limit, offset=page.offset
    )


@router.get("/statements", summary="Attributed statements, newest first (saywho statements)")
def statements(
    request: Request,
    query: Annotated[StatementFilter, Depends(statement_filter)],
    page: Pages,
) -> Page[StatementRow]:
    rows = store_of(request).statements(query, page.limit, page.offset)
    return Page(items=rows, limit=page.limit, offset=page.offset)


@router.get("/stances", summary="Stances of statements toward targets, newest first")
def stances(
    request: Request,
    query: Annotated[StatementFilter, Depends(statement_filter)],
    page: Pages,
) -> Page[StanceRow]:
    rows = store_of(request).stances(query, page.limit, page.offset)
    return Page(items=rows, limit=page.limit, offset=page.offset)


@router.get(
    "/ledger",
    summary="Declared versus expressed stance per actor and target",
    description="`declared` and `expressed` count evidence by polarity, `evidence` both; "
    "`believed` counts apart what the actor is reported to believe (statements of medium "
    "thought), which neither side counts, and its `examples` have `believed` true.",
)
def ledger(
    request: Request,
    query: Annotated[LedgerFilter, Depends(ledger_filter)],
    page: Pages,
    group_by: Annotated[LedgerGrouping | None, Query()] = None,
    examples: Annotated[int, Query(ge=0, le=50)] = 2,
) -> Page[LedgerEntry]:
    rows = store_of(request).ledger(
        query, page.limit, page.offset, group_by=group_by, examples=examples
    )
    return Page(items=rows, limit=page.limit, offset=page.offset)


@router.get(
    "/contradictions",
    summary="Actors whose declared stance disagrees with what they express (saywho contradictions)",
    description="Per actor and target: declared and expressed evidence by polarity, the "
    "declared stance, the strength of the disagreement (the confidence-weighted share of "
    "expressed evidence taking a side other than the declared one, 0-1) and up to "
    "`examples` statements on each side. Strongest first, then most evidence.",
)
def contradictions(
    request: Request,
    query: Annotated[LedgerFilter, Depends(ledger_filter)],
    page: Pages,
    min_strength: Strength = None,
    examples: Annotated[int, Query(ge=0, le=200)] = 10,
) -> Page[Contradiction]:
    rows = store_of(request).contradictions(
        query,
        min_strength=min_strength or 0.0,
        limit=page.limit,
        offset=page.offset,
        examples=examples,
    )
    return Page(items=rows, limit=page.limit, offset=page.offset)


@router.get("/entities", summary="Entities, most mentioned first")
def entities(
    request: Request,
    page: Pages,
    entity_type: Annotated[EntityType | None, Query(alias="type")] = None,
) -> Page[EntityRow]:
    rows = store_of(request).entities(entity_type, page.limit, page.offset)
    return Page(items=rows, limit=page.limit, offset=page.offset)


@router.get("/outlets", summary="Outlets with their labels and counts")
def outlets(request: Request, page: Pages, label: Text = None) -> Page[OutletRow]:
    rows = store_of(request).outlets(label, page.limit, page.offset)
    return Page(items=rows, limit=page.limit, offset=page.offset)


@router.get(
    "/search",
    summary="Full-text search over articles and statements (FTS5 syntax), best first",
    description="Snippets mark matches with `**`, as the CLI does.",
)
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=MAX_SEARCH)],
    query: Annotated[SearchFilter, Depends(search_filter)],
    page: Annotated[Paging, Depends(search_paging)],
) -> Page[SearchHit]:
    # Text FTS5 refuses is a QueryError: 400 with the store's message (app.py).
    hits = store_of(request).search(q, query, page.limit, page.offset)
    return Page(items=hits, limit=page.limit, offset=page.offset)
