"""What makes two records the same article, and whether its content changed.

An article's *identity* is its normalized URL, or, for a record without one,
its absolute source path and record number (``path#N``). Its *content hash* is a digest
of the input as read (body and metadata), so an unchanged input is recognised
before any analysis and skipped, and a changed one replaces the stored article.
The same text at two outlets has two identities: republication is evidence.
"""

from __future__ import annotations

import hashlib
import os
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from saywho.model import Document, RawDocument

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that say how a reader arrived, not which article it is.
_TRACKING_PARAMETER = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref_src|cmpid|ocid)$",
    re.IGNORECASE,
)
_WEB_ADDRESSES = ("http://", "https://")


def normalize_url(url: str) -> str:
    """The form of ``url`` that identifies an article.

    Scheme and host in lower case, default port, fragment and tracking
    parameters dropped, the other parameters sorted, an empty path as ``/``.
    Two addresses that differ only in these ways show the same article.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMETER.match(key)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def article_url(source: str, url: str | None) -> str | None:
    """The article's web address: the record's own, else the source when it is one."""
    if url:
        return url
    # As saywho.clean does, so that an article's identity is the same before and after cleaning.
    return source if source.startswith(_WEB_ADDRESSES) else None


def article_identity(source: str, url: str | None) -> str:
    """``url:<normalized URL>`` or ``source:<absolute path>[#N]``.

    A path is made absolute (against the working directory of the ingest), so a
    file named as ``news/a.txt`` one day and ``/data/news/a.txt`` the next is
    one article.
    """
    address = article_url(source, url)
    if address:
        return f"url:{normalize_url(address)}"
    path, hash_sign, record = source.rpartition("#")
    if not (hash_sign and record.isdigit()):
        path, record = source, ""
    return f"source:{os.path.abspath(path)}" + (f"#{record}" if record else "")


def raw_identity(raw: RawDocument) -> str:
    return article_identity(raw.source, raw.url)


def document_identity(document: Document) -> str:
    return article_identity(document.source, document.url)


def content_hash(raw: RawDocument) -> str:
    """SHA-256 of the body and metadata as read (not of the source, which is the identity)."""
    digest = hashlib.sha256()
    for value in (raw.text, raw.html, raw.url, raw.title, raw.published, raw.outlet):
        # A length prefix keeps ("ab", "c") and ("a", "bc") apart; None differs from "".
        encoded = b"\xff" if value is None else value.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
    return digest.hexdigest()


def outlet_domain(url: str | None) -> str | None:
    """The host of ``url`` without ``www.``: the outlet key of a web article."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return host or None
