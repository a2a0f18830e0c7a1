"""``read_sources``: what ``saywho ingest`` is pointed at, as documents or failures.

A source is a file, a directory (recursively), a WARC file, an RSS/Atom feed, a
sitemap, a file of URLs, or a single URL. Its kind is sniffed from its first
bytes and its name (``SourceOptions.kind`` overrides that for every source).
Feeds, sitemaps and URL lists are followed: each page they list is fetched
through one ``PoliteFetcher``, so robots.txt and the per-host pace hold across
all sources of a run. A listed page for which ``SourceOptions.is_stored`` says
yes is not fetched again; it comes out as ``AlreadyStored``, to be counted. With
``SourceOptions.conditional`` a feed, sitemap or URL list named by URL is asked
for conditionally (ETag / Last-Modified): unchanged, it costs one 304 and lists
nothing. As
everywhere in ingest, a bad source or item is a Failure with a one-line reason
and the others go on.
"""

from __future__ import annotations

import dataclasses
import gzip
import re
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from saywho.ingest.capped import gunzip_capped, is_gzip
from saywho.ingest.feeds import Link, Listing, XmlKind, parse_listing, sniff_xml_kind
from saywho.ingest.fetch import FetchedPage, NotModified, Validators
from saywho.ingest.local import (
    FileKind,
    describe_os_error,
    files_under,
    kind_from_name,
    load_file,
    read_file,
)
from saywho.ingest.options import DEFAULT_OPTIONS, FetchOptions
from saywho.ingest.polite import DEFAULT_HOST_DELAY, PoliteFetcher
from saywho.ingest.warc import WARC_MAGIC, read_warc
from saywho.ingest.web import document_from_page
from saywho.model import AlreadyStored, Failure, InputError, RawDocument

SourceKind = Literal["text", "html", "json", "jsonl", "warc", "feed", "sitemap", "urls", "url"]
SOURCE_KINDS: tuple[SourceKind, ...] = get_args(SourceKind)

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_WEB_URL_LINE = re.compile(rb"^https?://\S+$", re.IGNORECASE)
_XML_MEDIA_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}
)
_SNIFF_BYTES = 64 * 1024
_WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass
class ConditionalCache:
    """Validators per listing URL: ``known`` from the last run, ``seen`` from this one.

    The caller keeps ``seen`` only once what the listings listed is stored (a run
    killed before must fetch them whole again). ``not_modified`` counts the 304s.
    """

    known: dict[str, Validators] = field(default_factory=dict)
    seen: dict[str, Validators] = field(default_factory=dict)
    not_modified: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SourceOptions:
    fetch: FetchOptions = DEFAULT_OPTIONS
    kind: SourceKind | None = None  # None: sniff each source
    host_delay: float = DEFAULT_HOST_DELAY  # seconds between two requests to one host
    max_sitemap_depth: int = 3  # sitemap indexes nest at most this deep
    # A listed page's URL -> whether to leave it unfetched (None: fetch every page).
    is_stored: Callable[[str], bool] | None = None
    # Conditional requests for listings named by URL (None: always fetched whole).
    conditional: ConditionalCache | None = None


Source = RawDocument | Failure | AlreadyStored


def read_sources(
    names: Iterable[str], options: SourceOptions = SourceOptions()
) -> Iterator[Source]:
    """Every document of every source, in order; lazy, and never raising for bad input."""
    reader = _SourceReader(options, PoliteFetcher(options.fetch, options.host_delay))
    for name in names:
        yield from reader.read(name)


def source_kind_from_name(name: str) -> SourceKind | None:
    """The kind a file name says (``.warc.gz``, ``.jsonl``...), None if it says none."""
    if name.lower().endswith(_WARC_SUFFIXES):
        return "warc"
    return kind_from_name(name)


def sniff_file_kind(head: bytes, name: str) -> SourceKind | None:
    """The kind of a file from its first (decompressed) bytes, then its name.

    None means a text or HTML document, told apart when it is decoded.
    """
    if head.startswith(WARC_MAGIC):
        return "warc"
    xml_kind = sniff_xml_kind(head)
    if xml_kind is not None:
        return xml_kind
    by_name = source_kind_from_name(name)
    if by_name is None and _is_url_list(head):
        return "urls"
    return by_name


def _is_url_list(head: bytes) -> bool:
    lines = [line.strip() for line in head.splitlines()]
    if len(head) >= _SNIFF_BYTES:
        lines = lines[:-1]  # cut short by the sniffing window
    entries = [line for line in lines if line and not line.startswith(b"#")]
    return bool(entries) and all(_WEB_URL_LINE.match(line) for line in entries)


@dataclass
class _SourceReader:
    options: SourceOptions
    fetcher: PoliteFetcher

    def read(self, name: str) -> Iterator[Source]:
        if _URL.match(name):
            yield from self._read_url(name, self.options.kind, depth=0)
        elif not name:
            yield Failure(name, "empty path")
        else:
            yield from self._read_path(name)

    # --- local sources ---------------------------------------------------------

    def _read_path(self, name: str) -> Iterator[Source]:
        path = Path(name)
        try:
            mode = path.stat().st_mode
        except OSError as error:
            yield Failure(name, describe_os_error(error))
            return
        if stat.S_ISDIR(mode):
            yield from self._read_directory(path)
        elif stat.S_ISREG(mode):
            kind = self.options.kind or _sniff_path(path)
            yield from self._read_file(path, name, kind)
        else:
            yield Failure(name, "not a regular file or directory")

    def _read_directory(self, root: Path) -> Iterator[Source]:
        found_any = False
        for path in files_under(root):
            if isinstance(path, Failure):
                found_any = True
                yield path
                continue
            kind = self.options.kind or source_kind_from_name(path.name)
            if kind is not None:
                found_any = True
                yield from self._read_file(path, str(path), kind)
        if not found_any:
            yield Failure(str(root), "no files of a kind saywho reads in this directory")

    def _read_file(self, path: Path, source: str, kind: SourceKind | None) -> Iterator[Source]:
        max_bytes = self.options.fetch.max_bytes
        if kind is None or kind in get_args(FileKind):
            yield from read_file(path, source, _file_kind(kind), self.options.fetch)
        elif kind == "warc":
            yield from read_warc(path, source, max_bytes)
        elif kind == "url":
            yield Failure(source, "--type url needs http(s) URLs, not files")
        else:
            try:
                data = load_file(path, max_bytes)
            except InputError as error:
                yield Failure(source, str(error))
                return
            yield from self._read_listed(data, source, kind, depth=0)

    # --- listings: feeds, sitemaps, URL lists -------------------------------------

    def _read_listed(
        self, data: bytes, source: str, kind: SourceKind, depth: int
    ) -> Iterator[Source]:
        if kind == "urls":
            yield from self._read_url_list(data, source)
            return
        try:
            listing = parse_listing(data, _xml_kind(kind))
        except InputError as error:
            yield Failure(source, str(error))
            return
        yield from self._read_listing(listing, source, depth)

    def _read_listing(self, listing: Listing, source: str, depth: int) -> Iterator[Source]:
        if not listing.links and not listing.nested_sitemaps:
            yield Failure(source, f"empty {listing.kind} (no items)")
        for nested in listing.nested_sitemaps:
            if depth >= self.options.max_sitemap_depth:
                yield Failure(nested, f"sitemap nested deeper than {depth} levels; not read")
            else:
                yield from self._read_url(nested, "sitemap", depth=depth + 1)
        for number, link in enumerate(listing.links, start=1):
            if link.url is None:
                yield Failure(f"{source}#{number}", f"{listing.kind} item has no link")
            else:
                yield self._read_page(link.url, link)

    def _read_url_list(self, data: bytes, source: str) -> Iterator[Source]:
        found_any = False
        for number, line in enumerate(data.splitlines(), start=1):
            entry = line.strip()
            if not entry or entry.startswith(b"#"):
                continue
            found_any = True
            if _WEB_URL_LINE.match(entry):
                yield self._read_page(entry.decode("ascii", "replace"), None)
            else:
                yield Failure(f"{source}#{number}", f"not an http(s) URL: {entry[:60]!r}")
        if not found_any:
            yield Failure(source, "no URLs in the list")

    # --- web sources -----------------------------------------------------------

    def _read_url(self, url: str, kind: SourceKind | None, depth: int) -> Iterator[Source]:
        if kind in ("text", "html", "json", "jsonl", "warc"):
            yield Failure(url, f"--type {kind} reads files; use feed, sitemap, urls or url")
            return
        conditional = self.options.conditional
        try:
            page = self.fetcher.fetch(url, conditional.known.get(url) if conditional else None)
            # Sitemaps are often served as .xml.gz files rather than gzip-encoded.
            body = (
                gunzip_capped(page.body, self.options.fetch.max_bytes)
                if is_gzip(page.body)
                else page.body
            )
        except NotModified:
            if conditional is not None:
                conditional.not_modified.append(url)
            return
        except InputError as error:
            yield Failure(url, str(error))
            return
        kind = kind or _sniff_page(page, body)
        if kind in ("feed", "sitemap", "urls"):
            validators = Validators.of(page)
            if conditional is not None and validators is not None:
                conditional.seen[url] = validators
            yield from self._read_listed(body, url, kind, depth)
        else:
            yield _page_document(url, page, None)

    def _read_page(self, url: str, link: Link | None) -> Source:
        if self.options.is_stored is not None and self.options.is_stored(url):
            return AlreadyStored(url)
        try:
            return _page_document(url, self.fetcher.fetch(url), link)
        except InputError as error:
            return Failure(url, str(error))


def _page_document(url: str, page: FetchedPage, link: Link | None) -> RawDocument | Failure:
    """The page as a document, with the title and date its feed or sitemap gave."""
    try:
        document = document_from_page(url, page)
    except InputError as error:
        return Failure(url, str(error))
    if link is None:
        return document
    return dataclasses.replace(
        document,
        title=link.title or document.title,
        published=link.published or document.published,
    )


def _sniff_path(path: Path) -> SourceKind | None:
    try:
        with path.open("rb") as file:
            head = file.read(_SNIFF_BYTES)
        if is_gzip(head):
            with gzip.open(path, "rb") as unzipped:
                head = unzipped.read(_SNIFF_BYTES)
    except (OSError, EOFError, zlib.error):
        # Reading it properly will say what is wrong with it.
        return source_kind_from_name(path.name)
    return sniff_file_kind(head, path.name)


def _sniff_page(page: FetchedPage, body: bytes) -> SourceKind:
    xml_kind = sniff_xml_kind(body[:_SNIFF_BYTES])
    if xml_kind is not None:
        return xml_kind
    if page.content_type in _XML_MEDIA_TYPES:
        return "feed"  # parse_listing says what the XML is if not a feed
    return "url"


def _file_kind(kind: SourceKind | None) -> FileKind | None:
    if kind in ("text", "html", "json", "jsonl"):
        return kind
    return None


def _xml_kind(kind: SourceKind) -> XmlKind | None:
    if kind in ("feed", "sitemap"):
        return kind
    return None


def estimate_documents(names: Iterable[str], kind: SourceKind | None = None) -> int | None:
    """How many documents the sources hold, when that is cheap to know (for an ETA).

    Counted for local text, HTML and JSONL sources (a line a record); None as
    soon as a source is a URL, a feed, a sitemap, a WARC file or a JSON array,
    whose size is known only by reading them.
    """
    total = 0
    for name in names:
        if _URL.match(name):
            return None
        path = Path(name)
        paths = [p for p in files_under(path) if isinstance(p, Path)] if path.is_dir() else [path]
        for file in paths:
            file_kind = kind or source_kind_from_name(file.name)
            if path.is_dir() and file_kind is None:
                continue
            if file_kind in (None, "text", "html"):
                total += 1
            elif file_kind == "jsonl" and not file.name.endswith(".gz"):
                try:
                    with file.open("rb") as lines:
                        total += sum(1 for line in lines if line.strip())
                except OSError:
                    total += 1
            else:
                return None
    return total
