"""``saywho serve``: the dashboard and API over a database (``saywho.web``)."""

from __future__ import annotations

import argparse

from saywho.cli.options import Subcommands, add_database_option


def add_command(commands: Subcommands) -> None:
    serve = commands.add_parser(
        "serve",
        help="a web dashboard and REST API over a database",
        description="Serve the dashboard (overview, ledger, articles, entities, search, spread) "
        "and the JSON API under /api/ (OpenAPI description at /openapi.json) over a database "
        "made by `saywho ingest`. Reading needs no login, so the server listens on 127.0.0.1 only "
        "unless --host says otherwise. POST endpoints (/api/analyze) answer 403 unless "
        "--allow-write is given, and then need a bearer token: the SAYWHO_TOKEN environment "
        "variable, or one generated and printed once at start. See docs/web.md.",
    )
    add_database_option(serve)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument(
        "--allow-write",
        action="store_true",
        help="turn on the POST endpoints (they cost CPU), each needing the token",
    )
    serve.add_argument(
        "--max-body-mb",
        type=float,
        default=2.0,
        metavar="MB",
        help="largest request body accepted, in MiB (default: 2)",
    )
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    # Imported here: the web stack is loaded only by the command that needs it.
    from saywho.web.serve import ServeSettings, serve

    settings = ServeSettings(
        db=args.db,
        host=args.host,
        port=args.port,
        allow_write=args.allow_write,
        max_body_bytes=int(args.max_body_mb * 1024 * 1024),
    )
    return serve(settings)
