"""RSS, Atom and sitemap documents: the article links they list.

XML from the web is parsed with defusedxml and any DTD refused, so entity
expansion (billion laughs) and external entities cannot happen. A DOCTYPE that
only names an outside DTD (RSS 0.91's Netscape one) declares nothing here and is
dropped unread. A feed that is not well-formed gets one repair, as feed readers
do: Windows-1252 where it is not the UTF-8 it claims, bare ``&`` escaped, HTML's
named entities (``&nbsp;``) as characters. bench/libraries.py measures this
reader against feedparser (see docs/decisions.md).
"""

from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from saywho.dates import normalize_published
from saywho.model import InputError

XmlKind = Literal["feed", "sitemap"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_ATOM_03 = "{http://purl.org/atom/ns#}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_DUBLIN_CORE = "{http://purl.org/dc/elements/1.1/}"
_GOOGLE_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
# The root element's name after an XML declaration, comments, processing instructions
# and a DOCTYPE (refused when the document is parsed, if it declares anything).
_ROOT = re.compile(
    rb"^(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>)*<([A-Za-z_][\w.:-]*)",
    re.DOTALL,
)
# A DOCTYPE in the prolog with no internal subset: it declares nothing in the document.
_OUTSIDE_DOCTYPE = re.compile(
    rb"^((?:\xef\xbb\xbf)?(?:\s|<\?[^>]*\?>|<!--.*?-->)*)<!DOCTYPE\s[^\[>]*>", re.DOTALL
)
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CDATA = re.compile(r"(<!\[CDATA\[.*?\]\]>)", re.DOTALL)
_AMPERSAND = re.compile(r"&(?:(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);)?")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
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
    data = _OUTSIDE_DOCTYPE.sub(rb"\1", data, count=1)
    try:
        return _parse_defused(data)
    except ParseError as error:
        repaired = _repaired(data)
        if repaired is not None:
            try:
                return _parse_defused(repaired)
            except ParseError:
                pass
        raise InputError(f"not well-formed XML: {error}") from error


def _parse_defused(data: bytes) -> Element:
    """The root element; ParseError when not well-formed or in an encoding expat does not
    read, InputError for any DTD."""
    try:
        root: Element = fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        raise InputError(
            f"XML refused: {type(error).__name__} (DTDs and entities are not read)"
        ) from error
    except (LookupError, ValueError) as error:
        # An encoding expat cannot read (unknown, or multi-byte): the repair decodes it.
        raise ParseError(f"encoding: {error}") from error
    return root


def _repaired(data: bytes) -> bytes | None:
    """The document as feed readers take it, in UTF-8 (None if it cannot be decoded):
    Windows-1252 where it is not the UTF-8 it says, bare ``&`` escaped, HTML's named
    entities as character references. CDATA sections are left as they are."""
    text = _decoded(data)
    if text is None:
        return None
    parts = _CDATA.split(_DECLARATION.sub("", text.removeprefix("\ufeff"), count=1))
    parts[::2] = [_AMPERSAND.sub(_escaped, part) for part in parts[::2]]
    return "".join(parts).encode()


def _decoded(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        declared = "utf-16"
    else:
        match = _ENCODING.match(data.removeprefix(b"\xef\xbb\xbf"))
        declared = match.group(1).decode("ascii") if match else "utf-8"
    # Windows-1252 only for text that claims UTF-8 (the usual lie of a hand-made feed).
    fallback = ("cp1252",) if declared.lower().replace("-", "").replace("_", "") == "utf8" else ()
    for codec in (declared, *fallback):
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return None


def _escaped(match: re.Match[str]) -> str:
    name = match.group(1)
    if name is None:
        return "&amp;"
    if name.startswith("#") or name in _XML_ENTITIES:
        return match.group(0)
    characters = html.entities.html5.get(f"{name};")
    if characters is None:
        return f"&amp;{name};"
    return "".join(f"&#{ord(character)};" for character in characters)


def _feed_links(root: Element) -> list[Link]:
    name = _local_name(root.tag)
    if name == "feed" and root.tag.startswith(_ATOM_03):
        dates = ("issued", "created", "modified")
        return [_atom_link(entry, _ATOM_03, dates) for entry in root.iter(f"{_ATOM_03}entry")]
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


def _atom_link(
    entry: Element, namespace: str = _ATOM, dates: tuple[str, ...] = ("published", "updated")
) -> Link:
    """An Atom 1.0 entry, or an Atom 0.3 one with its namespace and date elements."""
    url = None
    for link in entry.findall(f"{namespace}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            url = link.get("href", "").strip()
            break
    published = next(
        (text for text in (_text(entry.find(f"{namespace}{d}")) for d in dates) if text), None
    )
    return Link(url, _text(entry.find(f"{namespace}title")), normalize_published(published))


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
