"""The store's SQLite connections: how one is opened, and one write transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

BUSY_TIMEOUT_SECONDS = 30.0

# Text from hostile pages (or a database written by another tool) can hold bytes
# that are not UTF-8: they are read as U+FFFD rather than failing the whole query.
_lenient_text = partial(str, encoding="utf-8", errors="replace")


def open_connection(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """An autocommit connection with the store's settings; a read-only one is ``query_only``.

    A writer also puts the database in WAL mode, so that readers query while it writes.
    """
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    connection.text_factory = _lenient_text
    if read_only:
        connection.execute("PRAGMA query_only = ON")
        return connection
    connection.execute("PRAGMA journal_mode = WAL")
    # In WAL mode NORMAL loses no committed transaction when the process dies;
    # only a power cut may roll back the last ones, which a re-run adds again.
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


@contextmanager
def write_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """A transaction on an autocommit connection, rolled back on any error."""
    # IMMEDIATE takes the write lock before the identity check, so two writers
    # cannot both decide an article is new.
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
