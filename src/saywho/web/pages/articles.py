"""``/articles`` and ``/articles/{id}``: the clean text with what the analysis found in it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from saywho.store.rows import TimeAndPlace
from saywho.web.highlight import LAYERS, Mark, segments, statement_marks
from saywho.web.params import ArticleId, Paging, article_filter, paging
from saywho.web.stores import store_of
from saywho.web.templating import render

router = APIRouter(include_in_schema=False)
# A story republished everywhere has hundreds of links; the page lists the first.
LINKED_SHOWN = 50


@router.get("/articles", response_class=HTMLResponse)
def articles(
    request: Request,
    query: Annotated[TimeAndPlace, Depends(article_filter)],
    page: Annotated[Paging, Depends(paging)],
) -> HTMLResponse:
    rows = store_of(request).articles(query, page.limit, page.offset)
    return render(
        "articles.html",
        page="articles",
        rows=rows,
        paging=page,
        params=dict(request.query_params),
        query=query,
    )


def statement_anchor(statement_id: int) -> str:
    return f"statement-{statement_id}"


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: ArticleId) -> HTMLResponse:
    store = store_of(request)
    record = store.article(article_id)
    if record is None:
        raise HTTPException(404, f"There is no article {article_id}.")
    marks = [
        Mark(start, end, "mention", entity=entity.name)
        for entity in record.entities
        for start, end in entity.mentions
    ]
    for statement in record.statements:
        marks += statement_marks(
            statement_anchor(statement.id),
            statement.speaker_span,
            statement.cue_span,
            statement.content_spans,
        )
    return render(
        "article.html",
        page="articles",
        article=record,
        segments=segments(record.text, marks),
        layers=LAYERS,
        anchor=statement_anchor,
        linked=store.linked_articles(article_id, LINKED_SHOWN),
        linked_total=store.link_count(article_id),
        quoted=store.quoted_elsewhere(article_id),
    )
