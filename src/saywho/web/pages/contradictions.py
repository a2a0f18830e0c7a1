"""``/contradictions``: actors whose declarations disagree with what they express.

The filters are those of ``saywho contradictions`` (the ledger's, and a minimum
strength); each pair shows its counts, its strength and the statements on both
sides, as ``Store.contradictions`` gives them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from saywho.store.rows import LedgerFilter
from saywho.web.params import Paging, Strength, ledger_filter, paging
from saywho.web.stores import store_of
from saywho.web.templating import render

router = APIRouter(include_in_schema=False)

EVIDENCE_SHOWN = 10  # statements on each side of a pair


@router.get("/contradictions", response_class=HTMLResponse)
def contradictions(
    request: Request,
    query: Annotated[LedgerFilter, Depends(ledger_filter)],
    page: Annotated[Paging, Depends(paging)],
    min_strength: Strength = None,
) -> HTMLResponse:
    store = store_of(request)
    rows = store.contradictions(
        query,
        min_strength=min_strength or 0.0,
        limit=page.limit,
        offset=page.offset,
        examples=EVIDENCE_SHOWN,
    )
    return render(
        "contradictions.html",
        page="contradictions",
        query=query,
        min_strength=min_strength or 0.0,
        rows=rows,
        paging=page,
        params=dict(request.query_params),
        choices=store.filter_choices(),
    )
