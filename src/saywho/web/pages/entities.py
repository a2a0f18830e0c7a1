"""``/entities`` and ``/entities/{name}``: what an entity said, what was said about it,
and its stance from and toward others over time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from saywho.model import EntityType
from saywho.store.rows import LedgerFilter, StatementFilter
from saywho.web.params import Paging, paging
from saywho.web.plots import stance_plot
from saywho.web.stores import store_of
from saywho.web.templating import render

router = APIRouter(include_in_schema=False)
SHOWN = 25


@router.get("/entities", response_class=HTMLResponse)
def entities(
    request: Request,
    page: Annotated[Paging, Depends(paging)],
    entity_type: Annotated[EntityType | None, Query(alias="type")] = None,
) -> HTMLResponse:
    rows = store_of(request).entities(entity_type, page.limit, page.offset)
    return render(
        "entities.html",
        page="entities",
        rows=rows,
        paging=page,
        params=dict(request.query_params),
        entity_type=entity_type,
    )


# ":path" because a canonical name may hold a "/" (it arrives percent-encoded and decoded).
@router.get("/entities/{name:path}", response_class=HTMLResponse)
def entity(request: Request, name: str) -> HTMLResponse:
    store = store_of(request)
    info = store.entity_info(name)
    if info is None:
        raise HTTPException(404, f"There is no entity called {name!r}.")
    return render(
        "entity.html",
        page="entities",
        entity=info,
        said=store.statements(StatementFilter(speaker=info.name), SHOWN, 0),
        said_about=store.statements(StatementFilter(about=info.name), SHOWN, 0),
        as_actor=store.ledger(LedgerFilter(actor=info.name), SHOWN, 0, examples=0),
        as_target=store.ledger(LedgerFilter(target=info.name), SHOWN, 0, examples=0),
        toward=stance_plot(store.stance_toward(info.name)),
        stance_from=stance_plot(store.stance_from(info.name)),
    )
