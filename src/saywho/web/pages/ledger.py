"""``/ledger``: actors x targets, declared beside expressed, coloured by stance.

The filters are those of ``saywho ledger``. A cell links back to the page with
``cell_actor`` and ``cell_target`` set, which opens that cell's evidence: the
statements behind it with their confidence, as ``Store.ledger`` gives them. What
the actor is only reported to believe is shown apart, where there is any.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated
from urllib.parse import quote_plus

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from saywho.store.formats import polarity_counts
from saywho.store.rows import LedgerFilter, LedgerMatrix
from saywho.web.params import Text, ledger_filter
from saywho.web.stores import store_of
from saywho.web.templating import render, stance_class, url

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Cell:
    """One matrix cell, ready to print: the page has hundreds, and Jinja macros are slow."""

    actor: str
    target: str
    href: str
    title: str
    declared: int
    declared_class: str
    expressed: int
    expressed_class: str
    believed: int
    selected: bool


def cells(
    matrix: LedgerMatrix, base: str, selected: tuple[str | None, str | None]
) -> list[list[Cell | None]]:
    """The matrix grid as cells linking to ``base`` with the cell's actor and target added."""
    separator = "&" if "?" in base else "?"
    quoted = {ranked.name: quote_plus(ranked.name) for ranked in (*matrix.actors, *matrix.targets)}
    grid: list[list[Cell | None]] = []
    for row in matrix.grid():
        line: list[Cell | None] = []
        for entry in row:
            if entry is None:
                line.append(None)
                continue
            declared, expressed = entry.declared, entry.expressed
            believed = f", reported to believe {entry.believed}" if entry.believed else ""
            line.append(
                Cell(
                    actor=entry.actor,
                    target=entry.target,
                    href=f"{base}{separator}cell_actor={quoted[entry.actor]}"
                    f"&cell_target={quoted[entry.target]}#evidence",
                    title=f"{entry.actor} → {entry.target}: declared −/=/+ "
                    f"{polarity_counts(declared)}, expressed −/=/+ {polarity_counts(expressed)}"
                    f"{believed}",
                    declared=sum(declared.values()),
                    declared_class=stance_class(declared),
                    expressed=sum(expressed.values()),
                    expressed_class=stance_class(expressed),
                    believed=entry.believed,
                    selected=(entry.actor, entry.target) == selected,
                )
            )
        grid.append(line)
    return grid


EVIDENCE_SHOWN = 50  # of declared, of expressed and of believed evidence each
MAX_SIDE = 60


@router.get("/ledger", response_class=HTMLResponse)
def ledger(
    request: Request,
    query: Annotated[LedgerFilter, Depends(ledger_filter)],
    rows: Annotated[int, Query(ge=1, le=MAX_SIDE)] = 20,
    cols: Annotated[int, Query(ge=1, le=MAX_SIDE)] = 15,
    cell_actor: Text = None,
    cell_target: Text = None,
) -> HTMLResponse:
    params = {
        key: value
        for key, value in request.query_params.items()
        if key not in ("cell_actor", "cell_target")
    }
    store = store_of(request)
    matrix = store.ledger_matrix(query, rows, cols)
    opened = None
    if cell_actor and cell_target:
        found = store.ledger(
            replace(query, actor=cell_actor, target=cell_target), 1, 0, examples=EVIDENCE_SHOWN
        )
        opened = found[0] if found else None
    return render(
        "ledger.html",
        page="ledger",
        query=query,
        rows=rows,
        cols=cols,
        matrix=matrix,
        grid=cells(matrix, url("/ledger", params), (cell_actor, cell_target)),
        opened=opened,
        cell_actor=cell_actor,
        cell_target=cell_target,
        params=params,
        choices=store.filter_choices(),
    )
