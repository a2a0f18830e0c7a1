"""URL inputs: a fetched page as a RawDocument."""

from __future__ import annotations

from urllib.parse import urlsplit

from saywho.ingest.decoding import DocumentKind, decode_document
from saywho.ingest.fetch import FetchedPage, fetch_url
from saywho.ingest.options import FetchOptions
from saywho.model import Failure, InputError, RawDocument

_HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def read_url(url: str, options: FetchOptions) -> RawDocument | Failure:
    try:
        return document_from_page(url, fetch_url(url, options))
    except InputError as exc:
        return Failure(url, str(exc))


def document_from_page(source: str, page: FetchedPage) -> RawDocument:
    """Decode by the Content-Type charset, then a meta tag, then UTF-8."""
    kind, content = decode_document(
        page.body, _kind_from_media_type(page.content_type), page.charset, "response body"
    )
    outlet = (urlsplit(page.url).hostname or "").removeprefix("www.") or None
    if kind == "html":
        return RawDocument(source=source, html=content, url=page.url, outlet=outlet)
    return RawDocument(source=source, text=content, url=page.url, outlet=outlet)


def _kind_from_media_type(media_type: str) -> DocumentKind | None:
    """HTML or text; None (sniff the body) when the server named no type."""
    if not media_type:
        return None
    if media_type in _HTML_MEDIA_TYPES:
        return "html"
    if media_type.startswith("text/"):
        return "text"
    raise InputError(f"unsupported content type {media_type} (not HTML or text)")
