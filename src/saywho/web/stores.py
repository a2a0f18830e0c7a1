"""One read-only ``Store`` per worker thread.

Pages and API endpoints run in a thread pool, and a sqlite3 connection may only
be used by the thread that opened it; WAL lets these readers query while an
ingest writes. The web never writes, so its connections are ``query_only``.
"""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path

from starlette.requests import Request

from saywho.store.store import Store

# A database written by another tool may hold bytes that are not UTF-8; they are
# shown as U+FFFD rather than failing the page that reads them.
_lenient_text = partial(str, encoding="utf-8", errors="replace")


class StoreProvider:
    def __init__(self, path: Path) -> None:
        self.path = path
        # Fails now, at start-up, when there is no database (with a message saying so).
        self._open().close()
        self._local = threading.local()

    def get(self) -> Store:
        """This thread's store, opened on first use."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = self._open()
            self._local.store = store
        return store

    def _open(self) -> Store:
        store = Store.existing(self.path)
        db = store.connection()
        db.text_factory = _lenient_text
        db.execute("PRAGMA query_only = ON")
        return store


def store_of(request: Request) -> Store:
    """The store for this request; call it in the endpoint's own thread, not in a dependency.

    FastAPI may run a synchronous dependency and the endpoint on different
    threads of its pool, and a connection must stay on its thread.
    """
    provider: StoreProvider = request.app.state.stores
    return provider.get()
