"""Ingest: turn what the user names (paths, directories, URLs) into RawDocuments.

Bad inputs never raise: they come out of ``read_inputs`` as ``Failure`` records
with a one-line reason, in order with the good ones, so one bad file never stops
a batch and nothing disappears silently.
"""
