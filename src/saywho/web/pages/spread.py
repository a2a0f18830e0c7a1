"""``/spread``: cascades of one text across outlets, from the links ``saywho spread`` stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from saywho.config import CascadeOptions
from saywho.store.spread import cascade_row, stored_cascades
from saywho.web.params import Paging, cascade_options, paging
from saywho.web.stores import store_of
from saywho.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/spread", response_class=HTMLResponse)
def spread(
    request: Request,
    options: Annotated[CascadeOptions, Depends(cascade_options)],
    page: Annotated[Paging, Depends(paging)],
    coordinated: bool = False,
) -> HTMLResponse:
    connection = store_of(request).connection()
    cascades = stored_cascades(connection, options)
    linked = connection.execute("SELECT COUNT(*) FROM article_links").fetchone()[0]
    shown = [cascade for cascade in cascades if cascade.coordinated or not coordinated]
    rows = [cascade_row(cascade) for cascade in shown[page.offset : page.offset + page.limit]]
    return render(
        "spread.html",
        page="spread",
        rows=rows,
        linked=linked,
        total=len(cascades),
        coordinated_total=sum(cascade.coordinated for cascade in cascades),
        options=options,
        coordinated=coordinated,
        paging=page,
        params=dict(request.query_params),
    )
