"""JSON and JSONL files of article records.

A record is an object with ``text`` or ``html`` (with both, ``text`` wins: it is
what the producer already extracted) and optional ``url``, ``title``,
``published`` and ``outlet``; other fields are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Protocol

from saywho.ingest.capped import over_cap
from saywho.ingest.decoding import decode_utf8
from saywho.model import Failure, InputError, RawDocument

_SKIP_CHUNK = 64 * 1024
_JSON_TYPE_NAMES: dict[type, str] = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


class LineStream(Protocol):
    def readline(self, size: int, /) -> bytes: ...


def records_from_json(data: bytes, source: str) -> list[RawDocument | Failure]:
    """One object (source ``path``) or an array of them (record N: ``path#N``, from 1).

    Raises InputError when the file as a whole is unusable.
    """
    if not data:
        raise InputError("empty file")
    value = _parse_json(decode_utf8(data))
    if isinstance(value, dict):
        return [document_or_failure(value, source)]
    if not isinstance(value, list):
        raise InputError(f"JSON must be an object or an array of objects, not {_json_type(value)}")
    if not value:
        raise InputError("empty JSON array (no records)")
    return [document_or_failure(record, f"{source}#{n}") for n, record in enumerate(value, 1)]


def records_from_jsonl(
    stream: LineStream, source: str, max_bytes: int
) -> Iterator[RawDocument | Failure]:
    """One record a line, read lazily, so a file may be far larger than ``max_bytes``.

    Record N gets source ``path#N`` with N the line number (from 1), so it points
    at the line in an editor; blank lines are skipped. The cap applies to each line.
    """
    line_number = 0
    non_blank_lines = 0
    while line := stream.readline(max_bytes + 1):
        line_number += 1
        record_source = f"{source}#{line_number}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            non_blank_lines += 1
            yield Failure(record_source, f"record {over_cap(max_bytes)}")
        elif line.strip():
            non_blank_lines += 1
            yield record_from_line(line, record_source)
    if not non_blank_lines:
        yield Failure(source, "empty file (no records)")


def _skip_rest_of_line(stream: LineStream) -> None:
    while (chunk := stream.readline(_SKIP_CHUNK)) and not chunk.endswith(b"\n"):
        pass


def record_from_line(line: bytes, source: str) -> RawDocument | Failure:
    """One JSONL line as a RawDocument, or the Failure that says what is wrong with it."""
    try:
        record = _parse_json(decode_utf8(line.rstrip(b"\r\n"), " of the line"), one_line=True)
    except InputError as exc:
        return Failure(source, str(exc))
    return document_or_failure(record, source)


def _parse_json(text: str, *, one_line: bool = False) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"column {exc.colno}" if one_line else f"line {exc.lineno} column {exc.colno}"
        raise InputError(f"invalid JSON at {where}: {exc.msg}") from exc
    except ValueError as exc:  # such as an integer too long to convert
        raise InputError(f"invalid JSON: {exc}") from exc
    except RecursionError as exc:
        raise InputError("invalid JSON: nested too deeply") from exc


def document_or_failure(record: object, source: str) -> RawDocument | Failure:
    """One record as a RawDocument, or the Failure that says what is wrong with it."""
    try:
        return _document_from_record(record, source)
    except InputError as exc:
        return Failure(source, str(exc))


def _document_from_record(record: object, source: str) -> RawDocument:
    if not isinstance(record, dict):
        raise InputError(f"record is {_json_type(record)}, not a JSON object")
    text = _string_field(record, "text")
    # With both, "text" wins and "html" is not even type-checked.
    html = None if text is not None else _string_field(record, "html")
    field, body = ("text", text) if text is not None else ("html", html)
    if body is None:
        raise InputError('record has neither "text" nor "html"')
    if not body.strip():
        raise InputError(f'record has an empty "{field}"')
    return RawDocument(
        source=source,
        text=text,
        html=html,
        url=_string_field(record, "url"),
        title=_string_field(record, "title"),
        published=_string_field(record, "published"),
        outlet=_string_field(record, "outlet"),
    )


def _string_field(record: dict[str, object], name: str) -> str | None:
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value
    raise InputError(f'"{name}" must be a string, not {_json_type(value)}')


def _json_type(value: object) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)
