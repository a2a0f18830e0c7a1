"""RSS, Atom and sitemap documents: the article links they list.

XML from the web is parsed with defusedxml and any DTD refused, so entity
expansion (billion laughs) and external entities cannot happen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from saywho.ingest.dates import normalize_published
from saywho.model import InputError

XmlKind = Literal["feed", "sitemap"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_DUBLIN_CORE = "{http://purl.org/dc/elements/1.1/}"
_GOOGLE_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
# The root element's name after an XML declaration, comments and processing instructions.
_ROOT = re.compile(rb"^(?:\s|<\?[^>]*\?>|<!--.*?-->)*<([A-Za-z_][\w.:-]*)", re.DOTALL)
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:RDF", "RDF"})
_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})


@dataclass(frozen=True)
class Link:
    """One item of a feed or sitemap: an article URL (or a nested sitemap's) and what it says."""

    url: str | None  # None: the item names no link (a broken item)
    title: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Listing:
    kind: XmlKind
    links: list[Link]
    nested_sitemaps: list[str]  # a sitemap index lists sitemaps, not articles


def sniff_xml_kind(head: bytes) -> XmlKind | None:
    """``feed`` or ``sitemap`` from the root element of the first bytes, if either."""
    match = _ROOT.match(head.removeprefix(b"\xef\xbb\xbf"))
    if not match:
        return None
    root = match.group(1).decode("ascii", "replace")
    local = root.rsplit(":", 1)[-1]
    if root in _FEED_ROOTS or local in _FEED_ROOTS:
        return "feed"
    if local in _SITEMAP_ROOTS:
        return "sitemap"
    return None


def parse_listing(data: bytes, expected: XmlKind | None = None) -> Listing:
    """The links of a feed (RSS 0.9x/2.0, RSS 1.0, Atom) or a sitemap (or sitemap index)."""
    root = _parse_xml(data)
    name = _local_name(root.tag)
    if name in ("rss", "RDF", "feed") and expected != "sitemap":
        return Listing("feed", _feed_links(root), [])
    if name == "urlset" and expected != "feed":
        return Listing("sitemap", _sitemap_links(root), [])
    if name == "sitemapindex" and expected != "feed":
        nested = [loc for loc in (_child_text(s, "loc") for s in _children(root)) if loc]
        return Listing("sitemap", [], nested)
    wanted = expected or "feed or sitemap"
    raise InputError(f"not a {wanted}: the XML root element is <{name}>")


def _parse_xml(data: bytes) -> Element:
    try:
        root: Element = fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        raise InputError(
            f"XML refused: {type(error).__name__} (DTDs and entities are not read)"
        ) from error
    except ParseError as error:
        raise InputError(f"not well-formed XML: {error}") from error
    return root


def _feed_links(root: Element) -> list[Link]:
    name = _local_name(root.tag)
    if name == "feed":
        return [_atom_link(entry) for entry in root.iter(f"{_ATOM}entry")]
    if name == "RDF":
        return [_rss_link(item, _RSS1) for item in root.iter(f"{_RSS1}item")]
    channel = root.find("channel")
    items = channel.findall("item") if channel is not None else []
    return [_rss_link(item, "") for item in items]


def _rss_link(item: Element, namespace: str) -> Link:
    url = _text(item.find(f"{namespace}link"))
    guid = item.find("guid")
    if not url and guid is not None and guid.get("isPermaLink", "true") == "true":
        url = _text(guid)
    published = _text(item.find("pubDate")) or _text(item.find(f"{_DUBLIN_CORE}date"))
    return Link(url, _text(item.find(f"{namespace}title")), normalize_published(published))


def _atom_link(entry: Element) -> Link:
    url = None
    for link in entry.findall(f"{_ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            url = link.get("href", "").strip()
            break
    published = _text(entry.find(f"{_ATOM}published")) or _text(entry.find(f"{_ATOM}updated"))
    return Link(url, _text(entry.find(f"{_ATOM}title")), normalize_published(published))


def _sitemap_links(root: Element) -> list[Link]:
    links = []
    for entry in _children(root):
        news = entry.find(f"{_GOOGLE_NEWS}news")
        title = _text(news.find(f"{_GOOGLE_NEWS}title")) if news is not None else None
        published = (
            _text(news.find(f"{_GOOGLE_NEWS}publication_date")) if news is not None else None
        )
        links.append(
            Link(
                _child_text(entry, "loc"),
                title,
                # lastmod is when the page last changed, not when it was published.
                normalize_published(published),
            )
        )
    return links


def _child_text(element: Element, name: str) -> str | None:
    """The text of the first child called ``name`` in any namespace (sitemaps vary)."""
    return next(
        (_text(child) for child in _children(element) if _local_name(child.tag) == name), None
    )


def _children(root: Element) -> list[Element]:
    return [child for child in root if isinstance(child.tag, str)]


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None
