"""Clean: RawDocument -> Document (main text, title, metadata, repaired words, language).

HTML goes through trafilatura's main-content extraction; plain text keeps its
lines. Both then get the same repairs (encoding, title repeats, boilerplate
lines, whitespace, glued words) unless ``raw_mode`` asks for the text as given.
The language is detected here, once per article (the glued-word repair needs
it), and passed forward in ``Document.language``: later stages read it there.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from saywho.clean.extract import ExtractedPage, extract_html
from saywho.clean.text import drop_leading_title, fix_encoding, guess_title, repair_body
from saywho.language import detect_language
from saywho.model import Document, InputError, RawDocument

__all__ = ["clean_document"]

# A page whose longest line is shorter than this is a menu or a list of links.
MIN_PROSE_LINE_WORDS = 10
# Chinese and Japanese do not put spaces between words: count characters there.
MIN_PROSE_LINE_CJK = 20
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def clean_document(raw: RawDocument, *, raw_mode: bool = False) -> Document:
    """Clean one raw article. Raises InputError when it has no article text.

    In ``raw_mode`` plain text is kept byte for byte (so offsets index the input
    file) and HTML is extracted without repairs. ``language`` is always set (None
    when the text cannot tell).
    """
    if raw.html is not None:
        return _clean_html(raw, raw.html, raw_mode=raw_mode)
    if raw.text is not None:
        return _clean_text(raw, raw.text, raw_mode=raw_mode)
    raise InputError("the record has neither text nor html")


def _clean_text(raw: RawDocument, text: str, *, raw_mode: bool) -> Document:
    if not text.strip():
        raise InputError("the document is empty")
    if raw_mode:
        return _document(raw, text=text, language=detect_language(text), title=raw.title)
    text = fix_encoding(text)
    title = raw.title or guess_title(text)
    body, language = repair_body(text, title)
    if not body:
        raise InputError("no article text left after removing the title and boilerplate")
    return _document(raw, text=body, language=language, title=title)


def _clean_html(raw: RawDocument, html: str, *, raw_mode: bool) -> Document:
    page = extract_html(html, _url(raw))
    title = raw.title or (page.title if page else None)
    body = page.text if page else ""
    if raw_mode:
        body = drop_leading_title(body, title) if title else body
        language = detect_language(body)
    else:
        body, language = repair_body(fix_encoding(body), title)
    if not _has_prose(body):
        raise InputError("no article text found in the HTML")
    return _document(raw, text=body, language=language, title=title, page=page)


def _has_prose(text: str) -> bool:
    return any(
        len(line.split()) >= MIN_PROSE_LINE_WORDS or len(_CJK.findall(line)) >= MIN_PROSE_LINE_CJK
        for line in text.split("\n")
    )


def _document(
    raw: RawDocument,
    *,
    text: str,
    language: str | None,
    title: str | None,
    page: ExtractedPage | None = None,
) -> Document:
    return Document(
        source=raw.source,
        text=text,
        language=language,
        url=_url(raw),
        outlet=_outlet(raw, page),
        title=title,
        published=raw.published or (page.published if page else None),
    )


def _url(raw: RawDocument) -> str | None:
    """The article's address: the record's own, else the source when it is a web address."""
    if raw.url:
        return raw.url
    return raw.source if raw.source.startswith(("http://", "https://")) else None


def _outlet(raw: RawDocument, page: ExtractedPage | None) -> str | None:
    """The record's outlet, else the URL's host without ``www.``, else the page's site name."""
    if raw.outlet:
        return raw.outlet
    url = _url(raw)
    host = urlsplit(url).hostname if url else None
    if host:
        return host.removeprefix("www.")
    if page:
        return page.sitename or page.hostname
    return None
