"""``/spread``: cascades of one text across outlets and repeated quotations, from the links
``saywho spread`` stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from saywho.config import CascadeOptions
from saywho.store.rows import CascadeFilter
from saywho.web.params import Paging, cascade_filter, cascade_options, paging
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
    store = store_of(request)
    cascades = store.cascades(options)
    rows = store.cascade_rows(cascades, query)
    return render(
        "spread.html",
        page="spread",
        rows=rows[page.offset : page.offset + page.limit],
        listed=len(rows),
        linked=store.link_total(),
        total=len(cascades),
        coordinated_total=sum(cascade.coordinated for cascade in cascades),
        options=options,
        query=query,
        paging=page,
        params=dict(request.query_params),
        quotes=store.quotes()[:QUOTES_SHOWN],
    )
