"""``read_inputs``: what the user names, in order, as documents or failures."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from saywho.ingest.local import read_path
from saywho.ingest.options import DEFAULT_OPTIONS, FetchOptions
from saywho.ingest.web import read_url
from saywho.model import Failure, RawDocument

# Any scheme, so that ftp:// or file:// get "unsupported scheme" rather than "no such file".
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def read_inputs(
    inputs: Iterable[str], options: FetchOptions = DEFAULT_OPTIONS
) -> Iterator[RawDocument | Failure]:
    """Each input in turn: a file, a directory (recursively) or an http(s) URL.

    Lazy: an input is read only when the consumer asks for its documents. Bad
    input never raises; it comes out as a Failure with a one-line reason, and the
    inputs after it are still read.
    """
    for name in inputs:
        if _URL.match(name):
            yield read_url(name, options)
        elif not name:
            yield Failure(name, "empty path")
        else:
            yield from read_path(name, options)
