"""``/alerts`` and ``/alerts.atom``: what ``saywho watch`` found, newest first.

The Atom feed (RFC 4287) carries the latest alerts, so any feed reader follows a
watch; each entry's id is derived from the alert's rule and key, so a reader
never sees one alert twice.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from saywho.store.alerts import AlertRow
from saywho.web.params import Paging, paging
from saywho.web.stores import store_of
from saywho.web.templating import render

router = APIRouter(include_in_schema=False)

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
_NAMESPACE = uuid.UUID("6f1c2a43-8a0e-4d55-9b7e-3f5e0b9d2c11")


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, page: Annotated[Paging, Depends(paging)]) -> HTMLResponse:
    store = store_of(request)
    rows = store.alerts(limit=page.limit, offset=page.offset)
    return render(
        "alerts.html",
        page="alerts",
        rows=rows,
        total=store.alert_total(),
        paging=page,
        params=dict(request.query_params),
    )


@router.get("/alerts.atom")
def alerts_feed(request: Request) -> Response:
    rows = store_of(request).alerts(limit=FEED_ENTRIES)
    base = str(request.base_url).rstrip("/")
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "title", "saywho alerts")
    _add(feed, "id", f"urn:uuid:{uuid.uuid5(_NAMESPACE, base)}")
    _add(feed, "updated", rows[0].created_at if rows else "1970-01-01T00:00:00Z")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{base}/alerts.atom")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=f"{base}/alerts")
    _add(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", "saywho watch")
    for row in rows:
        feed.append(_entry(row, base))
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _entry(row: AlertRow, base: str) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    _add(entry, "id", f"urn:uuid:{uuid.uuid5(_NAMESPACE, row.rule + chr(10) + row.key)}")
    _add(entry, "title", f"[{row.rule}] {row.title}")
    _add(entry, "updated", row.created_at)
    href = _article(row.payload).get("url") or f"{base}/alerts"
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=str(href))
    ET.SubElement(entry, f"{{{ATOM}}}category", term=row.rule)
    _add(entry, "summary", _summary(row))
    return entry


def _add(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def _article(payload: dict[str, Any]) -> dict[str, Any]:
    article = payload.get("article")
    return article if isinstance(article, dict) else {}


def _summary(row: AlertRow) -> str:
    article = _article(row.payload)
    where = ", ".join(str(v) for v in (article.get("outlet"), article.get("published")) if v)
    return f"{row.title}" + (f" ({where})" if where else "")
