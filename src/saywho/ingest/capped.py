"""Reading and decompressing bytes without ever holding more than the cap."""

from __future__ import annotations

import gzip
import io
import zlib
from typing import Protocol

from saywho.ingest.options import describe_size
from saywho.model import InputError

GZIP_MAGIC = b"\x1f\x8b"


class ByteStream(Protocol):
    def read(self, size: int, /) -> bytes: ...


def over_cap(max_bytes: int, qualifier: str = "") -> str:
    """The reason for an input past the cap, such as ``larger than the 10 MiB cap``."""
    suffix = f" {qualifier}" if qualifier else ""
    return f"larger than the {describe_size(max_bytes)} cap{suffix}"


def read_capped(stream: ByteStream, max_bytes: int) -> bytes:
    """Read the whole stream, or raise as soon as it is past ``max_bytes``."""
    # One byte over the cap is enough to know it is too large.
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(over_cap(max_bytes))
    return data


def is_gzip(data: bytes) -> bool:
    return data.startswith(GZIP_MAGIC)


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data, stopping one byte past the cap (a gzip bomb stays small)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
            output = unzipped.read(max_bytes + 1)
    except (EOFError, OSError, zlib.error) as exc:
        raise InputError(f"truncated or corrupt gzip: {exc}") from exc
    if len(output) > max_bytes:
        raise InputError(over_cap(max_bytes, "when decompressed"))
    return output


def inflate_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress an HTTP ``deflate`` body, stopping one byte past the cap."""
    # HTTP asks for the zlib wrapper, but some servers send raw deflate.
    wbits = zlib.MAX_WBITS if _has_zlib_header(data) else -zlib.MAX_WBITS
    try:
        return _run_inflater(zlib.decompressobj(wbits), data, max_bytes)
    except zlib.error as exc:
        raise InputError(f"corrupt deflate body: {exc}") from exc


def _has_zlib_header(data: bytes) -> bool:
    # RFC 1950: method 8 (deflate) in the low nibble, and a header checksum.
    return len(data) >= 2 and data[0] & 0x0F == 8 and int.from_bytes(data[:2], "big") % 31 == 0


def _run_inflater(inflater: zlib._Decompress, data: bytes, max_bytes: int) -> bytes:
    output = inflater.decompress(data, max_bytes + 1)
    if len(output) > max_bytes:
        raise InputError(over_cap(max_bytes, "when decompressed"))
    if not inflater.eof:
        raise InputError("truncated deflate body")
    return output


def undo_content_encoding(body: bytes, encoding: str, max_bytes: int) -> bytes:
    """Decode an HTTP body by its ``Content-Encoding`` (which we only ask for as gzip/deflate)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding in ("gzip", "x-gzip"):
        return gunzip_capped(body, max_bytes)
    if encoding == "deflate":
        return inflate_capped(body, max_bytes)
    raise InputError(f"unsupported Content-Encoding {encoding!r}")
