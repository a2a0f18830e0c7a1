"""Feed and sitemap parsing under generated input (hypothesis; ``make fuzz`` runs more):
any bytes are a listing or an ``InputError``, never another exception; a well-formed
RSS 2.0, Atom or sitemap document gives back the items it was written with."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saywho.ingest.feeds import Link, parse_listing, sniff_xml_kind
from saywho.model import InputError

EXAMPLES = int(os.environ.get("SAYWHO_FUZZ_EXAMPLES", "100"))
PROPERTIES = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Text XML 1.0 can carry, as a feed would: no controls, no surrogates, trimmed.
texts = st.text(
    st.characters(
        codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x7f\x85\xa0"
    ),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip() == text and text.strip() != "")
paths = st.from_regex(r"/[a-z0-9/_-]{0,30}", fullmatch=True)
urls = st.builds(lambda host, path: f"https://{host}.example{path}", st.sampled_from("abc"), paths)
moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))
items = st.lists(st.tuples(urls, texts, moments), max_size=8)

# Pieces of feed-like markup, shuffled into documents that are often not well-formed.
pieces = st.sampled_from(
    [
        b"<?xml version='1.0' encoding='utf-8'?>", b"<rss version='2.0'>", b"</rss>",
        b"<channel>", b"</channel>", b"<item>", b"</item>", b"<link>", b"</link>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'>", b"</feed>", b"<entry>", b"</entry>",
        b"<link href='https://a.example/x'/>", b"<urlset>", b"</urlset>", b"<url>",
        b"<loc>", b"</loc>", b"</url>", b"<sitemapindex>", b"</sitemapindex>", b"&amp;",
        b"&nbsp;", b"&", b"<![CDATA[x]]>", b"<!DOCTYPE rss [<!ENTITY a 'b'>]>",
        b"<!DOCTYPE rss SYSTEM 'http://x.example/rss.dtd'>", b"<!-- c -->", b"\xff\xfe",
        b"\xe9", b"<title>", b"</title>", b"<pubDate>", b"</pubDate>", b"Mon, 99 Xyz",
        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>", b"\x00",
        b"<?xml version='1.0' encoding='x-unknown'?>",
        b"<?xml version='1.0' encoding='shift_jis'?>", b"<a:feed xmlns:a='urn:a'>",
        b"<?xml version='1.0' encoding='utf-16'?>",
    ]
)  # fmt: skip
markup = st.lists(st.one_of(pieces, st.binary(max_size=8)), max_size=30).map(b"".join)


def _parses_or_input_error(data: bytes, expected: str | None) -> None:
    sniff_xml_kind(data[:1024])
    try:
        listing = parse_listing(data, expected)  # type: ignore[arg-type]
    except InputError:
        return
    assert all(isinstance(link, Link) for link in listing.links)


@PROPERTIES
@given(st.binary(max_size=2000), st.sampled_from([None, "feed", "sitemap"]))
def test_any_bytes_are_a_listing_or_an_input_error(data: bytes, expected: str | None) -> None:
    _parses_or_input_error(data, expected)


@PROPERTIES
@given(markup, st.sampled_from([None, "feed", "sitemap"]))
def test_feed_like_markup_is_a_listing_or_an_input_error(data: bytes, expected: str | None) -> None:
    _parses_or_input_error(data, expected)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _rss(entries: list[tuple[str, str, datetime]]) -> bytes:
    body = "".join(
        f"<item><title>{escape(title)}</title><link>{escape(url)}</link>"
        f"<pubDate>{format_datetime(moment)}</pubDate></item>"
        for url, title, moment in entries
    )
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>t</title>{body}</channel></rss>".encode()  # noqa: E501


def _atom(entries: list[tuple[str, str, datetime]]) -> bytes:
    body = "".join(
        f"<entry><title>{escape(title)}</title><link rel='alternate' href={quoteattr(url)}/>"
        f"<updated>{_iso(moment)}</updated></entry>"
        for url, title, moment in entries
    )
    return f"<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title>{body}</feed>".encode()


def _sitemap(entries: list[tuple[str, str, datetime]]) -> bytes:
    news = "http://www.google.com/schemas/sitemap-news/0.9"
    body = "".join(
        f"<url><loc>{escape(url)}</loc><news:news><news:title>{escape(title)}</news:title>"
        f"<news:publication_date>{_iso(moment)}</news:publication_date></news:news></url>"
        for url, title, moment in entries
    )
    return (
        f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' xmlns:news='{news}'>"
        f"{body}</urlset>"
    ).encode()


@PROPERTIES
@given(items, st.sampled_from(["rss", "atom", "sitemap"]))
def test_items_of_a_well_formed_listing_come_back(
    entries: list[tuple[str, str, datetime]], kind: str
) -> None:
    write = {"rss": _rss, "atom": _atom, "sitemap": _sitemap}[kind]
    listing = parse_listing(write(entries))
    assert listing.kind == ("sitemap" if kind == "sitemap" else "feed")
    assert listing.links == [Link(url, title, _iso(moment)) for url, title, moment in entries]
    assert sniff_xml_kind(write(entries)) == listing.kind


@PROPERTIES
@given(st.lists(urls, max_size=5))
def test_a_sitemap_index_lists_its_sitemaps(locations: list[str]) -> None:
    body = "".join(f"<sitemap><loc>{escape(url)}</loc></sitemap>" for url in locations)
    listing = parse_listing(f"<sitemapindex>{body}</sitemapindex>".encode())
    assert listing.nested_sitemaps == locations and listing.links == []
