"""Ingest: turn what the user names (paths, directories, URLs) into RawDocuments.

``read_inputs`` reads what ``saywho analyze`` takes; ``read_sources`` adds what
``saywho ingest`` monitors: WARC files, feeds, sitemaps and URL lists, fetched
politely (robots.txt, a per-host pace).

Bad inputs never raise: they come out of ``read_inputs`` as ``Failure`` records
with a one-line reason, in order with the good ones, so one bad file never stops
a batch and nothing disappears silently.
"""

from saywho.ingest.fetch import FetchedPage, fetch_url
from saywho.ingest.options import FetchOptions
from saywho.ingest.reader import read_inputs
from saywho.ingest.sources import SOURCE_KINDS, SourceKind, SourceOptions, read_sources

__all__ = [
    "SOURCE_KINDS",
    "FetchOptions",
    "FetchedPage",
    "SourceKind",
    "SourceOptions",
    "fetch_url",
    "read_inputs",
    "read_sources",
]
