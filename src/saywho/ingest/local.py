"""Local inputs: files of the supported kinds, and directories of them."""

from __future__ import annotations

import gzip
import io
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Literal

from saywho.ingest.capped import GZIP_MAGIC, gunzip_capped, is_gzip, read_capped
from saywho.ingest.decoding import decode_document
from saywho.ingest.options import FetchOptions
from saywho.ingest.records import records_from_json, records_from_jsonl
from saywho.model import Failure, InputError, RawDocument

FileKind = Literal["text", "html", "json", "jsonl"]

_KINDS_BY_SUFFIX: dict[str, FileKind] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
}
_NOTHING_TO_READ = "no .txt, .html, .htm, .json or .jsonl files (plain or .gz) in this directory"


def kind_from_name(name: str) -> FileKind | None:
    """The kind a file name says, looking through ``.gz``; None if not one we read."""
    return _KINDS_BY_SUFFIX.get(PurePath(name.lower().removesuffix(".gz")).suffix)


def read_path(name: str, options: FetchOptions) -> Iterator[RawDocument | Failure]:
    """A file the user named (sniffed if its name says no kind), or a directory."""
    path = Path(name)
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        yield Failure(name, describe_os_error(exc))
        return
    if stat.S_ISDIR(mode):
        yield from read_directory(path, options)
    elif stat.S_ISREG(mode):
        yield from read_file(path, name, kind_from_name(path.name), options)
    else:
        yield Failure(name, "not a regular file or directory")


def read_directory(root: Path, options: FetchOptions) -> Iterator[RawDocument | Failure]:
    """Every file of a supported kind under ``root``: recursive, sorted, hidden ones skipped.

    Files of other kinds are passed over silently; a directory with none at all
    is a Failure, so that a mistyped folder does not look like an empty result.
    """
    found_any = False
    for item in files_under(root):
        if isinstance(item, Failure):
            found_any = True
            yield item
        elif kind := kind_from_name(item.name):
            found_any = True
            yield from read_file(item, str(item), kind, options)
    if not found_any:
        yield Failure(str(root), _NOTHING_TO_READ)


def files_under(root: Path) -> Iterator[Path | Failure]:
    """Regular files under ``root``, sorted, hidden ones skipped; unreadable folders as Failures."""
    yield from _walk(root, visited=set())


def _walk(directory: Path, visited: set[tuple[int, int]]) -> Iterator[Path | Failure]:
    try:
        info = directory.stat()
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield Failure(str(directory), describe_os_error(exc))
        return
    # Symbolic links are followed; a directory seen before (a link loop) is not read again.
    identity = (info.st_dev, info.st_ino)
    if identity in visited:
        return
    visited.add(identity)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = directory / entry.name
        if entry.is_dir():
            yield from _walk(path, visited)
        elif entry.is_file():
            yield path


def read_file(
    path: Path, source: str, kind: FileKind | None, options: FetchOptions
) -> Iterator[RawDocument | Failure]:
    """One file; gzip is recognised by its magic bytes, whatever the name says."""
    if kind == "jsonl":
        yield from _read_jsonl(path, source, options.max_bytes)
        return
    results: list[RawDocument | Failure]
    try:
        data = load_file(path, options.max_bytes)
        if kind == "json":
            results = records_from_json(data, source)
        else:
            document_kind, text = decode_document(data, kind, None, "file")
            results = [_document(source, document_kind, text)]
    except InputError as exc:
        results = [Failure(source, str(exc))]
    yield from results


def _document(source: str, kind: Literal["text", "html"], content: str) -> RawDocument:
    if kind == "html":
        return RawDocument(source=source, html=content)
    return RawDocument(source=source, text=content)


def load_file(path: Path, max_bytes: int) -> bytes:
    """A file's bytes within the cap, gunzipped (capped too) when it is gzip."""
    try:
        with path.open("rb") as file:
            data = read_capped(file, max_bytes)
    except OSError as exc:
        raise InputError(describe_os_error(exc)) from exc
    return gunzip_capped(data, max_bytes) if is_gzip(data) else data


def _read_jsonl(path: Path, source: str, max_bytes: int) -> Iterator[RawDocument | Failure]:
    # Streamed line by line, so that a failure partway still leaves the records before it.
    try:
        with _open_maybe_gzip(path) as stream:
            yield from records_from_jsonl(stream, source, max_bytes)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield Failure(source, f"truncated or corrupt gzip: {exc}")
    except OSError as exc:
        yield Failure(source, describe_os_error(exc))


def _open_maybe_gzip(path: Path) -> gzip.GzipFile | io.BufferedReader:
    with path.open("rb") as probe:
        compressed = probe.read(len(GZIP_MAGIC)) == GZIP_MAGIC
    return gzip.open(path, "rb") if compressed else path.open("rb")


def describe_os_error(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"
