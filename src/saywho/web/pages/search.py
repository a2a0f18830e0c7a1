"""``/search``: full-text search with the filters of ``saywho search``, matches highlighted."""

from __future__ import annotations

import re
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from saywho.store.queries import QueryError
from saywho.store.rows import SearchFilter
from saywho.web.params import MAX_SEARCH, Paging, search_filter, search_paging
from saywho.web.stores import store_of
from saywho.web.templating import render

router = APIRouter(include_in_schema=False)


def snippet_parts(snippet: str, start: str, end: str) -> list[tuple[str, bool]]:
    """A snippet as (text, is a match) pieces, from the markers FTS5 put around matches."""
    parts: list[tuple[str, bool]] = []
    for piece in re.split(f"({re.escape(start)}.*?{re.escape(end)})", snippet, flags=re.S):
        if piece.startswith(start) and piece.endswith(end) and len(piece) >= len(start + end):
            parts.append((piece[len(start) : len(piece) - len(end)], True))
        elif piece:
            parts.append((piece, False))
    return parts


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    query: Annotated[SearchFilter, Depends(search_filter)],
    page: Annotated[Paging, Depends(search_paging)],
    q: Annotated[str, Query(max_length=MAX_SEARCH)] = "",
) -> HTMLResponse:
    hits = []
    problem = None
    if q.strip():
        # Markers no article can contain (new each request), so the text of an
        # article can never open or close a highlight of its own.
        token = secrets.token_hex(8)
        start, end = f"\x02{token}[", f"]{token}\x03"
        try:
            found = store_of(request).search(
                q, query, page.limit, page.offset, highlight=(start, end)
            )
        except QueryError as error:
            # Shown beside the form, which keeps what was typed (text FTS5 refuses too).
            problem = str(error)
            found = []
        hits = [(hit, snippet_parts(hit.snippet, start, end)) for hit in found]
    return render(
        "search.html",
        page="search",
        q=q,
        query=query,
        hits=hits,
        problem=problem,
        paging=page,
        params=dict(request.query_params),
    )
