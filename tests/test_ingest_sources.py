"""Ingest sources for monitoring: sniffing, WARC, feeds, sitemaps, URL lists, polite fetching.

Web sources are served by an http.server on 127.0.0.1 started here, reached
with allow_private_network; refusal tests prove nothing is fetched without it.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from saywho.ingest import FetchOptions, SourceOptions, read_sources
from saywho.ingest.feeds import parse_listing
from saywho.ingest.polite import PoliteFetcher
from saywho.ingest.sources import estimate_documents, sniff_file_kind
from saywho.model import Failure, InputError, RawDocument

LOCAL = SourceOptions(fetch=FetchOptions(allow_private_network=True, timeout=2.0), host_delay=0)

PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
    "<article><p>“The count is final and every ballot was counted twice,” said returning "
    "officer Idris Vane of {title} on Tuesday evening.</p></article></body></html>"
)


def page(title: str) -> bytes:
    return PAGE.format(title=title).encode()


def read_all(*names: str | Path, options: SourceOptions = LOCAL) -> list[Any]:
    return list(read_sources([str(name) for name in names], options))


# --- a local web server ---------------------------------------------------------------


@dataclass
class Site:
    """Paths to (status, content type, body); every request's path is recorded."""

    routes: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


class SiteServer(ThreadingHTTPServer):
    def __init__(self, site: Site) -> None:
        self.site = site
        super().__init__(("127.0.0.1", 0), _Handler)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer

    def do_GET(self) -> None:
        site = self.server.site
        site.requests.append(self.path)
        status, content_type, body = site.routes.get(self.path, (404, "text/plain", b"missing"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[SiteServer]:
    site_server = SiteServer(Site())
    thread = threading.Thread(target=site_server.serve_forever, daemon=True)
    thread.start()
    yield site_server
    site_server.shutdown()
    site_server.server_close()


def serve(server: SiteServer, path: str, body: bytes, content_type: str = "text/html") -> str:
    server.site.routes[path] = (200, content_type, body)
    return server.url(path)


# --- sniffing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "crawl.bin", "warc"),
        (b"<?xml version='1.0'?>\n<!-- a feed -->\n<rss version='2.0'>", "x", "feed"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", "news", "feed"),
        (b"<rdf:RDF xmlns:rdf='x'>", "news", "feed"),
        (b"<?xml version='1.0'?><urlset xmlns='x'>", "news", "sitemap"),
        (b"<sitemapindex>", "index", "sitemap"),
        (b"# my list\nhttps://a.example/1\n\nhttp://b.example/2\n", "list", "urls"),
        (b"https://a.example/1\nnot a url\n", "list", None),
        (b"https://a.example/1\n", "list.txt", "text"),
        (b"<html><body>x</body></html>", "page.html", "html"),
        (b"{}", "records.jsonl", "jsonl"),
        (b"", "crawl.warc.gz", "warc"),
    ],
)
def test_kind_is_sniffed_from_content_then_name(head: bytes, name: str, kind: str | None) -> None:
    assert sniff_file_kind(head, name) == kind


def test_type_overrides_sniffing(tmp_path: Path) -> None:
    path = tmp_path / "list"
    path.write_text("https://a.example/1\n")

    [document] = read_all(path, options=SourceOptions(kind="text"))

    assert document.text == "https://a.example/1\n"


def test_progress_total_is_counted_for_local_files_only(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "b.jsonl").write_text('{"text": "x"}\n\n{"text": "y"}\n')
    (tmp_path / "c.md").write_text("skipped")

    assert estimate_documents([str(tmp_path)]) == 3
    assert estimate_documents([str(tmp_path), "https://example.org/feed"]) is None


# --- WARC -----------------------------------------------------------------------------


def warc_record(warc_type: str, uri: str, block: bytes) -> bytes:
    headers = (
        f"WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Date: 2024-10-01T00:00:00Z\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return headers.encode() + block + b"\r\n\r\n"


def http_response(body: bytes, *, status: str = "200 OK", headers: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n{headers}\r\n"
    return head.encode() + body


def chunked(body: bytes) -> bytes:
    middle = len(body) // 2
    parts = (body[:middle], body[middle:])
    return b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in parts) + b"0\r\n\r\n"


def crawl() -> list[bytes]:
    return [
        warc_record("warcinfo", "", b"software: test\r\n"),
        warc_record("request", "https://a.example/one", b"GET /one HTTP/1.1\r\n\r\n"),
        warc_record("response", "https://a.example/one", http_response(page("One"))),
        warc_record(
            "response", "https://a.example/gone", http_response(b"", status="404 Not Found")
        ),
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


@pytest.mark.parametrize("compressed", [False, True])
def test_warc_responses_become_documents_with_their_urls(tmp_path: Path, compressed: bool) -> None:
    records = crawl()
    if compressed:  # one gzip member per record, as Common Crawl writes them
        path = tmp_path / "crawl.warc.gz"
        path.write_bytes(b"".join(gzip.compress(record) for record in records))
    else:
        path = tmp_path / "crawl.warc"
        path.write_bytes(b"".join(records))

    results = read_all(path)

    documents = [item for item in results if isinstance(item, RawDocument)]
    assert [d.url for d in documents] == [
        "https://a.example/one",
        "https://a.example/zipped",
        "https://a.example/chunked",
    ]
    assert all(d.html is not None and "Idris Vane" in d.html for d in documents)
    assert [d.source for d in documents] == [f"{path}#3", f"{path}#5", f"{path}#6"]
    assert results[1] == Failure(f"{path}#4", "HTTP 404 response, not a page")


def test_malformed_warc_records_fail_one_by_one_and_reading_goes_on(tmp_path: Path) -> None:
    good = warc_record("response", "https://a.example/good", http_response(page("Good")))
    bad_length = good.replace(b"Content-Length: ", b"Content-Length: x", 1)
    path = tmp_path / "damaged.warc"
    path.write_bytes(bad_length + b"garbage line\r\n" + good + good[: len(good) // 2])

    results = read_all(path)

    assert [type(item) for item in results] == [Failure, RawDocument, Failure]
    assert "invalid WARC Content-Length" in results[0].reason
    assert results[1].url == "https://a.example/good"
    assert results[2].reason.startswith("truncated record")


def test_oversized_warc_record_is_skipped_without_being_held(tmp_path: Path) -> None:
    big = warc_record("response", "https://a.example/big", http_response(b"x" * 4096))
    small = warc_record("response", "https://a.example/small", http_response(page("Small")))
    path = tmp_path / "crawl.warc"
    path.write_bytes(big + small)
    options = SourceOptions(fetch=FetchOptions(max_bytes=2048))

    results = read_all(path, options=options)

    assert results[0] == Failure(f"{path}#1", "record larger than the 2 KiB cap")
    assert results[1].url == "https://a.example/small"


def test_corrupt_gzip_and_non_warc_files_are_failures(tmp_path: Path) -> None:
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(gzip.compress(b"".join(crawl()))[:200])
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"")

    [cut_failure] = [item for item in read_all(cut) if isinstance(item, Failure)]
    assert cut_failure.reason.startswith("truncated or corrupt gzip")
    assert read_all(junk) == [Failure(str(junk), "no WARC records")]


# --- feeds, sitemaps, URL lists ----------------------------------------------------------


def rss(items: list[str]) -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>"
        + "".join(f"<item>{item}</item>" for item in items)
        + "</channel></rss>"
    ).encode()


def test_feed_items_are_fetched_and_broken_items_fail_alone(server: SiteServer) -> None:
    one = serve(server, "/one", page("One"))
    feed = serve(
        server,
        "/feed.xml",
        rss(
            [
                f"<title>Feed title one</title><link>{one}</link>"
                "<pubDate>Wed, 02 Oct 2024 08:00:00 +0200</pubDate>",
                "<title>No link here</title>",
                f"<link>{server.url('/missing')}</link>",
            ]
        ),
        "application/rss+xml",
    )

    results = read_all(feed)

    assert [type(item) for item in results] == [RawDocument, Failure, Failure]
    assert results[0].url == one and results[0].title == "Feed title one"
    assert results[0].published == "2024-10-02T06:00:00Z"
    assert results[1] == Failure(f"{feed}#2", "feed item has no link")
    assert results[2] == Failure(server.url("/missing"), "HTTP 404 Not Found")


def test_atom_feed_file_is_read_and_items_fetched(server: SiteServer, tmp_path: Path) -> None:
    one = serve(server, "/atom-one", page("Atom"))
    path = tmp_path / "news.atom"
    path.write_text(
        "<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>Atom one</title>"
        f"<link rel='alternate' href='{one}'/><published>2024-10-01T12:00:00Z</published>"
        "</entry></feed>"
    )

    [document] = read_all(path)

    assert document.url == one and document.published == "2024-10-01T12:00:00Z"


def test_sitemap_index_leads_to_gzipped_sitemap_and_its_pages(server: SiteServer) -> None:
    one, two = serve(server, "/s/one", page("One")), serve(server, "/s/two", page("Two"))
    urlset = (
        "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
        "xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>"
        f"<url><loc>{one}</loc><news:news><news:title>Sitemap one</news:title>"
        "<news:publication_date>2024-09-30</news:publication_date></news:news></url>"
        f"<url><loc>{two}</loc></url></urlset>"
    )
    nested = serve(server, "/sitemap-1.xml.gz", gzip.compress(urlset.encode()), "application/gzip")
    index = serve(
        server,
        "/sitemap.xml",
        f"<sitemapindex><sitemap><loc>{nested}</loc></sitemap></sitemapindex>".encode(),
        "application/xml",
    )

    results = read_all(index)

    assert [(d.url, d.title, d.published) for d in results] == [
        (one, "Sitemap one", "2024-09-30"),
        (two, None, None),  # the page's own title is found when it is cleaned
    ]


def test_url_list_fetches_each_url_and_names_bad_lines(server: SiteServer, tmp_path: Path) -> None:
    one = serve(server, "/u/one", page("One"))
    path = tmp_path / "urls.txt"
    path.write_text(f"# watched pages\n{one}\nftp://nope.example/x\n")

    results = read_all(path, options=SourceOptions(fetch=LOCAL.fetch, kind="urls", host_delay=0))

    assert results[0].url == one
    assert results[1] == Failure(f"{path}#3", "not an http(s) URL: b'ftp://nope.example/x'")


def test_single_url_is_fetched_once_and_sniffed(server: SiteServer) -> None:
    url = serve(server, "/single", page("Single"))

    [document] = read_all(url)

    assert document.url == url
    assert server.site.requests == ["/robots.txt", "/single"]


def test_xml_with_entities_is_refused() -> None:
    laughs = (
        b"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY lol 'lol'>"
        b"<!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]><rss><channel><item>"
        b"<link>&lol2;</link></item></channel></rss>"
    )

    with pytest.raises(InputError, match="XML refused: DTDForbidden"):
        parse_listing(laughs)


def test_empty_and_unknown_xml_are_failures(tmp_path: Path) -> None:
    empty = tmp_path / "empty.rss"
    empty.write_text("<rss><channel></channel></rss>")
    other = tmp_path / "other.xml"
    other.write_text("<catalog/>")

    assert read_all(empty) == [Failure(str(empty), "empty feed (no items)")]
    assert read_all(other, options=SourceOptions(kind="feed")) == [
        Failure(str(other), "not a feed: the XML root element is <catalog>")
    ]


# --- politeness and safety ----------------------------------------------------------------


def test_robots_txt_disallow_is_honoured(server: SiteServer) -> None:
    serve(server, "/robots.txt", b"User-agent: saywho\nDisallow: /private\n", "text/plain")
    open_page, closed = serve(server, "/open", page("Open")), serve(server, "/private/x", b"x")

    results = read_all(open_page, closed)

    assert isinstance(results[0], RawDocument)
    assert results[1] == Failure(closed, f"disallowed by {server.url('')}/robots.txt")
    assert server.site.requests.count("/robots.txt") == 1
    assert "/private/x" not in server.site.requests


def test_unreadable_robots_txt_fetches_nothing_from_the_host(server: SiteServer) -> None:
    server.site.routes["/robots.txt"] = (503, "text/plain", b"down")
    url = serve(server, "/page", page("Page"))

    [failure] = read_all(url)

    assert "robots.txt could not be read (HTTP 503" in failure.reason
    assert "/page" not in server.site.requests


def test_requests_to_one_host_are_paced_and_other_hosts_are_not_held(
    server: SiteServer,
) -> None:
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    serve(server, "/a", page("A"))
    fetcher = PoliteFetcher(LOCAL.fetch, delay=2.0, clock=lambda: now[0], sleep=sleep)
    other_host = server.url("/a").replace("127.0.0.1", "localhost")

    fetcher.fetch(server.url("/a"))  # robots.txt at 100.0, the page at 102.0
    now[0] += 0.5
    fetcher.fetch(server.url("/a"))  # 1.5 s left to wait
    fetcher.fetch(other_host)  # another host: its own robots.txt, no wait

    assert sleeps == [2.0, 1.5, 2.0]


def test_crawl_delay_in_robots_txt_slows_the_pace(server: SiteServer) -> None:
    serve(server, "/robots.txt", b"User-agent: *\nCrawl-delay: 7\n", "text/plain")
    serve(server, "/a", page("A"))
    sleeps: list[float] = []
    fetcher = PoliteFetcher(LOCAL.fetch, delay=0.0, sleep=sleeps.append)

    fetcher.fetch(server.url("/a"))
    fetcher.fetch(server.url("/a"))

    assert len(sleeps) == 1 and 6.0 < sleeps[0] <= 7.0


def test_private_addresses_are_refused_before_any_request(server: SiteServer) -> None:
    url = serve(server, "/page", page("Page"))

    [failure] = read_all(url, options=SourceOptions(host_delay=0))

    assert failure.reason.startswith("refused: 127.0.0.1 is a loopback address")
    assert server.site.requests == []


def test_ingest_command_stores_a_feed_and_does_not_fetch_its_pages_again(
    server: SiteServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from saywho.cli import main
    from saywho.store import Store

    one = serve(server, "/n/one", page("One"))
    feed = serve(
        server,
        "/news.rss",
        rss([f"<title>From the feed</title><link>{one}</link>", "<title>broken</title>"]),
        "application/rss+xml",
    )
    command = ["ingest", feed, "--db", str(tmp_path / "s.db"), "--allow-private-network"]
    command += ["--attributor", "rules", "--stance-model", "lexicon"]

    assert main([*command, "--delay", "0"]) == 1
    assert "1 ingested, 0 updated, 0 unchanged (duplicates), 1 failed" in capsys.readouterr().err
    # The next poll of the feed fetches the feed, not the page it stored already...
    assert main([*command, "--delay", "0"]) == 1
    assert (
        "0 ingested, 0 updated, 0 unchanged (duplicates), "
        "1 listed pages already stored (not fetched), 1 failed"
    ) in capsys.readouterr().err
    assert server.site.requests.count("/n/one") == 1
    # ...unless asked to, and then the unchanged page is still not stored twice.
    assert main([*command, "--delay", "0", "--refetch"]) == 1
    assert "0 ingested, 0 updated, 1 unchanged (duplicates), 1 failed" in capsys.readouterr().err
    assert server.site.requests.count("/n/one") == 2
    with Store(tmp_path / "s.db") as store:
        [article] = [store.article(1)]
    assert article is not None
    assert (article.url, article.title, article.outlet) == (one, "From the feed", "127.0.0.1")
