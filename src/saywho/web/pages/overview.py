"""``/``: what the database holds, its outlets, the latest statements."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from saywho.store.rows import LedgerFilter, StatementFilter
from saywho.web.stores import store_of
from saywho.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request) -> HTMLResponse:
    store = store_of(request)
    return render(
        "overview.html",
        page="overview",
        counts=store.counts(),
        outlets=store.outlets(None, 20, 0),
        statements=store.statements(StatementFilter(), 12, 0),
        ledger=store.ledger(LedgerFilter(), 10, 0, examples=0),
    )
