"""Feed quirks that real feeds have, and the XML that must still be refused.

The cases are those of bench/libraries.py where saywho's reader was measured
beside feedparser; each gives the links, titles and dates a reader should get.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from saywho.ingest.feeds import Link, parse_listing, sniff_xml_kind
from saywho.model import InputError

URL = "https://n.example/a"
NETSCAPE = (
    "<!DOCTYPE rss PUBLIC '-//Netscape Communications//DTD RSS 0.91//EN' "
    "'http://my.netscape.com/publish/formats/rss-0.91.dtd'>"
)


def rss(items: str, declaration: str = "<?xml version='1.0' encoding='utf-8'?>") -> str:
    return f"{declaration}<rss version='2.0'><channel><title>T</title>{items}</channel></rss>"


def links(data: bytes) -> list[Link]:
    return parse_listing(data, "feed").links


def test_rss_091_with_the_netscape_doctype_is_read() -> None:
    feed = (
        f"<?xml version='1.0'?>{NETSCAPE}<rss version='0.91'><channel><title>T</title>"
        f"<item><title>Caf&eacute; vote</title><link>{URL}</link></item></channel></rss>"
    ).encode()

    assert sniff_xml_kind(feed) == "feed"
    assert links(feed) == [Link(URL, "Café vote")]


def test_atom_03_entries_and_their_issued_dates() -> None:
    feed = (
        "<feed version='0.3' xmlns='http://purl.org/atom/ns#'><entry><title>Vote</title>"
        f"<link rel='alternate' type='text/html' href='{URL}'/>"
        "<modified>2024-10-02T00:00:00Z</modified><issued>2024-10-01T12:00:00Z</issued>"
        "</entry></feed>"
    ).encode()

    assert links(feed) == [Link(URL, "Vote", "2024-10-01T12:00:00Z")]


def test_a_feed_that_is_not_well_formed_is_repaired_as_feed_readers_do() -> None:
    bare = rss(f"<item><title>A &amp; B&nbsp;C</title><link>{URL}?a=1&b=2</link></item>")
    latin1 = rss(f"<item><title>Élection</title><link>{URL}</link></item>").encode("latin-1")
    cdata = rss(f"<item><title><![CDATA[R&D &amp; co]]></title><link>{URL}&x</link></item>")

    assert links(bare.encode()) == [Link(f"{URL}?a=1&b=2", "A & B\xa0C")]
    assert links(latin1) == [Link(URL, "Élection")]
    assert links(cdata.encode()) == [Link(f"{URL}&x", "R&D &amp; co")]


def test_what_cannot_be_repaired_is_still_not_well_formed() -> None:
    with pytest.raises(InputError, match="not well-formed XML"):
        parse_listing(rss("<item><title>open").encode())


def test_declared_entities_are_refused_even_in_a_broken_feed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do-not-read")
    internal = (
        "<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY lol 'lol'>]><rss><channel><item>"
        f"<title>&lol; & more</title><link>{URL}</link></item></channel></rss>"
    )
    external = (
        f"<?xml version='1.0'?><!DOCTYPE rss SYSTEM 'file://{secret}'><rss><channel><item>"
        f"<title>&xxe; & more</title><link>{URL}</link></item></channel></rss>"
    )

    with pytest.raises(InputError, match="XML refused: DTDForbidden"):
        parse_listing(internal.encode())
    # An outside DTD is never read: its entities stay undeclared, left as text.
    assert links(external.encode()) == [Link(URL, "&xxe; & more")]
