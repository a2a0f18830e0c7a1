"""Main-content extraction from an HTML page with trafilatura."""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura
from trafilatura.settings import Document as Extraction
from trafilatura.xml import xmltotxt

# Only the page's metadata and URL: a date guessed from the article's text is
# as likely to be the date of an event it reports.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}


@dataclass(frozen=True)
class ExtractedPage:
    """The main text of a page (blank line between blocks) and its metadata."""

    text: str
    title: str | None
    published: str | None
    sitename: str | None
    hostname: str | None


def _blocks_text(extraction: Extraction) -> str:
    """The body with a blank line between top-level blocks (paragraphs, headings, lists).

    trafilatura's own text output puts a single newline between paragraphs, which
    cannot be told from the line breaks inside a list or a paragraph.
    """
    if extraction.body is None:
        return extraction.text or ""
    blocks = (xmltotxt(block, include_formatting=False).strip() for block in extraction.body)
    return "\n\n".join(block for block in blocks if block)


def extract_html(html: str, url: str | None = None) -> ExtractedPage | None:
    """The main content of ``html`` without comments; None when there is no article text."""
    extraction = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        with_metadata=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if not isinstance(extraction, Extraction):
        return None
    text = _blocks_text(extraction)
    if not text:
        return None
    return ExtractedPage(
        text=text,
        title=extraction.title or None,
        published=extraction.date or None,
        sitename=extraction.sitename or None,
        hostname=extraction.hostname or None,
    )
