"""Ingest: every input kind, every failure reason, and the fetch safety rules.

URL tests talk only to an http.server on 127.0.0.1 started here; refusal tests
prove that no connection is even attempted.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import ssl
import threading
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from saywho import __version__
from saywho.ingest import FetchOptions, fetch_url, netguard, read_inputs
from saywho.ingest.netguard import non_public_category
from saywho.model import Failure, RawDocument

KIB = 1024
MIB = 1024 * KIB
DEFAULTS = FetchOptions()
LOCAL = FetchOptions(allow_private_network=True, timeout=2.0)
SMALL_CAP = FetchOptions(max_bytes=KIB)

ARTICLE_HTML = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Recount</title></head>"
    "<body><p>“The count is final,” said returning officer Idris Vane.</p></body></html>"
).encode()
NOTE_TEXT = "Polls close at eight, the commission said.\r\nResults follow overnight.\r\n"


def read_all(*inputs: str | Path, options: FetchOptions = DEFAULTS) -> list[Any]:
    return list(read_inputs([str(name) for name in inputs], options))


def write(path: Path, content: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def gzip_bomb(decompressed_size: int) -> bytes:
    """Zeros compressed chunk by chunk, so the test itself never holds them all."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(min(MIB, decompressed_size))
    parts = [compressor.compress(chunk) for _ in range(decompressed_size // len(chunk))]
    return b"".join(parts) + compressor.flush()


# --- local files -------------------------------------------------------------


def test_text_file_is_decoded_exactly_with_crlf_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "note.txt", NOTE_TEXT)

    [document] = read_all(path)

    assert document == RawDocument(source=str(path), text=NOTE_TEXT)


def test_html_file_is_read_as_html(fixtures_dir: Path) -> None:
    path = fixtures_dir / "ingest" / "corpus" / "debate-night.html"

    [document] = read_all(path)

    assert document.html == path.read_text(encoding="utf-8")
    assert document.text is None
    assert document.url is None and document.outlet is None


def test_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbfMayor Varga spoke.")

    [document] = read_all(path)

    assert document.text == "Mayor Varga spoke."


def test_utf16_text_with_byte_order_mark_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path / "notepad.txt", "Zoë spoke.\r\n".encode("utf-16"))

    [document] = read_all(path)

    assert document.text == "Zoë spoke.\r\n"


def test_html_meta_charset_is_honoured_as_browsers_do(tmp_path: Path) -> None:
    # ISO-8859-1 is read as windows-1252, whose 0x93/0x94 are curly quotes.
    page = b'<html><head><meta charset="iso-8859-1"></head><body>\x93Caf\xe9\x94</body></html>'
    path = write(tmp_path / "old.html", page)

    [document] = read_all(path)

    assert "“Café”" in document.html


@pytest.mark.parametrize(
    ("name", "kind"),
    [("report.txt.gz", "text"), ("report.html.gz", "html"), ("report.htm.gz", "html")],
)
def test_gzipped_files_are_decompressed(tmp_path: Path, name: str, kind: str) -> None:
    content = "<p>Turnout rose, said Maren Holt.</p>\n"
    path = write(tmp_path / name, gzip.compress(content.encode()))

    [document] = read_all(path)

    assert getattr(document, kind) == content


def test_bare_gz_is_recognised_by_magic_bytes_and_sniffed(tmp_path: Path) -> None:
    path = write(tmp_path / "download.gz", gzip.compress(ARTICLE_HTML))

    [document] = read_all(path)

    assert document.html == ARTICLE_HTML.decode()


def test_gz_name_without_gzip_content_is_read_as_is(tmp_path: Path) -> None:
    # Browsers often save a page already decompressed under its .gz name.
    path = write(tmp_path / "saved.html.gz", ARTICLE_HTML)

    [document] = read_all(path)

    assert document.html == ARTICLE_HTML.decode()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("notes.md", "Candidate Holt said little.\n", "text"),
        ("page.xhtml", "<html><body><p>Holt said little.</p></body></html>", "html"),
        ("README", "  <!-- saved --><div><p>Holt said little.</p></div>", "html"),
    ],
)
def test_explicit_file_of_unknown_kind_is_sniffed(
    tmp_path: Path, name: str, content: str, kind: str
) -> None:
    path = write(tmp_path / name, content)

    [document] = read_all(path)

    assert getattr(document, kind) == content


def test_directory_is_read_recursively_sorted_without_hidden_or_other_kinds(
    fixtures_dir: Path,
) -> None:
    corpus = fixtures_dir / "ingest" / "corpus"

    sources = [item.source for item in read_all(corpus)]

    assert sources == [
        str(corpus / "council-vote.txt"),
        str(corpus / "debate-night.html"),
        str(corpus / "regional" / "turnout.htm"),
    ]


def test_directory_without_supported_files_is_a_failure(tmp_path: Path) -> None:
    write(tmp_path / "empty-folder" / "photo.jpg", b"\xff\xd8\xff")

    [failure] = read_all(tmp_path / "empty-folder")

    assert isinstance(failure, Failure)
    assert failure.reason.startswith("no .txt, .html")


def test_directory_symlink_loop_is_read_once(tmp_path: Path) -> None:
    write(tmp_path / "news" / "a.txt", "Holt spoke.")
    (tmp_path / "news" / "again").symlink_to(tmp_path / "news")

    sources = [item.source for item in read_all(tmp_path / "news")]

    assert sources == [str(tmp_path / "news" / "a.txt")]


# --- JSON and JSONL records --------------------------------------------------


def test_jsonl_records_with_broken_lines_fail_one_by_one(fixtures_dir: Path) -> None:
    path = fixtures_dir / "ingest" / "records" / "wire.jsonl"

    results = read_all(path)

    summary = [(item.source.rsplit("#", 1)[1], type(item).__name__) for item in results]
    assert summary == [
        ("1", "RawDocument"),
        ("2", "Failure"),  # invalid JSON
        ("3", "RawDocument"),
        # line 4 is blank
        ("5", "Failure"),  # neither text nor html
        ("6", "Failure"),  # title is a number
        ("7", "Failure"),  # not an object
        ("8", "RawDocument"),
    ]
    first, broken, html_record, no_body, bad_title, not_object, _last = results
    assert first == RawDocument(
        source=f"{path}#1",
        text="The electoral commission said counting would finish by Friday.",
        url="https://news.example/count",
        title="Count to end Friday",
        published="2024-05-02",
        outlet="news.example",
    )
    assert broken.reason.startswith("invalid JSON at column ")
    assert html_record.html == "<p>Minister Kai Lindqvist denied the report.</p>"
    assert no_body.reason == 'record has neither "text" nor "html"'
    assert bad_title.reason == '"title" must be a string, not a number'
    assert not_object.reason == "record is an array, not a JSON object"


def test_json_array_records_are_numbered_from_one(fixtures_dir: Path) -> None:
    path = fixtures_dir / "ingest" / "records" / "roundup.json"

    ruiz, governor, bad = read_all(path)

    assert (ruiz.source, ruiz.outlet) == (f"{path}#1", "wire.example")
    assert (governor.source, governor.url) == (f"{path}#2", "https://wire.example/gov")
    assert bad == Failure(f"{path}#3", '"text" must be a string, not a number')


def test_json_object_is_one_record_named_by_its_path(fixtures_dir: Path) -> None:
    path = fixtures_dir / "ingest" / "records" / "single.json"

    [document] = read_all(path)

    assert document.source == str(path)
    assert document.title == "Turnout will decide, says Moss"


def test_jsonl_cap_applies_per_record_not_per_file(tmp_path: Path) -> None:
    small = '{"text": "Holt spoke."}\n'
    path = write(tmp_path / "big.jsonl", small * 40 + '{"text": "' + "x" * 2000 + '"}\n' + small)

    results = read_all(path, options=SMALL_CAP)

    failures = [item for item in results if isinstance(item, Failure)]
    assert failures == [Failure(f"{path}#41", "record larger than the 1 KiB cap")]
    assert len(results) == 42


def test_truncated_gzipped_jsonl_keeps_records_before_the_damage(tmp_path: Path) -> None:
    lines = "".join(f'{{"text": "Statement number {n}."}}\n' for n in range(2000))
    compressed = gzip.compress(lines.encode())
    path = write(tmp_path / "feed.jsonl.gz", compressed[: len(compressed) // 2])

    results = read_all(path)

    assert isinstance(results[0], RawDocument)
    assert results[-1].source == str(path)
    assert results[-1].reason.startswith("truncated or corrupt gzip: ")


# --- bad local inputs: one Failure each, the neighbours unharmed -------------

BINARY = "binary file (not text or HTML)"
# A reason that ends in ": " is a prefix; the rest comes from zlib or json.
BAD_FILES = [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b" \r\n\t\n", "empty file (whitespace only)"),
    ("photo.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), BINARY),
    ("nul.txt", b"Holt said\x00\x00\x00", BINARY),
    ("latin1.txt", "Café talk".encode("latin-1"), "not valid UTF-8 at byte 3"),
    ("bom-latin1.txt", b"\xef\xbb\xbfCaf\xe9", "not valid UTF-8 at byte 6"),
    ("too-big.html", b"<p>" + b"a" * 2 * KIB, "larger than the 1 KiB cap"),
    (
        "truncated.txt.gz",
        gzip.compress(b"Holt spoke at length. " * 50)[:-12],
        "truncated or corrupt gzip: ",
    ),
    ("corrupt.gz", b"\x1f\x8b\x08\x00garbage-not-deflate", "truncated or corrupt gzip: "),
    ("bomb.html.gz", gzip_bomb(256 * KIB), "larger than the 1 KiB cap when decompressed"),
    ("broken.json", b'{"text": "Holt', "invalid JSON at line 1 column 10: "),
    ("empty.jsonl", b"\n\n", "empty file (no records)"),
]


@pytest.mark.parametrize(("name", "content", "reason"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_one_failure_between_good_ones(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    before = write(tmp_path / "before.txt", "Vane said the count was final.")
    bad = write(tmp_path / name, content)
    after = write(tmp_path / "after.html", "<p>Holt agreed.</p>")

    results = read_all(before, bad, after, options=SMALL_CAP)

    assert [type(item) for item in results] == [RawDocument, Failure, RawDocument]
    assert results[1].source == str(bad)
    if reason.endswith(": "):
        assert results[1].reason.startswith(reason)
        assert "\n" not in results[1].reason
    else:
        assert results[1].reason == reason


def test_missing_path_is_one_failure(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Holt spoke.")

    results = read_all(tmp_path / "missing.txt", good)

    assert results[0] == Failure(str(tmp_path / "missing.txt"), "no such file or directory")
    assert isinstance(results[1], RawDocument)


def test_gzip_bomb_does_not_blow_memory(tmp_path: Path) -> None:
    path = write(tmp_path / "bomb.txt.gz", gzip_bomb(64 * MIB))

    tracemalloc.start()
    try:
        [failure] = read_all(path, options=FetchOptions(max_bytes=MIB))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert failure.reason == "larger than the 1 MiB cap when decompressed"
    assert peak < 4 * MIB


def test_inputs_are_read_lazily_in_order(tmp_path: Path) -> None:
    first = write(tmp_path / "first.txt", "One.")
    asked: list[str] = []

    def names() -> Iterator[str]:
        for name in (str(first), str(tmp_path / "second.txt")):
            asked.append(name)
            yield name

    results = read_inputs(names())
    assert next(results).source == str(first)
    assert asked == [str(first)]
    write(tmp_path / "second.txt", "Two.")
    second = next(results)
    assert isinstance(second, RawDocument)
    assert second.text == "Two."


def test_unsupported_url_scheme_is_a_failure() -> None:
    [failure] = read_all("ftp://files.example/article.txt")

    assert failure.reason == "unsupported URL scheme 'ftp' (only http and https)"


# --- URLs ----------------------------------------------------------------------


@dataclass
class SeenRequest:
    path: str
    host: str | None
    user_agent: str | None


class ArticleServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ArticleHandler)
        self.seen: list[SeenRequest] = []
        self.release_slow = threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """The timeout test hangs up on purpose; that is not worth a traceback."""


class ArticleHandler(BaseHTTPRequestHandler):
    server: ArticleServer

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        self.server.seen.append(
            SeenRequest(self.path, self.headers["Host"], self.headers["User-Agent"])
        )
        route = ROUTES.get(self.path.split("/")[1], ArticleHandler.not_found)
        route(self)

    def reply(self, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def not_found(self) -> None:
        self.send_error(404)

    def article(self) -> None:
        self.reply(ARTICLE_HTML, "text/html; charset=utf-8")

    def note(self) -> None:
        self.reply(NOTE_TEXT.encode(), "text/plain; charset=utf-8")

    def latin(self) -> None:
        self.reply(b"\x93Vote early,\x94 said Holt.", "text/plain; charset=ISO-8859-1")

    def image(self) -> None:
        self.reply(b"\x89PNG\r\n\x1a\n", "image/png")

    def host(self) -> None:
        self.reply(f"Host was {self.headers['Host']}".encode(), "text/plain")

    def slow(self) -> None:
        self.server.release_slow.wait(timeout=5)
        self.reply(b"too late", "text/plain")

    def redirect(self) -> None:
        remaining = int(self.path.rsplit("/", 1)[1])
        if remaining == 0:
            self.article()
            return
        self.send_response(302)
        self.send_header("Location", f"/redirect/{remaining - 1}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def to_private(self) -> None:
        self.send_response(302)
        self.send_header("Location", "http://10.0.0.7/admin")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def gzipped(self) -> None:
        self.reply(gzip.compress(ARTICLE_HTML), "text/html", Content_Encoding="gzip")

    def deflated(self) -> None:
        self.reply(zlib.compress(ARTICLE_HTML), "text/html", Content_Encoding="deflate")

    def bomb(self) -> None:
        self.reply(gzip_bomb(2 * MIB), "text/html", Content_Encoding="gzip")

    def big(self) -> None:
        self.reply(b"a" * 200 * KIB, "text/plain")


ROUTES: dict[str, Callable[[ArticleHandler], None]] = {
    "article.html": ArticleHandler.article,
    "note.txt": ArticleHandler.note,
    "latin.txt": ArticleHandler.latin,
    "image.png": ArticleHandler.image,
    "host": ArticleHandler.host,
    "slow": ArticleHandler.slow,
    "redirect": ArticleHandler.redirect,
    "to-private": ArticleHandler.to_private,
    "gzipped": ArticleHandler.gzipped,
    "deflated": ArticleHandler.deflated,
    "bomb": ArticleHandler.bomb,
    "big": ArticleHandler.big,
}


@pytest.fixture(scope="module")
def server() -> Iterator[ArticleServer]:
    article_server = ArticleServer()
    thread = threading.Thread(target=article_server.serve_forever, daemon=True)
    thread.start()
    yield article_server
    article_server.release_slow.set()
    article_server.shutdown()
    article_server.server_close()


def test_html_page_becomes_html_with_url_and_outlet(server: ArticleServer) -> None:
    url = server.url("/article.html")

    [document] = read_all(url, options=LOCAL)

    assert document == RawDocument(
        source=url, html=ARTICLE_HTML.decode(), url=url, outlet="127.0.0.1"
    )
    assert server.seen[-1].user_agent == f"saywho/{__version__} (+https://github.com/saywho/saywho)"


def test_text_page_becomes_text_exactly(server: ArticleServer) -> None:
    [document] = read_all(server.url("/note.txt"), options=LOCAL)

    assert document.text == NOTE_TEXT


def test_page_is_decoded_by_its_content_type_charset(server: ArticleServer) -> None:
    [document] = read_all(server.url("/latin.txt"), options=LOCAL)

    assert document.text == "“Vote early,” said Holt."


@pytest.mark.parametrize("path", ["/gzipped", "/deflated"])
def test_content_encoding_is_undone(server: ArticleServer, path: str) -> None:
    [document] = read_all(server.url(path), options=LOCAL)

    assert document.html == ARTICLE_HTML.decode()


@pytest.mark.parametrize(
    ("path", "options", "reason"),
    [
        ("/missing", LOCAL, "HTTP 404 Not Found"),
        ("/image.png", LOCAL, "unsupported content type image/png (not HTML or text)"),
        ("/slow", FetchOptions(allow_private_network=True, timeout=0.5), "timed out after 0.5 s"),
        (
            "/redirect/3",
            FetchOptions(allow_private_network=True, max_redirects=2),
            "too many redirects (more than 2)",
        ),
        (
            "/bomb",
            FetchOptions(allow_private_network=True, max_bytes=64 * KIB),
            "larger than the 64 KiB cap when decompressed",
        ),
        (
            "/big",
            FetchOptions(allow_private_network=True, max_bytes=64 * KIB),
            "larger than the 64 KiB cap",
        ),
    ],
)
def test_bad_url_is_one_failure_between_good_ones(
    server: ArticleServer, path: str, options: FetchOptions, reason: str
) -> None:
    good = server.url("/note.txt")

    results = read_all(good, server.url(path), good, options=options)

    assert [type(item) for item in results] == [RawDocument, Failure, RawDocument]
    assert results[1] == Failure(server.url(path), reason)


def test_redirects_within_the_limit_are_followed(server: ArticleServer) -> None:
    options = FetchOptions(allow_private_network=True, max_redirects=2)

    page = fetch_url(server.url("/redirect/2"), options)

    assert page.url == server.url("/redirect/0")
    assert page.status == 200
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert page.body == ARTICLE_HTML


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("a refused URL must not be connected to")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("localhost", "localhost resolves to 127.0.0.1, a loopback address"),
        ("10.20.30.40", "10.20.30.40 is a private address"),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
        ("[::1]", "::1 is a loopback address"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is a loopback address"),
    ],
)
def test_private_addresses_are_refused_without_the_flag(
    server: ArticleServer, no_connections: None, host: str, reason: str
) -> None:
    requests_before = len(server.seen)

    [failure] = read_all(f"http://{host}:{server.port}/article.html")

    assert failure.reason == f"refused: {reason} (use --allow-private-network to allow)"
    assert len(server.seen) == requests_before


@dataclass
class FakeResolver:
    """getaddrinfo with fixed answers for some names (no DNS in tests)."""

    answers: dict[str, str]
    real: Callable[..., Any]
    calls: list[str]

    def __call__(self, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if host not in self.answers:
            return self.real(host, port, *args, **kwargs)
        self.calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (self.answers[host], port))]


def fake_resolver(monkeypatch: pytest.MonkeyPatch, answers: dict[str, str]) -> FakeResolver:
    resolver = FakeResolver(answers, socket.getaddrinfo, [])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    return resolver


def test_host_resolving_to_a_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch, no_connections: None
) -> None:
    fake_resolver(monkeypatch, {"intranet.example": "10.0.0.7"})

    [failure] = read_all("http://intranet.example/")

    assert failure.reason == (
        "refused: intranet.example resolves to 10.0.0.7, a private address"
        " (use --allow-private-network to allow)"
    )


def test_connection_goes_to_the_resolved_address_with_the_host_header_kept(
    server: ArticleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolver = fake_resolver(monkeypatch, {"www.news.example": "127.0.0.1"})

    [document] = read_all(f"http://www.news.example:{server.port}/host", options=LOCAL)

    # Resolved once, and the request still names the host: DNS cannot switch it later.
    assert resolver.calls == ["www.news.example"]
    assert document.text == f"Host was www.news.example:{server.port}"
    assert document.outlet == "news.example"


def test_each_redirect_is_vetted_again(
    server: ArticleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Let the test server count as public, so that only the redirect target is private.
    def loopback_is_public(address: netguard.IPAddress) -> str | None:
        return None if address.is_loopback else real_category(address)

    real_category = netguard.non_public_category
    monkeypatch.setattr(netguard, "non_public_category", loopback_is_public)

    [failure] = read_all(server.url("/to-private"))

    assert failure.reason == (
        "after a redirect to http://10.0.0.7/admin: refused: 10.0.0.7 is a private address"
        " (use --allow-private-network to allow)"
    )


# --- HTTPS: the certificate is checked against the host name, not the address --


@pytest.fixture(scope="module")
def tls_server(fixtures_dir: Path) -> Iterator[ArticleServer]:
    """The article server behind TLS, with a self-signed certificate for "localhost"."""
    tls = fixtures_dir / "ingest" / "tls"
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls / "localhost-cert.pem", tls / "localhost-key.pem")
    article_server = ArticleServer()
    article_server.socket = context.wrap_socket(article_server.socket, server_side=True)
    thread = threading.Thread(target=article_server.serve_forever, daemon=True)
    thread.start()
    yield article_server
    article_server.shutdown()
    article_server.server_close()


@pytest.fixture
def trust_test_certificate(fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # OpenSSL reads SSL_CERT_FILE whenever a default context loads its trust store.
    cert = fixtures_dir / "ingest" / "tls" / "localhost-cert.pem"
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))


def test_https_page_is_fetched_from_the_vetted_address(
    tls_server: ArticleServer, trust_test_certificate: None
) -> None:
    url = f"https://localhost:{tls_server.port}/article.html"

    [document] = read_all(url, options=LOCAL)

    assert document == RawDocument(
        source=url, html=ARTICLE_HTML.decode(), url=url, outlet="localhost"
    )


def test_https_certificate_for_another_name_is_rejected(
    tls_server: ArticleServer, trust_test_certificate: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The address is the test server's, but its certificate does not name news.example.
    fake_resolver(monkeypatch, {"news.example": "127.0.0.1"})

    [failure] = read_all(f"https://news.example:{tls_server.port}/article.html", options=LOCAL)

    assert failure.reason.startswith("TLS certificate of news.example not valid: ")
    assert "Hostname mismatch" in failure.reason


def test_https_untrusted_certificate_is_rejected(tls_server: ArticleServer) -> None:
    [failure] = read_all(f"https://localhost:{tls_server.port}/article.html", options=LOCAL)

    assert failure.reason.startswith("TLS certificate of localhost not valid: ")


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("0.0.0.0", "an unspecified"),
        ("127.8.9.10", "a loopback"),
        ("172.16.0.1", "a private"),
        ("192.168.1.1", "a private"),
        ("100.64.0.1", "a non-public"),
        ("224.0.0.251", "a multicast"),
        ("240.0.0.1", "a reserved"),
        ("fe80::1", "a link-local"),
        ("fc00::1", "a private"),
        ("ff02::1", "a multicast"),
        ("::", "an unspecified"),
        ("::ffff:10.0.0.1", "a private"),
        ("64:ff9b::7f00:1", "a loopback"),
        ("2002:a9fe:a9fe::", "a link-local"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
        ("::ffff:93.184.216.34", None),
    ],
)
def test_address_categories(address: str, category: str | None) -> None:
    assert non_public_category(ipaddress.ip_address(address)) == category
