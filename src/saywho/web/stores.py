"""One read-only ``StoreReader`` per worker thread.

Pages and API endpoints run in a thread pool, and a sqlite3 connection may only
be used by the thread that opened it; WAL lets these readers query while an
ingest writes. The server writes once, at start-up: it opens the database as
every saywho command does (``Store.existing``), which brings one made by an
older saywho up to the current schema. The connections that answer requests
are then ``StoreReader``s: no migration, ``query_only``, and no write method.
"""

from __future__ import annotations

import threading
from pathlib import Path

from starlette.requests import Request

from saywho.store import Store, StoreReader


class StoreProvider:
    def __init__(self, path: Path) -> None:
        self.path = path
        # Fails now, at start-up, when there is no database (with a message saying so).
        Store.existing(path).close()
        self._local = threading.local()

    def get(self) -> StoreReader:
        """This thread's reader, opened on first use."""
        store: StoreReader | None = getattr(self._local, "store", None)
        if store is None:
            store = StoreReader(self.path)
            self._local.store = store
        return store


def store_of(request: Request) -> StoreReader:
    """The store for this request; call it in the endpoint's own thread, not in a dependency.

    FastAPI may run a synchronous dependency and the endpoint on different
    threads of its pool, and a connection must stay on its thread.
    """
    provider: StoreProvider = request.app.state.stores
    return provider.get()
