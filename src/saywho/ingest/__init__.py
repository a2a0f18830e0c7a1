"""Ingest: turn what the user names (paths, directories, URLs) into RawDocuments.

Bad inputs never raise: they come out of ``read_inputs`` as ``Failure`` records
with a one-line reason, in order with the good ones, so one bad file never stops
a batch and nothing disappears silently.
"""

from saywho.ingest.fetch import FetchedPage, fetch_url
from saywho.ingest.options import FetchOptions
from saywho.ingest.reader import read_inputs

__all__ = ["FetchOptions", "FetchedPage", "fetch_url", "read_inputs"]
