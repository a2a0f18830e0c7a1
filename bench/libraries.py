"""Hand-written readers beside the libraries of the field: WARC, feeds, MinHash/LSH.

    python bench/libraries.py [--captures 3000] [--feeds 500] [--articles 20000] [--only warc]

Three comparisons, each of today's saywho code against the libraries its users know:

- WARC records (``saywho.ingest.warc``) against FastWARC and warcio. Speed: a synthetic
  Common-Crawl-like file (request, response and metadata record per capture, one gzip
  member per record, 10-60 KB pages): records/s through the record layer alone, and
  response documents/s end to end (each library's records turned into documents by
  saywho's own HTTP step, so only the record layer differs). Bad inputs: the cases of
  tests/test_ingest_sources.py and a few more; a case passes when the documents and
  failures come out where saywho's tests expect them.
- Feeds (``saywho.ingest.feeds``) against feedparser: feeds/s on a 50-item RSS 2.0 feed;
  the quirks of real feeds (RSS 0.9x, RDF/RSS 1.0, Atom 0.3/1.0, odd dates, encodings,
  broken XML), each with the links, titles and dates a reader should get; hostile XML
  (entity expansion, external entities and DTDs, deep nesting) with network access
  refused and a secret file that must not leak.
- MinHash/LSH (``saywho.spread.shingles``) against datasketch: bench/spread_scale.py's
  corpus (300 random words per article) with planted near-duplicates of known word
  5-shingle Jaccard; pairs found at the 0.5 copy threshold, against the exact Jaccard,
  and the time to sign and band.

One process, wall time; the numbers in docs/decisions.md come from this script.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import os
import random
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


from saywho.ingest import warc
from saywho.ingest.feeds import Link, parse_listing
from saywho.model import Failure, InputError, RawDocument
from saywho.spread.shingles import (
    MinHasher,
    candidate_pairs,
    estimated_overlap,
    rows_per_band,
)

MAX_BYTES = 10 * 1024 * 1024
Row = list[str]


def table(title: str, header: Row, rows: list[Row]) -> None:
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def timed(function: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """The best wall time of ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


# --- WARC ---------------------------------------------------------------------------------

WarcReader = Callable[[Path, str, int], list[RawDocument | Failure]]


def warc_record(kind: str, uri: str, block: bytes, *, newline: bytes = b"\r\n") -> bytes:
    head = newline.join(
        [
            b"WARC/1.0",
            f"WARC-Type: {kind}".encode(),
            f"WARC-Target-URI: {uri}".encode(),
            b"WARC-Date: 2024-10-01T00:00:00Z",
            f"Content-Length: {len(block)}".encode(),
            b"",
            b"",
        ]
    )
    return head + block + newline + newline


def http_response(body: bytes, status: str = "200 OK", headers: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n{headers}\r\n"
    return head.encode() + body


def page(title: str, paragraphs: list[str] = ()) -> bytes:  # type: ignore[assignment]
    body = "".join(f"<p>{p}</p>" for p in paragraphs) or "<p>Idris Vane said so.</p>"
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


def chunked(body: bytes) -> bytes:
    middle = len(body) // 2
    parts = (body[:middle], body[middle:])
    return b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in parts) + b"0\r\n\r\n"


def synthetic_crawl(path: Path, captures: int, seed: int = 0) -> int:
    """A Common-Crawl-like WARC.gz; the number of records written."""
    generator = random.Random(seed)
    words = [f"w{i}" for i in range(5000)]
    pool = [" ".join(generator.choices(words, k=generator.randint(30, 120))) for _ in range(400)]
    records = 0
    with path.open("wb") as out:
        out.write(gzip.compress(warc_record("warcinfo", "", b"software: bench\r\n"), 1))
        for n in range(captures):
            uri = f"https://news{n % 97}.example/story/{n}"
            html = page(f"Story {n}", generator.choices(pool, k=generator.randint(15, 80)))
            for record in (
                warc_record("request", uri, f"GET /story/{n} HTTP/1.1\r\n\r\n".encode()),
                warc_record("response", uri, http_response(html)),
                warc_record("metadata", uri, b"fetchTimeMs: 120\r\n"),
            ):
                out.write(gzip.compress(record, 6))
        records = 1 + 3 * captures
    return records


def _message(pairs: Iterator[tuple[str, str]]) -> Message:
    message = Message()
    for key, value in pairs:
        message[key] = value
    return message


def _library_documents(
    records: Iterator[tuple[str, str, int, Callable[[], bytes]]],
    source: str,
    max_bytes: int,
) -> list[RawDocument | Failure]:
    """saywho's rules over a library's records: numbering, response only, cap, HTTP step.

    ``records`` yields (type, target URI, content length, read the block).
    """
    results: list[RawDocument | Failure] = []
    number = 0
    try:
        for kind, uri, length, read in records:
            number += 1
            if kind != "response":
                continue
            record_source = f"{source}#{number}"
            if length > max_bytes:
                results.append(Failure(record_source, "record over the cap"))
                continue
            block = read()
            if len(block) < length:
                results.append(Failure(record_source, f"truncated record: {len(block)}"))
                continue
            headers = _message(iter([("WARC-Type", kind), ("WARC-Target-URI", uri)]))
            try:
                results.append(
                    warc._document(warc._Record(number, headers, block), record_source, max_bytes)
                )
            except InputError as error:
                results.append(Failure(record_source, str(error)))
    except Exception as error:  # what the library raises on a damaged file
        results.append(Failure(source, f"{type(error).__name__}: {error}"))
    if number == 0 and not results:
        results.append(Failure(source, "no WARC records"))
    return results


def read_today(path: Path, source: str, max_bytes: int) -> list[RawDocument | Failure]:
    return list(warc.read_warc(path, source, max_bytes))


def read_fastwarc(path: Path, source: str, max_bytes: int) -> list[RawDocument | Failure]:
    from fastwarc.warc import ArchiveIterator

    def records() -> Iterator[tuple[str, str, int, Callable[[], bytes]]]:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, parse_http=False):
                uri = record.headers.get("WARC-Target-URI") or ""
                yield str(record.record_type), uri, record.content_length, record.reader.read

    return _library_documents(records(), source, max_bytes)


def read_warcio(path: Path, source: str, max_bytes: int) -> list[RawDocument | Failure]:
    from warcio.archiveiterator import ArchiveIterator

    def records() -> Iterator[tuple[str, str, int, Callable[[], bytes]]]:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, no_record_parse=True):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                yield record.rec_type, uri, record.length, record.raw_stream.read

    return _library_documents(records(), source, max_bytes)


def frame_today(path: Path) -> int:
    """Records read (headers parsed, block read) by saywho's record layer."""
    count = 0
    with warc._open(path) as stream:
        while warc._next_record(stream, count + 1, MAX_BYTES, resync=False) is not None:
            count += 1
    return count


def frame_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator

    count = 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, parse_http=False):
            record.headers.get("WARC-Target-URI")
            record.reader.read()
            count += 1
    return count


def frame_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, no_record_parse=True):
            record.rec_headers.get_header("WARC-Target-URI")
            record.raw_stream.read()
            count += 1
    return count


Outcome = list[tuple[str, str | None]]  # ("doc", url) or ("fail", None)


def outcome(results: list[RawDocument | Failure]) -> Outcome:
    """Documents by URL and failures, a run of failures as one (readers word them apart)."""
    found: Outcome = []
    for item in results:
        entry = ("doc", item.url) if isinstance(item, RawDocument) else ("fail", None)
        if entry != ("fail", None) or not found or found[-1] != entry:
            found.append(entry)
    return found


def warc_cases(directory: Path) -> list[tuple[str, Path, int, Outcome]]:
    """(case, file, cap, the outcome saywho's tests expect)."""
    crawl = [
        warc_record("warcinfo", "", b"software: test\r\n"),
        warc_record("request", "https://a.example/one", b"GET /one HTTP/1.1\r\n\r\n"),
        warc_record("response", "https://a.example/one", http_response(page("One"))),
        warc_record("response", "https://a.example/gone", http_response(b"", "404 Not Found")),
        warc_record(
            "response",
            "https://a.example/zipped",
            http_response(gzip.compress(page("Zipped")), headers="Content-Encoding: gzip\r\n"),
        ),
        warc_record(
            "response",
            "https://a.example/chunked",
            http_response(chunked(page("Chunked")), headers="Transfer-Encoding: chunked\r\n"),
        ),
    ]
    crawl_outcome: Outcome = [
        ("doc", "https://a.example/one"),
        ("fail", None),
        ("doc", "https://a.example/zipped"),
        ("doc", "https://a.example/chunked"),
    ]
    good = warc_record("response", "https://a.example/good", http_response(page("Good")))
    small = warc_record("response", "https://a.example/small", http_response(page("Small")))
    big = warc_record("response", "https://a.example/big", http_response(b"x" * 4096))
    lf_only = warc_record(
        "response", "https://a.example/lf", http_response(page("LF")), newline=b"\n"
    )
    length = f"Content-Length: {len(http_response(page('Good')))}".encode()
    huge_claim = good.replace(length, b"Content-Length: 100000000000000", 1)
    files: dict[str, tuple[bytes, int, Outcome]] = {
        "crawl.warc": (b"".join(crawl), MAX_BYTES, crawl_outcome),
        "crawl.warc.gz": (b"".join(gzip.compress(r) for r in crawl), MAX_BYTES, crawl_outcome),
        "bad-length.warc": (
            good.replace(b"Content-Length: ", b"Content-Length: x", 1)
            + b"garbage line\r\n"
            + good
            + good[: len(good) // 2],
            MAX_BYTES,
            [("fail", None), ("doc", "https://a.example/good"), ("fail", None)],
        ),
        "over-cap.warc": (big + small, 2048, [("fail", None), ("doc", "https://a.example/small")]),
        "cut.warc.gz": (
            gzip.compress(b"".join(crawl))[:200],
            MAX_BYTES,
            [("fail", None)],
        ),
        "empty.warc": (b"", MAX_BYTES, [("fail", None)]),
        "not-warc.warc": (b"hello world\nthis is not a WARC\n", MAX_BYTES, [("fail", None)]),
        "lf-only.warc": (lf_only, MAX_BYTES, [("doc", "https://a.example/lf")]),
        "length-1e14.warc": (huge_claim, MAX_BYTES, [("fail", None)]),
        "header-line-16MB.warc": (
            b"WARC/1.0\r\nWARC-Type: response\r\nX: " + b"a" * (16 << 20) + b"\r\n\r\n" + small,
            MAX_BYTES,
            [("fail", None), ("doc", "https://a.example/small")],
        ),
    }
    cases = []
    for name, (data, cap, expected) in files.items():
        path = directory / name
        path.write_bytes(data)
        cases.append((name, path, cap, expected))
    return cases


def bench_warc(captures: int) -> None:
    readers: dict[str, WarcReader] = {
        "saywho (hand-written)": read_today,
        "FastWARC 2.0.0": read_fastwarc,
        "warcio 1.8.1": read_warcio,
    }
    framers = {
        "saywho (hand-written)": frame_today,
        "FastWARC 2.0.0": frame_fastwarc,
        "warcio 1.8.1": frame_warcio,
    }
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        crawl = directory / "bench.warc.gz"
        records = synthetic_crawl(crawl, captures)
        size_mb = crawl.stat().st_size / 1e6
        cases = warc_cases(directory)
        rows = []
        failed_by: dict[str, list[str]] = {}
        for name, reader in readers.items():
            frame_s, count = timed(lambda f=framers[name]: f(crawl))  # type: ignore[misc]
            assert count == records, (name, count, records)
            end_s, documents = timed(lambda r=reader: r(crawl, str(crawl), MAX_BYTES))  # type: ignore[misc]
            assert sum(isinstance(d, RawDocument) for d in documents) == captures, name
            failed = []
            for case, path, cap, expected in cases:
                try:
                    got = outcome(reader(path, str(path), cap))
                except Exception as error:  # a crash is a failed case
                    got = [("crash", type(error).__name__)]
                if got != expected:
                    failed.append(case)
            failed_by[name] = failed
            rows.append(
                [
                    name,
                    f"{records / frame_s:,.0f}",
                    f"{captures / end_s:,.0f}",
                    f"{len(cases) - len(failed)}/{len(cases)}",
                ]
            )
    table(
        f"WARC: {records:,} records ({captures:,} responses), {size_mb:.0f} MB gzip per record",
        ["reader", "records/s (record layer)", "documents/s (end to end)", "bad-input cases"],
        rows,
    )
    for name, failed in failed_by.items():
        if failed:
            print(f"- {name} fails: {', '.join(failed)}")


# --- feeds --------------------------------------------------------------------------------


def item(url: str, title: str, date: str, date_tag: str = "pubDate") -> str:
    return f"<item><title>{title}</title><link>{url}</link><{date_tag}>{date}</{date_tag}></item>"


def rss2(items: str, encoding: str = "utf-8", extra: str = "") -> str:
    return (
        f"<?xml version='1.0' encoding='{encoding}'?><rss version='2.0' {extra}>"
        f"<channel><title>T</title><link>https://n.example/</link>{items}</channel></rss>"
    )


U = "https://n.example/a"
T = "Vote today"
Expected = list[tuple[str | None, str | None, str | None]]
QUIRKS: list[tuple[str, bytes, Expected]] = [
    (
        "RSS 2.0",
        rss2(item(U, T, "Wed, 02 Oct 2024 08:00:00 +0200")).encode(),
        [(U, T, "2024-10-02T06:00:00Z")],
    ),
    (
        "RSS 0.91 (Netscape DOCTYPE)",
        (
            "<?xml version='1.0'?><!DOCTYPE rss PUBLIC '-//Netscape Communications//DTD RSS "
            "0.91//EN' 'http://my.netscape.com/publish/formats/rss-0.91.dtd'>"
            "<rss version='0.91'><channel><title>T</title><link>https://n.example/</link>"
            f"<description>d</description><language>en</language><item><title>{T}</title>"
            f"<link>{U}</link></item></channel></rss>"
        ).encode(),
        [(U, T, None)],
    ),
    (
        "RSS 0.92 (item without title)",
        (
            "<rss version='0.92'><channel><title>T</title><item><description>d</description>"
            f"<link>{U}</link></item></channel></rss>"
        ).encode(),
        [(U, None, None)],
    ),
    (
        "RDF / RSS 1.0 with dc:date",
        (
            "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
            "xmlns='http://purl.org/rss/1.0/' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
            "<channel rdf:about='https://n.example/'><title>T</title></channel>"
            f"<item rdf:about='{U}'><title>{T}</title><link>{U}</link>"
            "<dc:date>2024-10-01T08:00+02:00</dc:date></item></rdf:RDF>"
        ).encode(),
        [(U, T, "2024-10-01T06:00:00Z")],
    ),
    (
        "Atom 1.0 (rel=self before alternate, updated only)",
        (
            "<feed xmlns='http://www.w3.org/2005/Atom'><title>T</title><entry>"
            f"<title>{T}</title><link rel='self' href='https://n.example/self'/>"
            f"<link href='{U}'/><updated>2024-10-01T12:00:00Z</updated></entry></feed>"
        ).encode(),
        [(U, T, "2024-10-01T12:00:00Z")],
    ),
    (
        "Atom 0.3",
        (
            "<feed version='0.3' xmlns='http://purl.org/atom/ns#'><title>T</title><entry>"
            f"<title>{T}</title><link rel='alternate' type='text/html' href='{U}'/>"
            "<issued>2024-10-01T12:00:00Z</issued></entry></feed>"
        ).encode(),
        [(U, T, "2024-10-01T12:00:00Z")],
    ),
    (
        "guid permalink, no link",
        rss2(f"<item><title>{T}</title><guid>{U}</guid></item>").encode(),
        [(U, T, None)],
    ),
    (
        "CDATA title, &amp; in link",
        rss2(
            f"<item><title><![CDATA[{T} & more]]></title><link>{U}?a=1&amp;b=2</link></item>"
        ).encode(),
        [(U + "?a=1&b=2", T + " & more", None)],
    ),
    (
        "date: 'GMT', no weekday",
        rss2(item(U, T, "1 Oct 2024 08:00:00 GMT")).encode(),
        [(U, T, "2024-10-01T08:00:00Z")],
    ),
    (
        "date: named zone EST",
        rss2(item(U, T, "Tue, 01 Oct 2024 08:00:00 EST")).encode(),
        [(U, T, "2024-10-01T13:00:00Z")],
    ),
    (
        "date: two-digit year",
        rss2(item(U, T, "Tue, 01 Oct 24 08:00:00 +0000")).encode(),
        [(U, T, "2024-10-01T08:00:00Z")],
    ),
    (
        "date: no seconds",
        rss2(item(U, T, "Tue, 01 Oct 2024 08:00 +0000")).encode(),
        [(U, T, "2024-10-01T08:00:00Z")],
    ),
    (
        "date: ISO 8601 in pubDate",
        rss2(item(U, T, "2024-10-01T08:00:00+02:00")).encode(),
        [(U, T, "2024-10-01T06:00:00Z")],
    ),
    (
        "date: unknown zone CEST",
        rss2(item(U, T, "Tue, 01 Oct 2024 08:00:00 CEST")).encode(),
        [(U, T, "2024-10-01T06:00:00Z")],
    ),
    (
        "date: full day and month names",
        rss2(item(U, T, "Tuesday, 01 October 2024 08:00:00 +0000")).encode(),
        [(U, T, "2024-10-01T08:00:00Z")],
    ),
    (
        "date: ISO with a space",
        rss2(item(U, T, "2024-10-01 08:00:00")).encode(),
        [(U, T, "2024-10-01T08:00:00")],
    ),
    (
        "encoding: ISO-8859-1 declared",
        rss2(item(U, "Élection à Zürich", ""), "iso-8859-1").encode("iso-8859-1"),
        [(U, "Élection à Zürich", None)],
    ),
    (
        "encoding: windows-1252 curly quotes",
        rss2(item(U, "“Yes”, she said", ""), "windows-1252").encode("cp1252"),
        [(U, "“Yes”, she said", None)],
    ),
    (
        "encoding: UTF-16 with BOM",
        rss2(item(U, "Wahl in Köln", ""), "utf-16").encode("utf-16"),
        [(U, "Wahl in Köln", None)],
    ),
    (
        "encoding: UTF-8 BOM",
        b"\xef\xbb\xbf" + rss2(item(U, "Wahl in Köln", "")).encode(),
        [(U, "Wahl in Köln", None)],
    ),
    (
        "encoding: says UTF-8, is Latin-1",
        rss2(item(U, "Élection", "")).encode("latin-1"),
        [(U, "Élection", None)],
    ),
    (
        "broken XML: bare & in link",
        rss2(f"<item><title>{T}</title><link>{U}?a=1&b=2</link></item>").encode(),
        [(U + "?a=1&b=2", T, None)],
    ),
    (
        "broken XML: HTML entity &nbsp;",
        rss2(f"<item><title>Vote&nbsp;today</title><link>{U}</link></item>").encode(),
        [(U, "Vote\xa0today", None)],
    ),
    (
        "content:encoded and media namespaces",
        rss2(
            f"<item><title>{T}</title><link>{U}</link><content:encoded><![CDATA[<p>x</p>]]>"
            "</content:encoded><media:content url='https://n.example/i.jpg'/></item>",
            extra="xmlns:content='http://purl.org/rss/1.0/modules/content/' "
            "xmlns:media='http://search.yahoo.com/mrss/'",
        ).encode(),
        [(U, T, None)],
    ),
]

SECRET = "s3cr3t-marker-7f1d"


def hostile_cases(secret_file: Path) -> list[tuple[str, bytes, str]]:
    """(case, document, text that must not appear in what is parsed out)."""
    laughs = "".join(f"<!ENTITY lol{n} '{('&lol' + str(n - 1) + ';') * 10}'>" for n in range(1, 10))
    return [
        (
            "billion laughs",
            (
                f"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY lol0 'lol'>{laughs}]>"
                "<rss version='2.0'><channel><item><title>&lol9;</title>"
                f"<link>{U}</link></item></channel></rss>"
            ).encode(),
            "lollollol",
        ),
        (
            "quadratic blowup",
            (
                f"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY a '{'x' * 100_000}'>]>"
                f"<rss version='2.0'><channel><item><title>{'&a;' * 2000}</title>"
                f"<link>{U}</link></item></channel></rss>"
            ).encode(),
            "x" * 1000,
        ),
        (
            "external entity (local file)",
            (
                f"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "
                f"'file://{secret_file}'>]><rss version='2.0'><channel><item>"
                f"<title>&xxe;</title><link>{U}</link></item></channel></rss>"
            ).encode(),
            SECRET,
        ),
        (
            "external entity (network)",
            (
                "<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "
                "'http://127.0.0.1:9/x'>]><rss version='2.0'><channel><item>"
                f"<title>&xxe;</title><link>{U}</link></item></channel></rss>"
            ).encode(),
            "",
        ),
        (
            "parameter entity / external DTD",
            (
                "<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY % ext SYSTEM "
                f"'file://{secret_file}'> %ext;]><rss version='2.0'><channel><item>"
                f"<title>t</title><link>{U}</link></item></channel></rss>"
            ).encode(),
            SECRET,
        ),
        (
            "entity declared after whitespace tricks",
            (
                "<?xml version='1.0'?><!DOCTYPE rss [\n<!ENTITY\n\txxe SYSTEM "
                f"'file://{secret_file}'>]><rss version='2.0'><channel><item>"
                f"<title>&xxe;</title><link>{U}</link></item></channel></rss>"
            ).encode(),
            SECRET,
        ),
        (
            "100,000 nested elements",
            rss2(f"<item><title>{T}</title><link>{U}</link>{'<x>' * 100_000}").encode(),
            "",
        ),
    ]


FeedParse = Callable[[bytes], list[Link]]


def feeds_today(data: bytes) -> list[Link]:
    return parse_listing(data, "feed").links


def feeds_feedparser(data: bytes) -> list[Link]:
    """feedparser as saywho would use it: bytes in a stream (a str may be fetched or
    opened), links, titles and dates; dates through saywho's normalizer first, then
    feedparser's parsed form."""
    import calendar

    import feedparser

    from saywho.dates import normalize_published

    parsed = feedparser.parse(io.BytesIO(data))
    if not parsed.get("version") and not parsed.entries:
        raise InputError("not a feed")
    links = []
    for entry in parsed.entries:
        raw = entry.get("published") or entry.get("updated")
        published = normalize_published(raw)
        moment = entry.get("published_parsed") or entry.get("updated_parsed")
        if published is None and moment is not None:
            published = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(moment)))
        links.append(Link(entry.get("link"), entry.get("title"), published))
    return links


class NetworkRefused(Exception):
    pass


@contextlib.contextmanager
def no_network(attempts: list[str]) -> Iterator[None]:
    original = socket.socket.connect

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(str(address))
        raise NetworkRefused(str(address))

    socket.socket.connect = refuse  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]


def as_expected(links: list[Link]) -> Expected:
    return [(link.url, link.title, link.published) for link in links]


def bench_feeds(count: int) -> None:
    parsers: dict[str, FeedParse] = {
        "saywho (defusedxml, hand-written)": feeds_today,
        "feedparser 6.0.14": feeds_feedparser,
    }
    feed = rss2(
        "".join(
            item(
                f"https://n.example/story/{n}",
                f"Story {n} &amp; more",
                f"Wed, 02 Oct 2024 08:{n % 60:02d}:00 +0200",
            )
            for n in range(50)
        )
    ).encode()
    rows = []
    notes = []
    with tempfile.TemporaryDirectory() as folder:
        secret = Path(folder) / "secret.txt"
        secret.write_text(SECRET)
        hostile = hostile_cases(secret)
        for name, parse in parsers.items():
            assert len(parse(feed)) == 50
            seconds, _ = timed(lambda p=parse: [p(feed) for _ in range(count)])  # type: ignore[misc]
            failed = []
            for case, data, expected in QUIRKS:
                try:
                    got = as_expected(parse(data))
                except (InputError, Exception) as error:  # a refusal is a miss
                    got = [("error", type(error).__name__, str(error)[:60])]
                if got != expected:
                    failed.append(case)
                    notes.append(f"- {name}, {case}: got {got}")
            unsafe = []
            for case, data, leak in hostile:
                attempts: list[str] = []
                started = time.perf_counter()
                with no_network(attempts):
                    try:
                        text = repr(as_expected(parse(data)))
                    except (InputError, Exception) as error:  # a refusal is safe
                        text = f"refused: {type(error).__name__}"
                elapsed = time.perf_counter() - started
                leaked = bool(leak) and leak in text
                if leaked or attempts or elapsed > 2:
                    unsafe.append(case)
                    notes.append(
                        f"- {name}, {case}: leaked={leaked} network={attempts} {elapsed:.1f}s"
                    )
                else:
                    notes.append(f"- {name}, {case}: {text[:70]} ({elapsed * 1000:.0f} ms)")
            rows.append(
                [
                    name,
                    f"{count / seconds:,.0f}",
                    f"{len(QUIRKS) - len(failed)}/{len(QUIRKS)}",
                    f"{len(hostile) - len(unsafe)}/{len(hostile)}",
                ]
            )
    table(
        "Feeds: 50-item RSS 2.0 feed; quirks; hostile XML (no expansion, no file, no network)",
        ["parser", "feeds/s", "quirks passed", "hostile handled safely"],
        rows,
    )
    print()
    print("\n".join(notes))


# --- MinHash / LSH ------------------------------------------------------------------------

_WORDS = __import__("re").compile(r"\w+")


def shingle_set(text: str, width: int = 5) -> set[tuple[str, ...]]:
    words = _WORDS.findall(text.lower())
    return {tuple(words[i : i + width]) for i in range(max(1, len(words) - width + 1))}


def jaccard(first: str, second: str) -> float:
    a, b = shingle_set(first), shingle_set(second)
    return len(a & b) / len(a | b)


def minhash_corpus(size: int, planted: int, seed: int = 0) -> list[str]:
    """spread_scale.py's articles, the last ``planted`` edited copies of earlier ones."""
    generator = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(20_000)]
    texts = [" ".join(generator.choices(vocabulary, k=300)) for _ in range(size - planted)]
    for n in range(planted):
        words = texts[n].split()
        share = generator.uniform(0.0, 0.15)  # words replaced: Jaccard from ~1 to ~0.2
        for position in generator.sample(range(len(words)), int(share * len(words))):
            words[position] = generator.choice(vocabulary)
        if n % 3 == 0:  # a lede added or a tail cut, as copies do
            words = words[: generator.randint(200, 300)]
        texts.append(" ".join(words))
    return texts


def pairs_today(texts: list[str], threshold: float) -> tuple[float, float, set[tuple[int, int]]]:
    started = time.perf_counter()
    signatures = MinHasher().signatures(texts)
    signed = time.perf_counter()
    found = {
        (i, j)
        for i, j in candidate_pairs(signatures, rows_per_band(threshold))
        if estimated_overlap(signatures[i], signatures[j]) >= threshold
    }
    return signed - started, time.perf_counter() - signed, found


def pairs_datasketch(
    texts: list[str], threshold: float, params: tuple[int, int] | None = None
) -> tuple[float, float, set[tuple[int, int]]]:
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    started = time.perf_counter()
    hashes = []
    for text in texts:
        words = _WORDS.findall(text.lower())
        shingles = {" ".join(words[i : i + 5]).encode() for i in range(len(words) - 4)}
        minhash = MinHash(num_perm=128, seed=1)
        minhash.update_batch(list(shingles))
        hashes.append(LeanMinHash(minhash))
    signed = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128, params=params)
    for index, minhash in enumerate(hashes):
        lsh.insert(index, minhash)
    found = set()
    for i, minhash in enumerate(hashes):
        for j in lsh.query(minhash):
            if j > i and minhash.jaccard(hashes[j]) >= threshold:
                found.add((i, j))
    return signed - started, time.perf_counter() - signed, found


def bench_minhash(size: int) -> None:
    threshold = 0.5
    planted = size // 10
    texts = minhash_corpus(size, planted)
    base = size - planted
    truth = {
        (n, base + n) for n in range(planted) if jaccard(texts[n], texts[base + n]) >= threshold
    }
    near = {  # planted pairs within 0.1 of the threshold: where estimates can go either way
        (n, base + n)
        for n in range(planted)
        if abs(jaccard(texts[n], texts[base + n]) - threshold) < 0.1
    }
    from datasketch.lsh import _optimal_param

    bands, rows_ds = _optimal_param(threshold, 128, 0.5, 0.5)
    methods: dict[str, Callable[[], tuple[float, float, set[tuple[int, int]]]]] = {
        f"saywho numpy (r={rows_per_band(threshold)}, b={128 // rows_per_band(threshold)})": (
            lambda: pairs_today(texts, threshold)
        ),
        f"datasketch 2.0.0 (its r={rows_ds}, b={bands})": lambda: pairs_datasketch(
            texts, threshold
        ),
        "datasketch 2.0.0 (r=2, b=64 as saywho)": lambda: pairs_datasketch(
            texts, threshold, (64, 2)
        ),
    }
    rows = []
    found_by = {}
    for name, method in methods.items():
        sign_s, band_s, found = method()
        found_by[name] = found
        exact = {pair: jaccard(texts[pair[0]], texts[pair[1]]) for pair in found - truth}
        false = sum(1 for value in exact.values() if value < threshold)
        rows.append(
            [
                name,
                f"{size / sign_s:,.0f}",
                f"{band_s:.2f}",
                f"{len(found & truth)}/{len(truth)}",
                str(false),
                f"{len(truth - found)} ({len((truth - found) & near)} within 0.1)",
            ]
        )
    reference = found_by[next(iter(found_by))]
    for row, found in zip(rows, found_by.values(), strict=True):
        row.append(f"{len(found ^ reference)}")
    table(
        f"MinHash/LSH: {size:,} articles of 300 words, {planted:,} planted copies, "
        f"{len(truth):,} with word 5-shingle Jaccard >= {threshold}",
        [
            "method",
            "articles/s signed",
            "band+verify s",
            "true pairs found",
            "false pairs",
            "missed",
            "pairs differing from saywho",
        ],
        rows,
    )
    # tests/test_spread.py: 200 stubs sharing one 40-word body must cost links in
    # proportion (a star per big bucket), not all 19,900 pairs.
    body = " ".join(f"word{n}" for n in range(40))
    stubs = [f"Headline number {n}\n{body}" for n in range(1, 201)]
    print(
        f"\nBoilerplate (200 stubs, one body): saywho proposes "
        f"{len(pairs_today(stubs, threshold)[2])} pairs, datasketch "
        f"{len(pairs_datasketch(stubs, threshold)[2])} (test bound: < 1,000)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--captures", type=int, default=3000, help="WARC responses")
    parser.add_argument("--feeds", type=int, default=500, help="feeds parsed for speed")
    parser.add_argument("--articles", type=int, default=20_000, help="MinHash corpus size")
    parser.add_argument("--only", choices=["warc", "feeds", "minhash"])
    args = parser.parse_args()
    if args.only in (None, "warc"):
        bench_warc(args.captures)
    if args.only in (None, "feeds"):
        bench_feeds(args.feeds)
    if args.only in (None, "minhash"):
        bench_minhash(args.articles)


if __name__ == "__main__":
    main()
