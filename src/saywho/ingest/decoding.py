"""Bytes to str: choosing the charset, and telling markup from text from binary."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Literal

from saywho.model import InputError

DocumentKind = Literal["text", "html"]

UTF8_BOM = b"\xef\xbb\xbf"
_BYTE_ORDER_MARKS = (
    (UTF8_BOM, "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Browsers read these labels as windows-1252; pages that declare ISO-8859-1 but
# use its curly quotes then decode as their authors saw them.
_READ_AS_WINDOWS_1252 = {"iso8859-1", "ascii"}
# Browsers look for a meta charset in the first 1024 bytes only.
_META_PRESCAN_BYTES = 1024
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_HTML_TAG = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|article|main|div|p|h[1-6])[\s/>]",
    re.IGNORECASE,
)
# C0 controls other than tab, line feed, vertical tab, form feed and carriage return.
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_BINARY_SAMPLE_CHARS = 8192


@dataclass(frozen=True)
class Charset:
    codec: str
    origin: str  # why this charset, for messages ("" for the UTF-8 default)
    bom_length: int = 0

    @property
    def label(self) -> str:
        return "UTF-8" if self.codec == "utf-8" else self.codec


def decode_document(
    data: bytes, kind: DocumentKind | None, declared_charset: str | None, noun: str
) -> tuple[DocumentKind, str]:
    """Decode one document exactly (no newline or whitespace changes).

    ``kind`` None means sniff it; ``noun`` ("file", "response body") words the
    failure reasons.
    """
    if not data:
        raise InputError(f"empty {noun}")
    if kind is None:
        kind = "html" if looks_like_html(data) else "text"
    charset = choose_charset(data, declared_charset, sniff_meta=kind == "html")
    try:
        text = data[charset.bom_length :].decode(charset.codec)
    except UnicodeDecodeError as exc:
        if looks_binary(data.decode("latin-1")):
            raise InputError(f"binary {noun} (not text or HTML)") from exc
        position = charset.bom_length + exc.start
        raise InputError(f"not valid {charset.label} at byte {position}{charset.origin}") from exc
    if looks_binary(text):
        raise InputError(f"binary {noun} (not text or HTML)")
    if not text.strip():
        raise InputError(f"empty {noun} (whitespace only)")
    return kind, text


def decode_utf8(data: bytes, where: str = "") -> str:
    """UTF-8 with or without a byte order mark; ``where`` ends the failure reason."""
    bom_length = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    try:
        return data[bom_length:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 at byte {bom_length + exc.start}{where}") from exc


def choose_charset(data: bytes, declared: str | None, *, sniff_meta: bool) -> Charset:
    """Byte order mark, then the declared charset, then a meta tag, then UTF-8 (as browsers do)."""
    for mark, codec in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            # Only a UTF-16 mark is news worth naming in a reason; UTF-8 is the default.
            origin = "" if codec == "utf-8" else " (from its byte order mark)"
            return Charset(codec, origin, len(mark))
    from_header = _known_charset(declared, " (charset from the Content-Type header)")
    if from_header:
        return from_header
    if sniff_meta:
        from_meta = _known_charset(_meta_charset(data), " (charset from a meta tag)")
        # A meta tag readable as ASCII cannot be right about UTF-16 or UTF-32.
        if from_meta and not from_meta.codec.startswith(("utf-16", "utf-32")):
            return from_meta
    return Charset("utf-8", "")


def _known_charset(label: str | None, origin: str) -> Charset | None:
    if not label:
        return None
    try:
        codec = codecs.lookup(label.strip()).name
        b"".decode(codec)  # rejects codecs that are not text encodings (zlib, base64)
    except LookupError:
        # An unknown label is ignored, as browsers do.
        return None
    if codec in _READ_AS_WINDOWS_1252:
        codec = "cp1252"
    return Charset(codec, origin)


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_META_PRESCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def looks_like_html(data: bytes) -> bool:
    """Markup from its first bytes: starts with a tag, and names a common HTML one."""
    head = data[:_META_PRESCAN_BYTES].removeprefix(UTF8_BOM)
    return head.lstrip().startswith(b"<") and _HTML_TAG.search(head) is not None


def looks_binary(text: str) -> bool:
    """A NUL anywhere, or control characters in more than 1 in 100 of the first characters."""
    if "\x00" in text:
        return True
    sample = text[:_BINARY_SAMPLE_CHARS]
    return len(_CONTROL_CHARACTER.findall(sample)) * 100 > len(sample)
