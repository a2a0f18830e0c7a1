"""Jinja2 with autoescaping on for everything, and the filters the pages share.

Every value a template prints is escaped, whatever the file's name; nothing in
saywho marks stored text as safe. Links are built with ``url`` (query strings
encoded) and ``entity_url`` (names percent-encoded), and external links only
through ``safe_href``. The vocabularies a template lists (polarities, entity
types, search scopes) are globals made from the ``Literal`` types of
``saywho.model`` and ``saywho.store.rows``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_args
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse

from saywho import __version__
from saywho.model import EntityType, Polarity
from saywho.store.formats import polarity_counts
from saywho.store.rows import SearchScope
from saywho.web.security import safe_href

TEMPLATES = Path(__file__).parent / "templates"
POLARITIES: tuple[Polarity, ...] = get_args(Polarity)
POLARITY_SIGNS: dict[Polarity, str] = dict(zip(POLARITIES, ("−", "=", "+"), strict=True))


def entity_url(name: str) -> str:
    # safe="" encodes "/" too: a name is one path segment (the route takes the rest of the path).
    return "/entities/" + quote(name, safe="")


def url(path: str, params: Mapping[str, object] | None = None, **changes: object) -> str:
    """``path`` with ``params`` updated by ``changes`` as its query; empty values left out."""
    merged = {**(params or {}), **changes}
    query = urlencode(
        [(key, str(value)) for key, value in merged.items() if value not in (None, "")]
    )
    return f"{path}?{query}" if query else path


def stance_class(counts: Mapping[str, int] | None) -> str:
    """A CSS class for the net stance of polarity counts: st-none, st-neg2 … st-pos2."""
    if not counts:
        return "st-none"
    total = sum(counts.values())
    if not total:
        return "st-none"
    net = (counts.get("positive", 0) - counts.get("negative", 0)) / total
    if net <= -0.5:
        return "st-neg2"
    if net < -0.1:
        return "st-neg1"
    if net <= 0.1:
        return "st-neu"
    return "st-pos1" if net < 0.5 else "st-pos2"


def confidence(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        safe_href=safe_href,
        entity_url=entity_url,
        stance_class=stance_class,
        counts_text=polarity_counts,
        confidence=confidence,
        sign=lambda polarity: POLARITY_SIGNS.get(polarity, "?"),
        total=lambda counts: sum(counts.values()),
    )
    environment.globals.update(
        url=url,
        version=__version__,
        polarities=POLARITIES,
        entity_types=get_args(EntityType),
        search_scopes=get_args(SearchScope),
    )
    return environment


ENVIRONMENT = _environment()


def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(ENVIRONMENT.get_template(name).render(**context), status_code)
