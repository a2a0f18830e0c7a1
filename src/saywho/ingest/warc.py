"""WARC and WARC.gz files (as in Common Crawl News): HTTP responses as RawDocuments.

Records are read one at a time from the (possibly multi-member gzip) stream,
so a file may be far larger than the cap; each record's body is capped, also
after undoing its HTTP content encoding. Request, metadata and warcinfo
records are passed over; a response that is not a 2xx HTML or text page, or a
damaged record, is one Failure. After a damaged header the reader looks for
the next ``WARC/`` line, reading at most the cap before it gives up.
"""

from __future__ import annotations

import email.parser
import email.policy
import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Protocol

from saywho.ingest.capped import GZIP_MAGIC, over_cap, undo_content_encoding
from saywho.ingest.decoding import DocumentKind, decode_document
from saywho.model import Failure, InputError, RawDocument

WARC_MAGIC = b"WARC/"
_MAX_HEADER_LINE = 64 * 1024
_MAX_HEADER_LINES = 256
_SKIP_CHUNK = 1024 * 1024
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


class _RecordStream(Protocol):
    def read(self, size: int, /) -> bytes: ...
    def readline(self, size: int, /) -> bytes: ...


class _DamagedRecord(InputError):
    """The record stream is out of step: look for the next record header."""


@dataclass(frozen=True)
class _Record:
    number: int
    headers: Message
    block: bytes | None  # None when the record was too large and skipped


def read_warc(path: Path, source: str, max_bytes: int) -> Iterator[RawDocument | Failure]:
    """The response records of a WARC file, record N as ``source#N`` (from 1)."""
    try:
        with _open(path) as stream:
            yield from _documents(stream, source, max_bytes)
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        yield Failure(source, f"truncated or corrupt gzip: {error}")
    except OSError as error:
        yield Failure(source, f"cannot read: {error.strerror or error}")


def _open(path: Path) -> gzip.GzipFile | io.BufferedReader:
    with path.open("rb") as probe:
        compressed = probe.read(len(GZIP_MAGIC)) == GZIP_MAGIC
    return gzip.open(path, "rb") if compressed else path.open("rb")


def _documents(
    reader: _RecordStream, source: str, max_bytes: int
) -> Iterator[RawDocument | Failure]:
    number = 0
    records = 0
    while True:
        number += 1
        record_source = f"{source}#{number}"
        try:
            record = _next_record(reader, number, max_bytes, resync=False)
        except _DamagedRecord as error:
            yield Failure(record_source, str(error))
            try:
                record = _next_record(reader, number, max_bytes, resync=True)
            except InputError as resync_error:
                yield Failure(source, str(resync_error))
                return
        except InputError as error:
            yield Failure(record_source, str(error))
            return
        if record is None:
            break
        records += 1
        if _header(record, "WARC-Type").lower() != "response":
            continue
        if record.block is None:
            yield Failure(record_source, f"record {over_cap(max_bytes)}")
            continue
        try:
            yield _document(record, record_source, max_bytes)
        except InputError as error:
            yield Failure(record_source, str(error))
    if not records:
        yield Failure(source, "no WARC records")


def _next_record(
    reader: _RecordStream, number: int, max_bytes: int, *, resync: bool
) -> _Record | None:
    """The next record, None at the end; with ``resync``, first skip to a ``WARC/`` line."""
    skipped = 0
    while True:
        line = reader.readline(_MAX_HEADER_LINE)
        if not line:
            return None
        if line.startswith(WARC_MAGIC):
            break
        if not resync and line.strip():
            raise _DamagedRecord(f"expected a WARC record header, found {line[:40]!r}")
        skipped += len(line)
        if skipped > max_bytes:
            raise InputError(f"no WARC record header in the next {over_cap(max_bytes)}")
    headers = _read_headers(reader)
    length_text = _header_of(headers, "Content-Length")
    try:
        length = int(length_text)
    except ValueError:
        raise _DamagedRecord(f"invalid WARC Content-Length {length_text!r}") from None
    if length < 0:
        raise _DamagedRecord(f"invalid WARC Content-Length {length_text!r}")
    if length > max_bytes:
        _skip(reader, length)
        return _Record(number, headers, None)
    block = reader.read(length)
    if len(block) < length:
        raise InputError(f"truncated record: {len(block)} of {length} bytes")
    return _Record(number, headers, block)


def _read_headers(reader: _RecordStream) -> Message:
    lines: list[bytes] = []
    while True:
        line = reader.readline(_MAX_HEADER_LINE)
        if not line:
            raise InputError("truncated record header")
        if not line.strip():
            break
        lines.append(line)
        if len(lines) > _MAX_HEADER_LINES:
            raise _DamagedRecord(f"more than {_MAX_HEADER_LINES} header lines")
    return _parse_headers(b"".join(lines))


def _parse_headers(data: bytes) -> Message:
    return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)


def _skip(reader: _RecordStream, length: int) -> None:
    remaining = length
    while remaining > 0:
        chunk = reader.read(min(remaining, _SKIP_CHUNK))
        if not chunk:
            raise InputError("truncated record")
        remaining -= len(chunk)


def _header(record: _Record, name: str) -> str:
    return _header_of(record.headers, name)


def _header_of(headers: Message, name: str) -> str:
    return str(headers.get(name, "")).strip()


def _document(record: _Record, source: str, max_bytes: int) -> RawDocument:
    assert record.block is not None
    head, separator, body = record.block.partition(b"\r\n\r\n")
    if not separator:
        head, separator, body = record.block.partition(b"\n\n")
    status_line, _, header_lines = head.partition(b"\n")
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        raise InputError(f"not an HTTP response: {status_line[:40]!r}")
    status = int(parts[1])
    if not 200 <= status < 300:
        raise InputError(f"HTTP {status} response, not a page")
    http_headers = _parse_headers(header_lines)
    if "chunked" in _header_of(http_headers, "Transfer-Encoding").lower():
        body = _dechunk(body, max_bytes)
    body = undo_content_encoding(body, _header_of(http_headers, "Content-Encoding"), max_bytes)
    kind, content = decode_document(
        body, _kind(http_headers), http_headers.get_content_charset(), "record"
    )
    url = _header(record, "WARC-Target-URI").strip("<>") or None
    if kind == "html":
        return RawDocument(source=source, html=content, url=url)
    return RawDocument(source=source, text=content, url=url)


def _kind(http_headers: Message) -> DocumentKind | None:
    """HTML or text by the Content-Type; None (sniff the body) when there is none."""
    if "Content-Type" not in http_headers:
        return None
    media_type = http_headers.get_content_type()
    if media_type in _HTML_TYPES:
        return "html"
    if media_type.startswith("text/"):
        return "text"
    raise InputError(f"unsupported content type {media_type} (not HTML or text)")


def _dechunk(body: bytes, max_bytes: int) -> bytes:
    """Undo HTTP chunked transfer coding (crawlers sometimes store the body as sent)."""
    output = bytearray()
    position = 0
    while True:
        line_end = body.find(b"\r\n", position)
        if line_end < 0:
            raise InputError("damaged chunked body")
        size_text = body[position:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise InputError("damaged chunked body") from None
        if size == 0:
            return bytes(output)
        start = line_end + 2
        output += body[start : start + size]
        if len(output) > max_bytes:
            raise InputError(over_cap(max_bytes, "when decoded"))
        position = start + size + 2
