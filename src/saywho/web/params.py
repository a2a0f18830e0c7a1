"""Query parameters → the store's filter dataclasses, for pages and API alike.

The parameters are the options of the CLI commands (``--min-confidence`` is
``min_confidence``), so ``/api/ledger?country=Russia&since=2024-09-01`` is
``saywho ledger --country Russia --since 2024-09-01``. An empty parameter, as an
HTML form sends for an empty field, means "no filter". The choices (acts, kinds,
entity types, search scopes, groupings) are the ``Literal`` types of
``saywho.model`` and ``saywho.store.rows``, never lists of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Path, Query
from pydantic import BeforeValidator, Field

from saywho.config import DEFAULT_CASCADE_OPTIONS, CascadeOptions
from saywho.model import Act, Kind
from saywho.store.rows import (
    CascadeFilter,
    LedgerFilter,
    SearchFilter,
    SearchScope,
    StatementFilter,
    TimeAndPlace,
)

MAX_LIMIT = 1000
MAX_TEXT = 300  # longest filter value accepted (names, dates, outlets)
MAX_SEARCH = 1000  # longest search text

# A stored id is a SQLite integer: a larger number in a URL is refused (422), not a 500.
ArticleId = Annotated[int, Path(ge=-(2**63), le=2**63 - 1)]


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


# The constraints sit on the inner type: on the outer one they would be applied
# to the None that a blank value becomes.
Text = Annotated[
    Annotated[str, Field(max_length=MAX_TEXT)] | None,
    BeforeValidator(_blank_to_none),
    Query(),
]
Date = Annotated[
    Annotated[str, Field(max_length=32)] | None,
    BeforeValidator(_blank_to_none),
    Query(description="ISO date (or date-time), inclusive"),
]
Confidence = Annotated[
    Annotated[float, Field(ge=0, le=1)] | None,
    BeforeValidator(_blank_to_none),
    Query(description="statements attributed with at least this confidence (0-1)"),
]

Strength = Annotated[
    Annotated[float, Field(ge=0, le=1)] | None,
    BeforeValidator(_blank_to_none),
    Query(description="pairs whose disagreement is at least this strong (0-1)"),
]


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Paging:
    return Paging(limit, offset)


def search_paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Paging:
    return Paging(limit, offset)


def ledger_filter(
    actor: Text = None,
    target: Text = None,
    since: Date = None,
    until: Date = None,
    outlet: Text = None,
    label: Text = None,
    country: Text = None,
    min_confidence: Confidence = None,
) -> LedgerFilter:
    return LedgerFilter(
        actor=actor,
        target=target,
        since=since,
        until=until,
        outlet=outlet,
        label=label,
        country=country,
        min_confidence=min_confidence,
    )


def statement_filter(
    speaker: Text = None,
    about: Text = None,
    act: Annotated[Act | None, BeforeValidator(_blank_to_none), Query()] = None,
    kind: Annotated[Kind | None, BeforeValidator(_blank_to_none), Query()] = None,
    country: Text = None,
    since: Date = None,
    until: Date = None,
    outlet: Text = None,
    label: Text = None,
    min_confidence: Confidence = None,
    article_id: Annotated[int | None, BeforeValidator(_blank_to_none), Query(ge=1)] = None,
) -> StatementFilter:
    return StatementFilter(
        speaker=speaker,
        about=about,
        act=act,
        kind=kind,
        country=country,
        since=since,
        until=until,
        outlet=outlet,
        label=label,
        min_confidence=min_confidence,
        article_id=article_id,
    )


def search_filter(
    since: Date = None,
    until: Date = None,
    outlet: Text = None,
    scope: Annotated[SearchScope, Query(alias="in", description="what to search")] = "all",
) -> SearchFilter:
    return SearchFilter(since=since, until=until, outlet=outlet, scope=scope)


def article_filter(
    since: Date = None, until: Date = None, outlet: Text = None, label: Text = None
) -> TimeAndPlace:
    return TimeAndPlace(since=since, until=until, outlet=outlet, label=label)


def cascade_options(
    min_outlets: Annotated[
        int, Query(ge=1, le=10_000, description="outlets that make a cascade coordinated")
    ] = DEFAULT_CASCADE_OPTIONS.min_outlets,
    within_hours: Annotated[
        float, Query(ge=0, le=100_000, description="hours after a cascade's first article")
    ] = DEFAULT_CASCADE_OPTIONS.within_hours,
) -> CascadeOptions:
    return CascadeOptions(min_outlets=min_outlets, within_hours=within_hours)


def cascade_filter(
    since: Date = None,
    until: Date = None,
    outlet: Text = None,
    label: Text = None,
    coordinated: Annotated[bool, Query(description="only the coordinated cascades")] = False,
) -> CascadeFilter:
    return CascadeFilter(since, until, outlet, label, coordinated)
