"""The web dashboard and REST API over a saywho database (``saywho serve``).

``create_app(db_path, allow_write, token)`` builds the application: server-rendered
pages (overview, ledger, article, entity, search) and a JSON API under ``/api/``
that call the same ``Store`` queries and filter dataclasses as the CLI.
Everything it shows comes from pages written by strangers, so it escapes all of
it, serves a strict Content-Security-Policy and refuses every POST unless the
server was started with ``--allow-write`` and the request carries its token.
"""

from saywho.web.app import create_app

__all__ = ["create_app"]
