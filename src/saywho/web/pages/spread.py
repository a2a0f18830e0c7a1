"""``/spread``: cascades of one text across outlets and repeated quotations, from the links
``saywho spread`` stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from saywho.config import CascadeOptions
from saywho.store.rows import CascadeFilter
from saywho.store.spread import cascade_rows, chosen_quotes
from saywho.web.params import Paging, cascade_filter, cascade_options, paging
from saywho.web.queries import cached_cascades, cached_quotes
from saywho.web.stores import store_of
from saywho.web.templating import render

router = APIRouter(include_in_schema=False)
QUOTES_SHOWN = 20  # the most widely carried; /api/quotes has them all


@router.get("/spread", response_class=HTMLResponse)
def spread(
    request: Request,
    options: Annotated[CascadeOptions, Depends(cascade_options)],
    query: Annotated[CascadeFilter, Depends(cascade_filter)],
    page: Annotated[Paging, Depends(paging)],
) -> HTMLResponse:
    connection = store_of(request).connection()
    cascades = cached_cascades(connection, options)
    rows = cascade_rows(connection, cascades, query)
    return render(
        "spread.html",
        page="spread",
        rows=rows[page.offset : page.offset + page.limit],
        listed=len(rows),
        linked=connection.execute("SELECT COUNT(*) FROM article_links").fetchone()[0],
        total=len(cascades),
        coordinated_total=sum(cascade.coordinated for cascade in cascades),
        options=options,
        query=query,
        paging=page,
        params=dict(request.query_params),
        quotes=chosen_quotes(cached_quotes(connection))[:QUOTES_SHOWN],
    )
